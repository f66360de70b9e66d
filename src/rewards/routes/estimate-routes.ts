import type { FastifyInstance } from 'fastify';
import { parseMinorUnits } from '../../money/index.ts';
import type { RewardsContext } from '../context.ts';
import { estimatePoints } from '../estimate-points.ts';
import { formatRate } from '../points.ts';
import { amountSchema, currencySchema, errors, estimateSchema, externalIdSchema, paymentMethodSchema } from './schemas.ts';

interface EstimateBody {
  customer_id: string;
  amount: number;
  currency: string;
  merchant_id: string;
  payment_method: string;
  at?: string;
}

export async function estimateRoutes(app: FastifyInstance, ctx: RewardsContext): Promise<void> {
  app.post<{ Body: EstimateBody }>(
    '/v1/rewards/estimate',
    {
      config: { scope: 'rewards:read', readOnly: true },
      schema: {
        tags: ['rewards'],
        summary: 'Points a payment would earn, per campaign in force and in total (product page)',
        description:
          'Answered from memory, without a database round-trip. Cap-blind by design: caps depend on past grants and are applied only ' +
          'when points are granted, so the grant may be less. Campaigns in force at `at` (default now) are listed, each with `applies`, ' +
          '`points` and, when it does not apply, the `reasons`. Read-only: it changes nothing, so it needs no Idempotency-Key.',
        body: {
          type: 'object',
          required: ['customer_id', 'amount', 'currency', 'merchant_id', 'payment_method'],
          additionalProperties: false,
          properties: {
            customer_id: externalIdSchema,
            amount: amountSchema,
            currency: currencySchema,
            merchant_id: externalIdSchema,
            payment_method: paymentMethodSchema,
            at: { type: 'string', format: 'date-time', description: 'When the payment would be made (default now)' },
          },
        },
        response: { 200: estimateSchema, ...errors },
      },
    },
    async (request) => {
      const b = request.body;
      const e = estimatePoints(ctx.snapshot, {
        customerId: b.customer_id,
        amount: parseMinorUnits(b.amount),
        currency: b.currency,
        merchantId: b.merchant_id,
        paymentMethod: b.payment_method,
        ...(b.at !== undefined ? { at: new Date(b.at) } : {}),
      });
      return {
        object: 'reward_estimate',
        customer_id: b.customer_id,
        customer_known: e.customer !== null,
        amount: b.amount,
        currency: b.currency,
        payment_method: b.payment_method,
        merchant_id: b.merchant_id,
        merchant_master_id: e.merchant.masterId,
        marketplace: e.merchant.marketplace,
        at: e.at.toISOString(),
        total_points: Number(e.totalPoints),
        cap_blind: true,
        campaigns: e.campaigns.map(({ campaign, evaluation }) => ({
          campaign_id: campaign.campaignId,
          version: campaign.version,
          name: campaign.name,
          funding_party: campaign.fundingParty,
          applies: evaluation.applies,
          points: Number(evaluation.points),
          rate_percent: evaluation.ratePercent === null ? null : formatRate(evaluation.ratePercent),
          reasons: evaluation.reasons,
        })),
      };
    },
  );
}
