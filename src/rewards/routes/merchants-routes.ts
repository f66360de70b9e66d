import type { FastifyInstance } from 'fastify';
import { actorOf } from '../../http/index.ts';
import { LIMITS, type RewardsContext } from '../context.ts';
import { getMerchantMaster } from '../get-merchant-master.ts';
import { MARKETPLACES, type Marketplace } from '../model.ts';
import { putMerchantMaster } from '../put-merchant-master.ts';
import { errors, externalIdParams, externalIdSchema, idempotencyHeader, merchantMasterSchema, paymentMethodSchema } from './schemas.ts';

const tags = ['rewards'];

interface MerchantIdBody {
  payment_method: string;
  merchant_id: string;
  effective_from: string;
  effective_to?: string | null;
}

export async function merchantsRoutes(app: FastifyInstance, ctx: RewardsContext): Promise<void> {
  app.put<{ Params: { id: string }; Body: { name?: string; marketplace: Marketplace; merchant_ids: MerchantIdBody[] } }>(
    '/v1/rewards/merchants/:id',
    {
      config: { scope: 'rewards:write' },
      schema: {
        tags,
        summary: 'Put a merchant master: its merchant ids per payment method, with effective dates',
        description:
          'The path id is the master id that campaign merchant filters name. `merchant_ids` replaces the whole list: each ' +
          '(payment method, merchant id) maps to this master from `effective_from` (inclusive) to `effective_to` (exclusive; null: open). ' +
          '`marketplace: inside` marks our own marketplace. A merchant id mapped to another master for an overlapping period is refused ' +
          '(409 `KS_ERR_REWARD_MERCHANT_ID_CONFLICT`): end it there first.',
        headers: idempotencyHeader,
        params: externalIdParams,
        body: {
          type: 'object',
          required: ['marketplace', 'merchant_ids'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', maxLength: 200 },
            marketplace: { type: 'string', enum: [...MARKETPLACES] },
            merchant_ids: {
              type: 'array',
              maxItems: LIMITS.maxMerchantIds,
              items: {
                type: 'object',
                required: ['payment_method', 'merchant_id', 'effective_from'],
                additionalProperties: false,
                properties: {
                  payment_method: paymentMethodSchema,
                  merchant_id: externalIdSchema,
                  effective_from: { type: 'string', format: 'date-time' },
                  effective_to: { type: ['string', 'null'], format: 'date-time' },
                },
              },
            },
          },
        },
        response: { 200: merchantMasterSchema, ...errors },
      },
    },
    async (request) => {
      const b = request.body;
      return putMerchantMaster(
        ctx,
        request.params.id,
        {
          name: b.name ?? '',
          marketplace: b.marketplace,
          merchantIds: b.merchant_ids.map((m) => ({
            paymentMethod: m.payment_method,
            merchantId: m.merchant_id,
            effectiveFrom: new Date(m.effective_from),
            effectiveTo: m.effective_to == null ? null : new Date(m.effective_to),
          })),
        },
        actorOf(request),
      );
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/rewards/merchants/:id',
    { config: { scope: 'rewards:read' }, schema: { tags, summary: 'A merchant master with its merchant ids', params: externalIdParams, response: { 200: merchantMasterSchema, ...errors } } },
    async (request) => getMerchantMaster(ctx, request.params.id),
  );
}
