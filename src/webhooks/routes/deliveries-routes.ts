import type { FastifyInstance } from 'fastify';
import type { WebhooksContext } from '../context.ts';
import { listDeliveries } from '../list-deliveries.ts';
import { retryDelivery } from '../retry-delivery.ts';
import { DELIVERY_STATUSES, isDeliveryStatus } from '../tables.ts';
import { actorOf } from '../../http/index.ts';
import { deliverySchema, errors, idParams, idempotencyHeader, pageOf, pageQuery } from './schemas.ts';

const manage = { scope: 'webhooks:manage' as const };
const tags = ['webhooks'];

export async function deliveriesRoutes(app: FastifyInstance, ctx: WebhooksContext): Promise<void> {
  app.get<{ Params: { id: string }; Querystring: { status?: string; limit: number; starting_after?: string } }>(
    '/v1/webhook_endpoints/:id/deliveries',
    {
      config: manage,
      schema: {
        tags,
        summary: 'An endpoint’s deliveries, newest first, with their attempts and last answer',
        params: idParams,
        querystring: { type: 'object', additionalProperties: false, properties: { ...pageQuery, status: { type: 'string', enum: [...DELIVERY_STATUSES] } } },
        response: { 200: pageOf(deliverySchema), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      return listDeliveries(ctx, request.params.id, {
        limit: q.limit,
        ...(q.status && isDeliveryStatus(q.status) ? { status: q.status } : {}),
        ...(q.starting_after ? { startingAfter: q.starting_after } : {}),
      });
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/webhook_deliveries/:id/retry',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Send a delivery again now',
        description: 'A failed or succeeded delivery starts a new series of attempts; a pending one is made due at once.',
        headers: idempotencyHeader,
        params: idParams,
        response: { 200: deliverySchema, ...errors },
      },
    },
    async (request) => retryDelivery(ctx, request.params.id, actorOf(request)),
  );
}
