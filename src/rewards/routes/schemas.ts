import { nullableString } from '../../http/index.ts';
export { amountSchema, currencySchema, errorResponses as errors, idempotencyHeader, pageOf, pageQuery, positiveAmountSchema } from '../../http/index.ts';
import { amountSchema, currencySchema, positiveAmountSchema } from '../../http/index.ts';
import { CAMPAIGN_STATUSES } from '../campaign-view.ts';
import { EXTERNAL_ID_PATTERN, LIMITS, PAYMENT_METHOD_PATTERN } from '../context.ts';
import { MARKETPLACES, POINTS_ROUNDING, REWARD_REASONS } from '../model.ts';

export const externalIdSchema = { type: 'string', pattern: EXTERNAL_ID_PATTERN, description: 'Letters, digits, . _ : @ - (at most 64)' } as const;
export const paymentMethodSchema = { type: 'string', pattern: PAYMENT_METHOD_PATTERN, description: 'A payment method category, e.g. card, wallet, code (lower case)' } as const;
export const externalIdParams = { type: 'object', required: ['id'], properties: { id: externalIdSchema } } as const;
export const campaignIdParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const pointsSchema = { ...positiveAmountSchema, description: 'Points' } as const;
const rateSchema = { type: 'string', pattern: '^\\d{1,3}(\\.\\d{1,4})?$', description: 'A percentage as an exact decimal string, e.g. "1.0" for 1 %' } as const;

/** The editable content of a campaign version: the POST body, and (all optional) a PATCH. */
export const campaignContentProperties = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  starts_at: dateTime,
  ends_at: { ...dateTime, description: 'Exclusive' },
  paused: { type: 'boolean' },
  user_filters: {
    type: 'object',
    additionalProperties: false,
    properties: {
      card_status: { type: ['array', 'null'], minItems: 1, maxItems: 100, items: { type: 'integer', minimum: 0, maximum: LIMITS.maxCardStatus }, description: 'The customer’s card status is one of these' },
    },
  },
  payment_filters: {
    type: 'object',
    additionalProperties: false,
    properties: {
      marketplace: { type: ['string', 'null'], enum: [...MARKETPLACES, null], description: 'inside: only on our marketplace; outside: only elsewhere' },
      merchants: {
        type: ['object', 'null'],
        required: ['master_ids'],
        additionalProperties: false,
        properties: {
          master_ids: { type: 'array', minItems: 1, maxItems: LIMITS.maxListed, items: externalIdSchema },
          invert: { type: 'boolean', description: 'true: the listed merchant masters are excluded; false (default): only they are eligible' },
        },
      },
      payment_methods: { type: ['array', 'null'], minItems: 1, maxItems: 50, items: paymentMethodSchema },
      min_amount: {
        type: ['object', 'null'],
        required: ['amount', 'currency'],
        additionalProperties: false,
        properties: { amount: amountSchema, currency: currencySchema },
      },
    },
  },
  stage_rates: {
    type: 'array',
    minItems: 1,
    maxItems: LIMITS.maxRates,
    items: {
      type: 'object',
      required: ['min_stage', 'rate_percent'],
      additionalProperties: false,
      properties: { min_stage: { type: 'integer', minimum: 0, maximum: LIMITS.maxStage }, rate_percent: rateSchema },
    },
    description: 'A customer at stage s earns the rate of the highest min_stage ≤ s',
  },
  rounding: { type: 'string', enum: [...POINTS_ROUNDING] },
  caps: {
    type: 'object',
    additionalProperties: false,
    properties: {
      per_customer_month: { ...pointsSchema, type: ['integer', 'null'], description: 'Points per customer per calendar month (in timezone)' },
      timezone: { type: 'string', minLength: 1, maxLength: 64, description: 'IANA timezone of the calendar months (default Asia/Tokyo)' },
      budget: { ...pointsSchema, type: ['integer', 'null'], description: 'Points the campaign may grant in all' },
    },
  },
  funding_party: { type: 'string', minLength: 1, maxLength: 64, description: 'Who pays for the points (liability reports group by it)' },
  points_expire_after_days: { type: ['integer', 'null'], minimum: 1, maximum: 36500, description: 'Days the points of each grant last from the grant; null: they never expire' },
} as const;

const nullableIntArray = { type: ['array', 'null'], items: { type: 'integer' } } as const;
const nullableStringArray = { type: ['array', 'null'], items: { type: 'string' } } as const;

const versionContentSchema = {
  name: { type: 'string' },
  starts_at: { type: 'string' },
  ends_at: { type: 'string' },
  paused: { type: 'boolean' },
  user_filters: { type: 'object', properties: { card_status: nullableIntArray } },
  payment_filters: {
    type: 'object',
    properties: {
      marketplace: nullableString,
      merchants: { type: ['object', 'null'], properties: { master_ids: { type: 'array', items: { type: 'string' } }, invert: { type: 'boolean' } } },
      payment_methods: nullableStringArray,
      min_amount: { type: ['object', 'null'], properties: { amount: { type: 'integer' }, currency: { type: 'string' } } },
    },
  },
  stage_rates: { type: 'array', items: { type: 'object', properties: { min_stage: { type: 'integer' }, rate_percent: { type: 'string' } } } },
  rounding: { type: 'string' },
  caps: { type: 'object', properties: { per_customer_month: { type: ['integer', 'null'] }, timezone: { type: 'string' }, budget: { type: ['integer', 'null'] } } },
  funding_party: { type: 'string' },
  points_expire_after_days: { type: ['integer', 'null'] },
} as const;

