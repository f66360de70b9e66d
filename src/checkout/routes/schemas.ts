import { nullableString } from '../../http/index.ts';
export { amountSchema, currencySchema, errorResponses as errors, idParams, idempotencyHeader, pageOf, pageQuery } from '../../http/index.ts';
import { LIMITS } from '../context.ts';

export const SKU_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
export const REGION_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$';

export const skuSchema = { type: 'string', pattern: SKU_PATTERN, description: 'Letters, digits, . _ - (at most 64)' } as const;
export const regionSchema = { type: 'string', pattern: REGION_PATTERN, description: 'A shipping region code, e.g. JP-13 (ISO 3166-2) or a zone of your own' } as const;
export const stockSchema = { type: 'integer', minimum: 0, maximum: LIMITS.maxStock } as const;
export const weightSchema = { type: 'integer', minimum: 0, maximum: LIMITS.maxWeightGrams, description: 'Grams per unit' } as const;

export const skuParams = { type: 'object', required: ['sku'], properties: { sku: { type: 'string', minLength: 1, maxLength: 64 } } } as const;






export const productSchema = {
  type: 'object',
  properties: {
    sku: { type: 'string' },
    object: { type: 'string', enum: ['product'] },
    name: { type: 'string' },
    price: { type: 'integer' },
    currency: { type: 'string' },
    weight_grams: { type: 'integer' },
    stock: { type: 'integer', description: 'Units available for sale' },
    stock_reserved: { type: 'integer', description: 'Units held by checkouts in progress' },
    stock_sold: { type: 'integer', description: 'Units sold by completed checkouts' },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
} as const;

export const shippingRuleSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    object: { type: 'string', enum: ['shipping_rule'] },
    region: { type: 'string' },
    currency: { type: 'string' },
    bands: { type: 'array', items: { type: 'object', properties: { up_to_grams: { type: ['integer', 'null'] }, fee: { type: 'integer' } } } },
    free_shipping_threshold: { type: ['integer', 'null'] },
    description: { type: 'string' },
    active: { type: 'boolean' },
    superseded_by: nullableString,
    superseded_at: nullableString,
    created_at: { type: 'string' },
  },
} as const;

export const cartSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    object: { type: 'string', enum: ['cart'] },
    status: { type: 'string', enum: ['open', 'deleted'] },
    currency: { type: 'string' },
    region: nullableString,
    customer_reference: nullableString,
    lines: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          sku: { type: 'string' },
          name: { type: 'string' },
          quantity: { type: 'integer' },
          unit_price: { type: 'integer', description: 'The product’s current price' },
          amount: { type: 'integer' },
          weight_grams: { type: 'integer', description: 'Per unit' },
          in_stock: { type: 'boolean', description: 'Enough available stock right now (reserved only at checkout)' },
        },
      },
    },
    subtotal: { type: 'integer' },
    total_weight_grams: { type: 'integer' },
    shipping_fee: { type: ['integer', 'null'], description: 'Null while it cannot be known: no region yet, or see shipping_error' },
    shipping_rule_id: nullableString,
    free_shipping: { type: 'boolean' },
    shipping_error: { type: ['object', 'null'], additionalProperties: true, properties: { code: { type: 'string' }, message: { type: 'string' } } },
    total: { type: ['integer', 'null'], description: 'subtotal + shipping_fee; null while the shipping fee is not known' },
    reservation_id: { ...nullableString, description: 'The checkout holding this cart’s stock; the cart cannot change meanwhile' },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
    deleted_at: nullableString,
  },
} as const;
