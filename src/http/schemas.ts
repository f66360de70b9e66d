import { errorResponseSchema } from './error-handler.ts';

/** Route-schema pieces every domain's API shares, so their answers look alike. */
export const amountSchema = { type: 'integer', minimum: 0, maximum: 1_000_000_000_000_000, description: 'Minor units of the currency' } as const;
export const positiveAmountSchema = { ...amountSchema, minimum: 1 } as const;
export const currencySchema = { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' } as const;
export const nullableString = { type: ['string', 'null'] } as const;
export const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;

export const idempotencyHeader = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', maxLength: 255, description: 'Replays return the first response' } },
} as const;

export const errorResponses = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  402: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
  422: errorResponseSchema,
} as const;

/** Cursor pagination: `limit` and the `next_cursor` of the previous page. */
export const pageQuery = {
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
  starting_after: { type: 'string', maxLength: 64, description: 'The next_cursor of the previous page' },
} as const;

export function pageOf(item: object) {
  return { type: 'object', properties: { data: { type: 'array', items: item }, has_more: { type: 'boolean' }, next_cursor: nullableString } } as const;
}
