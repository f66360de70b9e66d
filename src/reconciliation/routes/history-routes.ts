import type { FastifyInstance } from 'fastify';
import type { ReconciliationContext } from '../context.ts';
import { getRunHistory } from '../get-run-history.ts';
import { channelSchema, dateSchema, errors } from './schemas.ts';

const day = {
  type: 'object',
  properties: {
    post_date: { type: 'string' },
    matched_count: { type: 'integer' },
    discrepant_count: { type: 'integer' },
    expected_count: { type: 'integer' },
    match_rate: { type: ['string', 'null'] },
    discrepancy_count: { type: 'integer' },
    open_discrepancy_count: { type: 'integer' },
    discrepancy_amount: { type: 'object', additionalProperties: { type: 'string' } },
  },
} as const;

/** The console's chart: match rate and discrepancy amount per post date. */
export async function historyRoutes(app: FastifyInstance, ctx: ReconciliationContext): Promise<void> {
  app.get<{ Querystring: { channel?: string; from?: string; to?: string } }>(
    '/v1/reconciliation/history',
    {
      config: { scope: 'reconciliation:read' },
      schema: {
        tags: ['reconciliation'],
        summary: 'Match rate and discrepancy amount per post date (default: the last 30 days)',
        description: '`match_rate` is matched ÷ (matched + discrepant + expected) groups as a decimal string; `discrepancy_amount` is, per currency, the sum of |channel − ours| over the day’s discrepancies in minor units as a string. At most 366 days.',
        querystring: { type: 'object', additionalProperties: false, properties: { channel: channelSchema, from: dateSchema, to: dateSchema } },
        response: { 200: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' }, channel: { type: ['string', 'null'] }, days: { type: 'array', items: day } } }, ...errors },
      },
    },
    async (request) => getRunHistory(ctx, request.query),
  );
}
