import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { toJsonSafe } from '../events/index.ts';
import { sandboxCards } from './cards.ts';
import { cardSummary } from './card-summary.ts';

const cardSchema = {
  type: 'object',
  properties: {
    payment_method: { type: 'string' },
    funding: { type: 'string', enum: ['credit', 'debit'] },
    description: { type: 'string' },
    limit: { type: ['integer', 'null'] },
    charges: { type: 'integer' },
    held: { type: 'integer' },
    captured: { type: 'integer' },
    refunded: { type: 'integer' },
    outstanding: { type: 'integer' },
  },
} as const;

export async function sandboxRoutes(app: FastifyInstance, opts: { pool: pg.Pool }): Promise<void> {
  app.get(
    '/v1/sandbox/cards',
    { config: { scope: 'sandbox:read' }, schema: { tags: ['sandbox'], summary: 'The sandbox test payment methods' } },
    async () => ({
      data: sandboxCards().map((c) => ({
        payment_method: c.paymentMethod,
        funding: c.funding,
        description: c.description,
        incremental_authorization: c.incrementalAuthorization,
        limit: c.limit === undefined ? null : Number(c.limit),
      })),
    }),
  );

  app.get<{ Params: { payment_method: string } }>(
    '/v1/sandbox/cards/:payment_method',
    {
      config: { scope: 'sandbox:read' },
      schema: {
        tags: ['sandbox'],
        summary: 'What the sandbox holds on a card: holds, captures, refunds',
        params: { type: 'object', properties: { payment_method: { type: 'string' } } },
        response: { 200: cardSchema },
      },
    },
    async (request) => toJsonSafe(await cardSummary(opts.pool, request.params.payment_method)),
  );
}
