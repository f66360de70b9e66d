import type { FastifyInstance } from 'fastify';
import { actorOf, errorResponses, idempotencyHeader } from '../../http/index.ts';
import { listRates, loadRates, overrideRate, type FxContext } from './fx-rates.ts';
import { parseRatesCsv } from './parse-rates-csv.ts';

const tags = ['reconciliation'];
const MAX_RATES_FILE = 5 * 1024 * 1024;
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const currency = { type: 'string', pattern: '^[A-Z]{3}$' } as const;
const rateSchema = {
  type: 'object',
  properties: { date: { type: 'string' }, base: { type: 'string' }, quote: { type: 'string' }, rate: { type: 'string' }, source: { type: 'string' }, note: { type: ['string', 'null'] }, loaded_by: { type: 'string' }, loaded_at: { type: 'string' } },
} as const;
const rerunsSchema = {
  type: 'object',
  description: 'The channels and days reconciled again because their rate changed, each by a run (`run_id`) started by the workflow',
  properties: {
    workflow_id: { type: ['string', 'null'] },
    days: { type: 'array', items: { type: 'object', properties: { channel: { type: 'string' }, post_date: { type: 'string' }, run_id: { type: 'string' } } } },
  },
} as const;
const changesSchema = { type: 'array', items: { type: 'object', properties: { date: { type: 'string' }, base: { type: 'string' }, quote: { type: 'string' } } } } as const;

/** Daily FX rates: a CSV upload, the list, and an admin's override of one day and pair. */
export async function fxRoutes(app: FastifyInstance, ctx: FxContext): Promise<void> {
  await app.register(async (scope) => {
    scope.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: MAX_RATES_FILE }, (_request, body, done) => done(null, body));
    scope.post<{ Body: string }>(
      '/v1/reconciliation/fx_rates',
      {
        config: { scope: 'reconciliation:write' },
        schema: {
          tags,
          summary: 'Load daily FX rates from a CSV file (date,base,quote,rate)',
          description: 'All or nothing; a bad cell is an error naming its line and column. Days whose rate changed are reconciled again.',
          headers: idempotencyHeader,
          response: { 200: { type: 'object', properties: { loaded: { type: 'integer' }, changed: changesSchema, reruns: rerunsSchema } }, ...errorResponses },
        },
      },
      async (request) => loadRates(ctx, parseRatesCsv(request.body), 'file', actorOf(request)),
    );
  });

  app.get<{ Querystring: { from?: string; to?: string; base?: string; quote?: string; limit: number } }>(
    '/v1/reconciliation/fx_rates',
    {
      config: { scope: 'reconciliation:read' },
      schema: {
        tags,
        summary: 'FX rates by day and pair, every source (a manual rate wins)',
        querystring: { type: 'object', additionalProperties: false, properties: { from: date, to: date, base: currency, quote: currency, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } } },
        response: { 200: { type: 'object', properties: { data: { type: 'array', items: rateSchema } } }, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await listRates(ctx, { limit: q.limit, ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}), ...(q.base ? { base: q.base } : {}), ...(q.quote ? { quote: q.quote } : {}) });
      return { data: rows.map((r) => ({ date: r.rate_date, base: r.base, quote: r.quote, rate: r.rate, source: r.source, note: r.note, loaded_by: r.loaded_by, loaded_at: r.loaded_at.toISOString() })) };
    },
  );

  app.put<{ Params: { date: string; base: string; quote: string }; Body: { rate: string | null; note: string } }>(
    '/v1/reconciliation/fx_rates/:date/:base/:quote',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Override (or, with rate null, restore) the rate of one day and pair (admins; audited; the day is reconciled again)',
        headers: idempotencyHeader,
        params: { type: 'object', required: ['date', 'base', 'quote'], properties: { date, base: currency, quote: currency } },
        body: {
          type: 'object',
          required: ['rate', 'note'],
          additionalProperties: false,
          properties: { rate: { type: ['string', 'null'], pattern: '^(?:0|[1-9]\\d{0,11})(?:\\.\\d{1,12})?$' }, note: { type: 'string', minLength: 3, maxLength: 1000, description: 'Why' } },
        },
        response: { 200: { type: 'object', properties: { before: { type: ['string', 'null'] }, after: { type: ['string', 'null'] }, changed: { type: 'boolean' }, reruns: rerunsSchema } }, ...errorResponses },
      },
    },
    async (request) => {
      const p = request.params;
      return overrideRate(ctx, { date: p.date, base: p.base, quote: p.quote }, request.body.rate, request.body.note, actorOf(request));
    },
  );
}
