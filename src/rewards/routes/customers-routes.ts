import type { FastifyInstance } from 'fastify';
import { KessaiError } from '../../errors/index.ts';
import { actorOf } from '../../http/index.ts';
import { LIMITS, type RewardsContext } from '../context.ts';
import { getCustomerPoints } from '../get-customer-points.ts';
import { getCustomer, presentCustomer } from '../get-customer.ts';
import { updateCustomer } from '../update-customer.ts';
import { customerSchema, errors, externalIdParams, idempotencyHeader, pageQuery, pointsResponseSchema } from './schemas.ts';

const tags = ['rewards'];

export async function customersRoutes(app: FastifyInstance, ctx: RewardsContext): Promise<void> {
  app.put<{ Params: { id: string }; Body: { card_status?: number; stage?: number; as_of: string } }>(
    '/v1/rewards/customers/:id',
    {
      config: { scope: 'rewards:write' },
      schema: {
        tags,
        summary: 'Update the local copy of a customer’s card status and loyalty stage',
        description:
          '`as_of` is when the values were true at their source. Each field is applied only if `as_of` is later than the one it holds, ' +
          'so late, repeated or out-of-order updates never overwrite newer ones (`ignored` lists what was not applied). ' +
          'A customer is created on its first update. Every process’s estimate sees the change at once.',
        headers: idempotencyHeader,
        params: externalIdParams,
        body: {
          type: 'object',
          required: ['as_of'],
          additionalProperties: false,
          properties: {
            card_status: { type: 'integer', minimum: 0, maximum: LIMITS.maxCardStatus },
            stage: { type: 'integer', minimum: 0, maximum: LIMITS.maxStage },
            as_of: { type: 'string', format: 'date-time' },
          },
        },
        response: { 200: customerSchema, ...errors },
      },
    },
    async (request) => {
      const b = request.body;
      if (b.card_status === undefined && b.stage === undefined) {
        throw new KessaiError('KS_ERR_VALIDATION', 'Send card_status or stage (or both)', { field: 'stage' });
      }
      const result = await updateCustomer(
        ctx,
        request.params.id,
        { ...(b.card_status !== undefined ? { cardStatus: b.card_status } : {}), ...(b.stage !== undefined ? { stage: b.stage } : {}), asOf: new Date(b.as_of) },
        actorOf(request),
      );
      return presentCustomer(result.row, { applied: result.applied, ignored: result.ignored });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/rewards/customers/:id',
    { config: { scope: 'rewards:read' }, schema: { tags, summary: 'The local copy of a customer', params: externalIdParams, response: { 200: customerSchema, ...errors } } },
    async (request) => getCustomer(ctx, request.params.id),
  );

  app.get<{ Params: { id: string }; Querystring: { limit: number; starting_after?: string } }>(
    '/v1/rewards/customers/:id/points',
    {
      config: { scope: 'rewards:read' },
      schema: {
        tags,
        summary: 'A customer’s points balance and ledger, newest first',
        params: externalIdParams,
        querystring: { type: 'object', additionalProperties: false, properties: pageQuery },
        response: { 200: pointsResponseSchema, ...errors },
      },
    },
    async (request) => getCustomerPoints(ctx, request.params.id, { limit: request.query.limit, ...(request.query.starting_after ? { startingAfter: request.query.starting_after } : {}) }),
  );
}
