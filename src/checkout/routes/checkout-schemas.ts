import { nullableString } from '../../http/index.ts';

const str = { type: 'string' } as const;
const nullableInt = { type: ['integer', 'null'] } as const;
const free = { type: 'object', additionalProperties: true } as const;

export const customerSchema = {
  type: 'object',
  required: ['email', 'name'],
  additionalProperties: false,
  properties: { email: { type: 'string', format: 'email', maxLength: 254 }, name: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

export const addressSchema = {
  type: 'object',
  required: ['name', 'line1', 'city', 'postal_code', 'country'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    line1: { type: 'string', minLength: 1, maxLength: 200 },
    line2: { type: 'string', maxLength: 200 },
    city: { type: 'string', minLength: 1, maxLength: 100 },
    postal_code: { type: 'string', minLength: 1, maxLength: 20 },
    country: { type: 'string', pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' },
  },
} as const;

const stepSchema = {
  type: 'object',
  properties: { name: str, status: { type: 'string', enum: ['succeeded', 'failed'] }, error: { type: ['object', 'null'], properties: { code: str, message: str } }, started_at: nullableString, completed_at: nullableString },
} as const;

export const checkoutSchema = {
  type: 'object',
  properties: {
    id: str,
    object: { type: 'string', enum: ['checkout'] },
    cart_id: str,
    attempt: { type: 'integer' },
    status: { type: 'string', enum: ['running', 'completed', 'failed', 'needs_attention'] },
    order_id: { ...nullableString, description: 'Set once the money is taken' },
    payment_id: nullableString,
    currency: str,
    subtotal: nullableInt,
    shipping_fee: nullableInt,
    total: nullableInt,
    money_taken: { type: 'boolean' },
    failed_step: nullableString,
    error: { type: ['object', 'null'], additionalProperties: true },
    reruns: { type: 'integer' },
    attention_since: { ...nullableString, description: 'When the run last came to need attention' },
    rerunnable: { type: 'boolean', description: 'Needs attention and may be re-run now' },
    customer: free,
    shipping_address: free,
    provider: str,
    payment_method: str,
    capture_method: str,
    created_by: str,
    created_at: str,
    updated_at: str,
    finished_at: nullableString,
    steps: { type: 'array', items: stepSchema },
    timeline: { type: 'array', items: { type: 'object', properties: { id: str, type: str, data: free, actor: nullableString, created_at: str } } },
  },
} as const;

export const orderSchema = {
  type: 'object',
  properties: {
    id: str,
    object: { type: 'string', enum: ['order'] },
    status: str,
    checkout_id: str,
    cart_id: str,
    customer: free,
    shipping_address: free,
    currency: str,
    subtotal: { type: 'integer' },
    shipping_fee: { type: 'integer' },
    total: { type: 'integer' },
    payment_id: nullableString,
    confirmation_sent_at: nullableString,
    created_at: str,
    lines: { type: 'array', items: { type: 'object', properties: { sku: str, name: str, quantity: { type: 'integer' }, unit_price: { type: 'integer' }, amount: { type: 'integer' }, weight_grams: { type: 'integer' } } } },
    history: { type: 'array', items: { type: 'object', properties: { type: str, data: free, actor: str, at: str } } },
    mails: {
      type: 'array',
      items: { type: 'object', properties: { id: str, kind: str, recipient: str, subject: str, message_id: str, transport: str, has_file: { type: 'boolean' }, sent_at: str } },
    },
    payment: { type: ['object', 'null'], additionalProperties: true },
  },
} as const;
