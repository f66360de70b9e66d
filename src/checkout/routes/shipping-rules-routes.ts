import type { FastifyInstance } from 'fastify';
import { parseMinorUnits } from '../../money/index.ts';
import { LIMITS, type CheckoutContext } from '../context.ts';
import { createShippingRule } from '../create-shipping-rule.ts';
import { listShippingRules } from '../list-shipping-rules.ts';
import { actorOf } from '../../http/index.ts';
import { amountSchema, currencySchema, errors, idempotencyHeader, pageOf, pageQuery, regionSchema, shippingRuleSchema } from './schemas.ts';

const tags = ['catalog'];

interface BandBody {
  up_to_grams: number | null;
  fee: number;
}

export async function shippingRulesRoutes(app: FastifyInstance, ctx: CheckoutContext): Promise<void> {
  app.post<{ Body: { region: string; currency: string; bands: BandBody[]; free_shipping_threshold?: number | null; description?: string } }>(
    '/v1/shipping_rules',
    {
      config: { scope: 'catalog:write' },
      schema: {
        tags,
        summary: 'Put a shipping-fee rule in force for a region and currency',
        description:
          'Weight bands in ascending order: a parcel pays the fee of the first band whose `up_to_grams` is at least its weight (`null`: no limit, ' +
          'last band only). A goods subtotal at or above `free_shipping_threshold` ships free. A rule already in force for the same region and ' +
          'currency is superseded (it stays listed with `include_superseded=true`).',
        headers: idempotencyHeader,
        body: {
          type: 'object',
          required: ['region', 'currency', 'bands'],
          additionalProperties: false,
          properties: {
            region: regionSchema,
            currency: currencySchema,
            bands: {
              type: 'array',
              minItems: 1,
              maxItems: LIMITS.maxBands,
              items: {
                type: 'object',
                required: ['up_to_grams', 'fee'],
                additionalProperties: false,
                properties: { up_to_grams: { type: ['integer', 'null'], minimum: 1, maximum: 2_000_000_000 }, fee: amountSchema },
              },
            },
            free_shipping_threshold: { ...amountSchema, type: ['integer', 'null'], description: 'Goods subtotal (minor units) from which shipping is free' },
            description: { type: 'string', maxLength: 500 },
          },
        },
        response: { 201: shippingRuleSchema, ...errors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const rule = await createShippingRule(
        ctx,
        {
          region: b.region,
          currency: b.currency,
          bands: b.bands.map((band, i) => ({ upToGrams: band.up_to_grams, fee: parseMinorUnits(band.fee, `bands[${i}].fee`) })),
          freeShippingThreshold: b.free_shipping_threshold == null ? null : parseMinorUnits(b.free_shipping_threshold, 'free_shipping_threshold'),
          ...(b.description !== undefined ? { description: b.description } : {}),
        },
        actorOf(request),
      );
      return reply.status(201).send(rule);
    },
  );

  app.get<{ Querystring: { region?: string; currency?: string; include_superseded?: boolean; limit: number; starting_after?: string } }>(
    '/v1/shipping_rules',
    {
      config: { scope: 'catalog:read' },
      schema: {
        tags,
        summary: 'List shipping rules in force (or all, with include_superseded), newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...pageQuery, region: { type: 'string', maxLength: 32 }, currency: { type: 'string', maxLength: 3 }, include_superseded: { type: 'boolean', default: false } },
        },
        response: { 200: pageOf(shippingRuleSchema), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      return listShippingRules(ctx, {
        limit: q.limit,
        ...(q.region ? { region: q.region } : {}),
        ...(q.currency ? { currency: q.currency } : {}),
        ...(q.include_superseded ? { includeSuperseded: true } : {}),
        ...(q.starting_after ? { startingAfter: q.starting_after } : {}),
      });
    },
  );
}
