import type { FastifyInstance } from 'fastify';
import type { WebhooksContext } from '../context.ts';
import { createEndpoint } from '../create-endpoint.ts';
import { deleteEndpoint } from '../delete-endpoint.ts';
import { getEndpoint, listEndpoints } from '../get-endpoint.ts';
import { rotateSecret } from '../rotate-secret.ts';
import { updateEndpoint } from '../update-endpoint.ts';
import { actorOf } from '../../http/index.ts';
import { descriptionSchema, endpointSchema, errors, eventTypesSchema, idParams, idempotencyHeader, pageOf, pageQuery, urlSchema } from './schemas.ts';

const manage = { scope: 'webhooks:manage' as const };
const tags = ['webhooks'];

export async function endpointsRoutes(app: FastifyInstance, ctx: WebhooksContext): Promise<void> {
  app.post<{ Body: { url: string; event_types: string[]; description?: string } }>(
    '/v1/webhook_endpoints',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Subscribe a URL to events; the signing secret is in this response only',
        description:
          'The endpoint receives events created from now on, each as a signed POST (`Kessai-Signature: t=…,v1=…`, ' +
          'HMAC-SHA256 of `<t>.<body>` with the secret). Consumers de-duplicate on `Kessai-Event-Id`.',
        headers: idempotencyHeader,
        body: {
          type: 'object',
          required: ['url', 'event_types'],
          additionalProperties: false,
          properties: { url: urlSchema, event_types: eventTypesSchema, description: descriptionSchema },
        },
        response: { 201: endpointSchema, ...errors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const created = await createEndpoint(ctx, { url: b.url, eventTypes: b.event_types, ...(b.description !== undefined ? { description: b.description } : {}) }, actorOf(request));
      return reply.status(201).send(created);
    },
  );

  app.get<{ Querystring: { limit: number; starting_after?: string; enabled?: boolean } }>(
    '/v1/webhook_endpoints',
    {
      config: manage,
      schema: {
        tags,
        summary: 'List webhook endpoints, newest first (never their secrets)',
        querystring: { type: 'object', additionalProperties: false, properties: { ...pageQuery, enabled: { type: 'boolean' } } },
        response: { 200: pageOf(endpointSchema), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      return listEndpoints(ctx, { limit: q.limit, ...(q.starting_after ? { startingAfter: q.starting_after } : {}), ...(q.enabled !== undefined ? { enabled: q.enabled } : {}) });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/webhook_endpoints/:id',
    { config: manage, schema: { tags, summary: 'A webhook endpoint (without its secret)', params: idParams, response: { 200: endpointSchema, ...errors } } },
    async (request) => getEndpoint(ctx, request.params.id),
  );

  app.patch<{ Params: { id: string }; Body: { url?: string; event_types?: string[]; enabled?: boolean; description?: string } }>(
    '/v1/webhook_endpoints/:id',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Change an endpoint’s URL, events, description, or enable/disable it',
        description: 'A disabled endpoint gets no deliveries for events created meanwhile; its pending deliveries resume when it is enabled again.',
        headers: idempotencyHeader,
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { url: urlSchema, event_types: eventTypesSchema, enabled: { type: 'boolean' }, description: descriptionSchema },
        },
        response: { 200: endpointSchema, ...errors },
      },
    },
    async (request) => {
      const b = request.body;
      return updateEndpoint(
        ctx,
        request.params.id,
        {
          ...(b.url !== undefined ? { url: b.url } : {}),
          ...(b.event_types !== undefined ? { eventTypes: b.event_types } : {}),
          ...(b.enabled !== undefined ? { enabled: b.enabled } : {}),
          ...(b.description !== undefined ? { description: b.description } : {}),
        },
        actorOf(request),
      );
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/webhook_endpoints/:id',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Remove an endpoint; its pending deliveries end failed',
        headers: idempotencyHeader,
        params: idParams,
        response: { 200: { type: 'object', properties: { id: { type: 'string' }, object: { type: 'string' }, deleted: { type: 'boolean' } } }, ...errors },
      },
    },
    async (request) => deleteEndpoint(ctx, request.params.id, actorOf(request)),
  );

  app.post<{ Params: { id: string } }>(
    '/v1/webhook_endpoints/:id/rotate_secret',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Replace the signing secret; the new one is in this response only',
        description: 'Every attempt from now on, retries included, is signed with the new secret.',
        headers: idempotencyHeader,
        params: idParams,
        response: { 200: endpointSchema, ...errors },
      },
    },
    async (request) => rotateSecret(ctx, request.params.id, actorOf(request)),
  );
}
