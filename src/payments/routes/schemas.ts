import { nullableString } from '../../http/index.ts';
export { amountSchema, errorResponses as errors, idParams, idempotencyHeader, positiveAmountSchema } from '../../http/index.ts';
import { PAYMENT_STATUSES } from '../tables.ts';

export const orderParams = { type: 'object', required: ['order_id'], properties: { order_id: { type: 'string', minLength: 1, maxLength: 200 } } } as const;


export const paymentSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    object: { type: 'string', enum: ['payment'] },
    order_id: { type: 'string' },
    provider: { type: 'string' },
    payment_method: { type: 'string' },
    currency: { type: 'string' },
    capture_method: { type: 'string', enum: ['manual', 'automatic'] },
    status: { type: 'string', enum: [...PAYMENT_STATUSES] },
    amount: { type: 'integer', description: 'What the order owes now (changes with the order)' },
    amount_authorized: { type: 'integer' },
    amount_captured: { type: 'integer' },
    amount_refunded: { type: 'integer' },
    amount_capturable: { type: 'integer' },
    amount_refundable: { type: 'integer' },
    provider_payment_id: nullableString,
    decline_code: nullableString,
    operation_in_progress: nullableString,
    needs_attention: { type: 'boolean' },
    attention_reason: nullableString,
    order_cancelled_at: nullableString,
    delivered_at: nullableString,
    metadata: { type: 'object', additionalProperties: { type: 'string' } },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
} as const;

export const paymentDetailSchema = {
  ...paymentSchema,
  properties: {
    ...paymentSchema.properties,
    timeline: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: { type: 'string' }, type: { type: 'string' }, data: { type: 'object', additionalProperties: true }, actor: nullableString, created_at: { type: 'string' } },
      },
    },
    operations: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          kind: { type: 'string' },
          amount: { type: 'integer' },
          status: { type: 'string' },
          provider_reference: nullableString,
          decline_code: nullableString,
          failure_code: nullableString,
          error: nullableString,
          attempts: { type: 'integer' },
          next_attempt_at: nullableString,
          created_at: { type: 'string' },
          completed_at: nullableString,
        },
      },
    },
  },
} as const;