export const campaignVersionSchema = {
  type: 'object',
  properties: { version: { type: 'integer' }, ...versionContentSchema, created_at: { type: 'string' }, created_by: nullableString },
} as const;

const campaignProperties = {
  id: { type: 'string' },
  object: { type: 'string', enum: ['reward_campaign'] },
  version: { type: 'integer', description: 'The current version; send it back as expected_version to edit' },
  status: { type: 'string', enum: [...CAMPAIGN_STATUSES] },
  ...versionContentSchema,
  budget_used: { type: 'integer', description: 'Points granted from the budget so far' },
  version_created_at: { type: 'string' },
  version_created_by: nullableString,
  created_at: { type: 'string' },
  updated_at: { type: 'string' },
} as const;

export const campaignSchema = { type: 'object', properties: campaignProperties } as const;
export const campaignWithHistorySchema = {
  type: 'object',
  properties: { ...campaignProperties, versions: { type: 'array', items: campaignVersionSchema, description: 'Every version, newest first' } },
} as const;

export const customerSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    object: { type: 'string', enum: ['reward_customer'] },
    card_status: { type: ['integer', 'null'] },
    card_status_as_of: nullableString,
    stage: { type: ['integer', 'null'] },
    stage_as_of: nullableString,
    version: { type: 'integer' },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
    applied: { type: 'array', items: { type: 'string' }, description: 'The fields this request changed' },
    ignored: { type: 'array', items: { type: 'string' }, description: 'The fields this request sent but were older than what is held' },
  },
} as const;

export const merchantMasterSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    object: { type: 'string', enum: ['reward_merchant_master'] },
    name: { type: 'string' },
    marketplace: { type: 'string', enum: [...MARKETPLACES] },
    merchant_ids: {
      type: 'array',
      items: { type: 'object', properties: { payment_method: { type: 'string' }, merchant_id: { type: 'string' }, effective_from: { type: 'string' }, effective_to: nullableString } },
    },
    version: { type: 'integer' },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
} as const;

export const pointsResponseSchema = {
  type: 'object',
  properties: {
    object: { type: 'string', enum: ['reward_points'] },
    customer_id: { type: 'string' },
    balance: { type: 'integer', description: 'granted − reversed − expired' },
    totals: { type: 'object', properties: { earned: { type: 'integer' }, granted: { type: 'integer' }, reversed: { type: 'integer' }, expired: { type: 'integer' } } },
    ledger: {
      type: 'object',
      properties: {
        data: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              kind: { type: 'string', enum: ['earned', 'granted', 'reversed', 'expired'] },
              points: { type: 'integer' },
              campaign_id: { type: 'string' },
              grant_id: nullableString,
              funding_party: { type: 'string' },
              reference: { type: 'string' },
              occurred_at: { type: 'string' },
              created_at: { type: 'string' },
            },
          },
        },
        has_more: { type: 'boolean' },
        next_cursor: nullableString,
      },
    },
  },
} as const;

export const estimateSchema = {
  type: 'object',
  properties: {
    object: { type: 'string', enum: ['reward_estimate'] },
    customer_id: { type: 'string' },
    customer_known: { type: 'boolean', description: 'Whether Kessai has a local copy of the customer' },
    amount: { type: 'integer' },
    currency: { type: 'string' },
    payment_method: { type: 'string' },
    merchant_id: { type: 'string' },
    merchant_master_id: nullableString,
    marketplace: { type: 'string', enum: [...MARKETPLACES] },
    at: { type: 'string' },
    total_points: { type: 'integer' },
    cap_blind: { type: 'boolean', description: 'Always true: caps are applied at grant time only' },
    campaigns: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          campaign_id: { type: ['string', 'null'], description: 'null: a draft not saved yet' },
          version: { type: 'integer' },
          name: { type: 'string' },
          funding_party: { type: 'string' },
          draft: { type: 'boolean', description: 'estimate/draft only: this is the campaign as edited' },
          applies: { type: 'boolean' },
          points: { type: 'integer' },
          rate_percent: nullableString,
          reasons: { type: 'array', items: { type: 'string', enum: Object.keys(REWARD_REASONS) } },
        },
      },
    },
  },
} as const;

export const budgetBurnSchema = {
  type: 'object',
  properties: {
    object: { type: 'string', enum: ['reward_budget_burn'] },
    campaign_id: { type: 'string' },
    timezone: { type: 'string', description: 'The campaign’s cap timezone: the days are its calendar days' },
    from: { type: 'string' },
    to: { type: 'string' },
    budget: { type: ['integer', 'null'], description: 'The current budget (null: none)' },
    opening: { type: 'integer', description: 'Net points granted before `from`' },
    days: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          date: { type: 'string' },
          granted: { type: 'integer' },
          reversed: { type: 'integer' },
          net: { type: 'integer' },
          cumulative: { type: 'integer', description: 'Net granted since the campaign began, at the end of the day' },
          budget: { type: ['integer', 'null'], description: 'The budget in force at the end of the day' },
        },
      },
    },
  },
} as const;
