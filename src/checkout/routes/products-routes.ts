import type { FastifyInstance } from 'fastify';
import { parseMinorUnits } from '../../money/index.ts';
import { LIMITS, type CheckoutContext } from '../context.ts';
import { createProduct } from '../create-product.ts';
import { getProduct, listProducts } from '../get-product.ts';
import { updateProduct } from '../update-product.ts';
import { actorOf } from '../../http/index.ts';
import { amountSchema, currencySchema, errors, idempotencyHeader, pageOf, pageQuery, productSchema, skuParams, skuSchema, stockSchema, weightSchema } from './schemas.ts';

const tags = ['catalog'];
const nameSchema = { type: 'string', minLength: 1, maxLength: 200 } as const;

export async function productsRoutes(app: FastifyInstance, ctx: CheckoutContext): Promise<void> {
  app.post<{ Body: { sku: string; name: string; price: number; currency: string; weight_grams: number; stock: number } }>(
    '/v1/products',
    {
      config: { scope: 'catalog:write' },
      schema: {
        tags,
        summary: 'Create a product (SKU) with its price, weight and available stock',
        headers: idempotencyHeader,
        body: {
          type: 'object',
          required: ['sku', 'name', 'price', 'currency', 'weight_grams', 'stock'],
          additionalProperties: false,
          properties: { sku: skuSchema, name: nameSchema, price: amountSchema, currency: currencySchema, weight_grams: weightSchema, stock: stockSchema },
        },
        response: { 201: productSchema, ...errors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const product = await createProduct(
        ctx,
        { sku: b.sku, name: b.name, price: parseMinorUnits(b.price, 'price'), currency: b.currency, weightGrams: b.weight_grams, stock: b.stock },
        actorOf(request),
      );
      return reply.status(201).send(product);
    },
  );

  app.get<{ Querystring: { limit: number; starting_after?: string; currency?: string } }>(
    '/v1/products',
    {
      config: { scope: 'catalog:read' },
      schema: {
        tags,
        summary: 'List products in SKU order, with cursor pagination',
        querystring: { type: 'object', additionalProperties: false, properties: { ...pageQuery, currency: { type: 'string', maxLength: 3 } } },
        response: { 200: pageOf(productSchema), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      return listProducts(ctx, { limit: q.limit, ...(q.starting_after !== undefined ? { startingAfter: q.starting_after } : {}), ...(q.currency ? { currency: q.currency } : {}) });
    },
  );

  app.get<{ Params: { sku: string } }>(
    '/v1/products/:sku',
    { config: { scope: 'catalog:read' }, schema: { tags, summary: 'A product with its stock', params: skuParams, response: { 200: productSchema, ...errors } } },
    async (request) => getProduct(ctx, request.params.sku),
  );

  app.patch<{ Params: { sku: string }; Body: { name?: string; price?: number; weight_grams?: number; stock?: number; stock_adjustment?: number; expected_stock?: number } }>(
    '/v1/products/:sku',
    {
      config: { scope: 'catalog:write' },
      schema: {
        tags,
        summary: 'Change a product’s name, price, weight or available stock',
        description:
          'Stock: `stock_adjustment` adds to (or, negative, takes from) the available stock as it is when the change is made, so concurrent ' +
          'adjustments and reservations are never lost; `stock` sets a new available level. With `expected_stock`, the change applies only if ' +
          'the available stock is exactly that (409 `KS_ERR_STOCK_CHANGED` otherwise, with the current `stock`). Reserved and sold units are not affected. ' +
          'Currency and SKU cannot change. A price change applies to carts at once (they show current prices).',
        headers: idempotencyHeader,
        params: skuParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            name: nameSchema,
            price: amountSchema,
            weight_grams: weightSchema,
            stock: { ...stockSchema, description: 'A new available level' },
            stock_adjustment: { type: 'integer', minimum: -LIMITS.maxStock, maximum: LIMITS.maxStock, description: 'Units to add (negative: to take away)' },
            expected_stock: { ...stockSchema, description: 'Apply only if the available stock is this now' },
          },
        },
        response: { 200: productSchema, ...errors },
      },
    },
    async (request) => {
      const b = request.body;
      return updateProduct(
        ctx,
        request.params.sku,
        {
          ...(b.name !== undefined ? { name: b.name } : {}),
          ...(b.price !== undefined ? { price: parseMinorUnits(b.price, 'price') } : {}),
          ...(b.weight_grams !== undefined ? { weightGrams: b.weight_grams } : {}),
          ...(b.stock !== undefined ? { stockLevel: b.stock } : {}),
          ...(b.stock_adjustment !== undefined ? { stockAdjustment: b.stock_adjustment } : {}),
          ...(b.expected_stock !== undefined ? { expectedStock: b.expected_stock } : {}),
        },
        actorOf(request),
      );
    },
  );
}
