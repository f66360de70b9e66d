import { nullableString } from '../../http/index.ts';
import { CHANNEL_PATTERN } from '../channels.ts';
import { DISCREPANCY_REASONS } from '../discrepancy-rules.ts';
import { DISCREPANCY_STATES, RUN_STATUSES } from '../tables.ts';
export { errorResponses as errors, idParams, idempotencyHeader, pageOf, pageQuery } from '../../http/index.ts';

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const nullableInt = { type: ['integer', 'null'] } as const;
const free = { type: 'object', additionalProperties: true } as const;

export const channelSchema = { type: 'string', pattern: CHANNEL_PATTERN, description: 'wechat, alipay, stripe, adyen, paypal, or generic:NAME (a saved mapping)' } as const;
export const dateSchema = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' } as const;
export const reasonSchema = { type: 'string', enum: [...DISCREPANCY_REASONS] } as const;

export const fileSchema = {
  type: 'object',
  properties: {
    id: str,
    object: { type: 'string', enum: ['reconciliation_file'] },
    side: { type: 'string', enum: ['channel', 'ours'] },
    channel: str,
    file_name: str,
    sha256: str,
    byte_length: int,
    format: str,
    format_version: str,
    encoding: str,
    line_count: int,
    post_dates: { type: 'array', items: str },
    footer: { type: 'object', properties: { status: { type: 'string', enum: ['passed', 'failed', 'missing', 'not_applicable'] }, items: { type: 'array', items: free } } },
    problems: { type: 'array', items: free },
    metadata: free,
    status: str,
    uploaded_by: str,
    uploaded_at: str,
  },
} as const;

const sideBySide = { type: 'object', properties: { channel: nullableInt, ours: nullableInt } } as const;

export const dayResultSchema = {
  type: ['object', 'null'],
  properties: {
    channel: str,
    post_date: str,
    settlement_currency: nullableString,
    file_uploaded_at: nullableString,
    line_count: int,
    matched_count: int,
    discrepant_count: int,
    expected_count: int,
    totals: { type: 'object', description: 'Per currency, per item (amount, acquirer, interchange, scheme, other, three_ds, net): channel and ours side by side', additionalProperties: { type: 'object', additionalProperties: sideBySide } },
    channel_totals: free,
    our_totals: free,
    result: { type: 'string', enum: ['balanced', 'pending', 'discrepancies'] },
    computed_at: str,
  },
} as const;

export const runSchema = {
  type: 'object',
  properties: {
    id: str,
    object: { type: 'string', enum: ['reconciliation_run'] },
    channel: str,
    post_date: str,
    status: { type: 'string', enum: [...RUN_STATUSES] },
    requested_by: str,
    as_of: str,
    summary: free,
    error: nullableString,
    started_at: str,
    completed_at: nullableString,
    result: dayResultSchema,
  },
} as const;

export const discrepancySchema = {
  type: 'object',
  properties: {
    id: str,
    object: { type: 'string', enum: ['reconciliation_discrepancy'] },
    channel: str,
    post_date: str,
    match_key: str,
    reasons: { type: 'array', items: str },
    fields: { ...free, description: 'The compared fields side by side: amount {channel, ours, order}, currency, fees per item, order_status, fx_gap' },
    channel_line_ids: { type: 'array', items: str },
    our_transaction_ids: { type: 'array', items: str },
    currency: nullableString,
    channel_amount: nullableInt,
    our_amount: nullableInt,
    state: { type: 'string', enum: [...DISCREPANCY_STATES] },
    operator: nullableString,
    system_reason: str,
    operator_reason: nullableString,
    first_run_id: str,
    last_run_id: str,
    created_at: str,
    updated_at: str,
    state_changed_at: str,
    resolved_at: nullableString,
    corrected: { type: 'object', description: 'The latest amount correction per side.field (e.g. channel.amount): {amount (minor units, string), currency, correction_id}', additionalProperties: { type: 'object', properties: { amount: str, currency: str, correction_id: str } } },
  },
} as const;

export const mappingSchema = {
  type: 'object',
  properties: { object: { type: 'string', enum: ['reconciliation_mapping'] }, name: str, mapping: free, updated_by: str, updated_at: str },
} as const;
