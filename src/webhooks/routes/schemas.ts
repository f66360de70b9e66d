import { errorResponseSchema } from '../../http/index.ts';
import { EVENT_TYPE_PATTERN } from '../event-types.ts';
import { DELIVERY_STATUSES } from '../tables.ts';

export const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;

export const idempotencyHeader = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', maxLength: 255, description: 'Replays return the first response' } },
} as const;

export const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
  422: errorResponseSchema,
} as const;

const nullableString = { type: ['string', 'null'] } as const;

export const urlSchema = { type: 'string', minLength: 1, maxLength: 2048, description: 'An absolute http:// or https:// URL' } as const;
export const eventTypesSchema = {
  type: 'array',
  minItems: 1,
  maxItems: 100,
  items: { type: 'string', maxLength: 200, pattern: EVENT_TYPE_PATTERN },
  description: 'Exact event types (`payment.captured`), prefixes (`payment.*`) or `*` for every event',
} as const;
export const descriptionSchema = { type: 'string', maxLength: 500 } as const;

export const endpointSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    object: { type: 'string', enum: ['webhook_endpoint'] },
    url: { type: 'string' },
    event_types: { type: 'array', items: { type: 'string' } },
    description: { type: 'string' },
    enabled: { type: 'boolean' },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
    secret: { type: 'string', description: 'The signing secret (`whsec_…`); only on creation and rotation' },
  },
} as const;

export const deliverySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    object: { type: 'string', enum: ['webhook_delivery'] },
    endpoint_id: { type: 'string' },
    event_id: { type: 'string' },
    event_type: { type: 'string' },
    status: { type: 'string', enum: [...DELIVERY_STATUSES] },
    attempts: { type: 'integer' },
    next_attempt_at: nullableString,
    last_status_code: { type: ['integer', 'null'] },
    last_error: nullableString,
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
    delivered_at: nullableString,
  },
} as const;

export const pageQuery = {
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
  starting_after: { type: 'string', maxLength: 64, description: 'The next_cursor of the previous page' },
} as const;

export function pageOf(item: object) {
  return { type: 'object', properties: { data: { type: 'array', items: item }, has_more: { type: 'boolean' }, next_cursor: nullableString } } as const;
}
