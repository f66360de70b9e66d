import type { FastifyInstance } from 'fastify';
import { LIMITS, type CheckoutContext } from '../context.ts';
import { changeCartLine } from '../change-cart-line.ts';
import { createCart } from '../create-cart.ts';
import { deleteCart } from '../delete-cart.ts';
import { getCart } from '../get-cart.ts';
import { updateCart } from '../update-cart.ts';
import { actorOf } from '../../http/index.ts';
import { cartSchema, currencySchema, errors, idParams, idempotencyHeader, regionSchema, skuSchema } from './schemas.ts';

const tags = ['carts'];
const write = { scope: 'checkout:write' as const };
const nullableRegion = { ...regionSchema, type: ['string', 'null'] } as const;
const customerReference = { type: ['string', 'null'], maxLength: 200, description: 'Your reference for the customer' } as const;

export async function cartsRoutes(app: FastifyInstance, ctx: CheckoutContext): Promise<void> {
  app.post<{ Body: { currency: string; region?: string | null; customer_reference?: string | null } }>(
    '/v1/carts',
    {
      config: write,
      schema: {
        tags,
        summary: 'Create an empty cart in one currency',
        description: 'With a `region`, the cart shows its shipping fee and total.',
        headers: idempotencyHeader,
        body: { type: 'object', required: ['currency'], additionalProperties: false, properties: { currency: currencySchema, region: nullableRegion, customer_reference: customerReference } },
        response: { 201: cartSchema, ...errors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const cart = await createCart(ctx, { currency: b.currency, region: b.region ?? null, customerReference: b.customer_reference ?? null }, actorOf(request));
      return reply.status(201).send(cart);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/carts/:id',
    {
      config: { scope: 'catalog:read' },
      schema: { tags, summary: 'A cart with its lines at current prices, subtotal, weight, shipping fee and total', params: idParams, response: { 200: cartSchema, ...errors } },
    },
    async (request) => getCart(ctx, request.params.id),
  );

  app.patch<{ Params: { id: string }; Body: { region?: string | null; customer_reference?: string | null } }>(
    '/v1/carts/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Set or clear the cart’s region and customer reference',
        headers: idempotencyHeader,
        params: idParams,
        body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { region: nullableRegion, customer_reference: customerReference } },
        response: { 200: cartSchema, ...errors },
      },
    },
    async (request) => {
      const b = request.body;
      return updateCart(
        ctx,
        request.params.id,
        { ...(b.region !== undefined ? { region: b.region } : {}), ...(b.customer_reference !== undefined ? { customerReference: b.customer_reference } : {}) },
        actorOf(request),
      );
    },
  );

  app.post<{ Params: { id: string }; Body: { sku: string; quantity: number; mode?: 'add' | 'set' } }>(
    '/v1/carts/:id/lines',
    {
      config: write,
      schema: {
        tags,
        summary: 'Add a product, change its quantity, or remove it (quantity 0)',
        description:
          'By default the quantity is added to the line (the same SKU again raises it); `mode: set` makes it the line’s quantity. ' +
          'Quantity 0 removes the line. Stock is checked when the checkout reserves it, not here (`in_stock` shows it meanwhile).',
        headers: idempotencyHeader,
        params: idParams,
        body: {
          type: 'object',
          required: ['sku', 'quantity'],
          additionalProperties: false,
          properties: { sku: skuSchema, quantity: { type: 'integer', minimum: 0, maximum: LIMITS.maxQuantity }, mode: { type: 'string', enum: ['add', 'set'], default: 'add' } },
        },
        response: { 200: cartSchema, ...errors },
      },
    },
    async (request) => {
      const b = request.body;
      return changeCartLine(ctx, request.params.id, { sku: b.sku, quantity: b.quantity, mode: b.mode ?? 'add' }, actorOf(request));
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/carts/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Soft-delete a cart (it stays readable, and never changes again)',
        description: 'Refused while a checkout holds the cart’s stock (`KS_ERR_CART_RESERVED`). Deleting a deleted cart returns it as it is.',
        headers: idempotencyHeader,
        params: idParams,
        response: { 200: cartSchema, ...errors },
      },
    },
    async (request) => deleteCart(ctx, request.params.id, actorOf(request)),
  );
}
