import { nullableString } from '../../http/index.ts';
export { errorResponses as errors, idParams, idempotencyHeader, pageOf, pageQuery } from '../../http/index.ts';
import { EVENT_TYPE_PATTERN } from '../event-types.ts';
import { DELIVERY_STATUSES } from '../tables.ts';





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


