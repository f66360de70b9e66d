import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { actorOf, errorResponses, idempotencyHeader, idParams, nullableString } from '../../http/index.ts';
import { CHANNEL_PATTERN } from '../channels.ts';
import { createFeeRule, listFeeRules, replaceFeeRule, retireFeeRule, type FeeRuleTables } from './fee-rule-store.ts';

const tags = ['reconciliation'];
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const free = { type: 'object', additionalProperties: true } as const;
const ruleSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    object: { type: 'string', enum: ['fee_rule'] },
    channel: { type: 'string' },
    effective_from: { type: 'string' },
    effective_to: nullableString,
    match: free,
    items: free,
    rounding: { type: 'string' },
    note: nullableString,
    replaces: nullableString,
    replaced_by: nullableString,
    created_by: { type: 'string' },
    created_at: { type: 'string' },
    retired_by: nullableString,
    retired_at: nullableString,
  },
} as const;
// The body is checked field by field in code (fee-rule-json.ts), so every error names its field.
const ruleBody = {
  type: 'object',
  description:
    '{channel, effective_from, effective_to?, match?: {card_brand, region, currency, payment_method, kind}, items: {acquirer|interchange|scheme|other|three_ds: {percent?, fixed?, tiers?: {mode: band|marginal, bands: [{up_to, percent?, fixed?}]}, min?, max?}}, rounding, note?} — amounts in minor units (docs/fee-rules.md)',
} as const;

/** Fee rules: stored, listed, replaced from a date or retired; never edited in place. */
export async function feeRuleRoutes(app: FastifyInstance, db: Kysely<FeeRuleTables>): Promise<void> {
  app.post<{ Body: unknown }>(
    '/v1/reconciliation/fee_rules',
    {
      config: { scope: 'reconciliation:write' },
      schema: { tags, summary: 'Store a fee rule (what a channel should charge where its file does not say)', headers: idempotencyHeader, body: ruleBody, response: { 201: ruleSchema, ...errorResponses } },
    },
    async (request, reply) => reply.status(201).send(await createFeeRule(db, request.body, actorOf(request))),
  );

  app.get<{ Querystring: { channel?: string; on?: string } }>(
    '/v1/reconciliation/fee_rules',
    {
      config: { scope: 'reconciliation:read' },
      schema: {
        tags,
        summary: 'Fee rules, every version (by channel; `on`: only those in force that day)',
        querystring: { type: 'object', additionalProperties: false, properties: { channel: { type: 'string', pattern: CHANNEL_PATTERN }, on: date } },
        response: { 200: { type: 'object', properties: { data: { type: 'array', items: ruleSchema } } }, ...errorResponses },
      },
    },
    async (request) => ({ data: await listFeeRules(db, { ...(request.query.channel ? { channel: request.query.channel } : {}), ...(request.query.on ? { on: request.query.on } : {}) }) }),
  );

  app.put<{ Params: { id: string }; Body: unknown }>(
    '/v1/reconciliation/fee_rules/:id',
    {
      config: { scope: 'reconciliation:write' },
      schema: {
        tags,
        summary: 'Replace a fee rule from a date: a new rule starts at its effective_from, the old one ends there (both kept)',
        headers: idempotencyHeader,
        params: idParams,
        body: ruleBody,
        response: { 201: ruleSchema, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await replaceFeeRule(db, request.params.id, request.body, actorOf(request))),
  );

  app.post<{ Params: { id: string }; Body: { effective_to: string } }>(
    '/v1/reconciliation/fee_rules/:id/retire',
    {
      config: { scope: 'reconciliation:write' },
      schema: {
        tags,
        summary: 'Retire a fee rule from a date (its effective_to; the rule is kept)',
        headers: idempotencyHeader,
        params: idParams,
        body: { type: 'object', required: ['effective_to'], additionalProperties: false, properties: { effective_to: date } },
        response: { 200: ruleSchema, ...errorResponses },
      },
    },
    async (request) => retireFeeRule(db, request.params.id, request.body.effective_to, actorOf(request)),
  );
}
