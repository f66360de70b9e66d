import type { FastifyInstance } from 'fastify';
import { parseMinorUnits, type Decimal } from '../../money/index.ts';
import type { RewardsContext } from '../context.ts';
import type { CampaignBodyInput } from '../campaign-body.ts';
import { estimateDraft } from '../estimate-draft.ts';
import { estimatePoints, type Estimate, type EstimateInput } from '../estimate-points.ts';
import type { CampaignRules } from '../model.ts';
import { formatRate } from '../points.ts';
import { amountSchema, campaignContentProperties, currencySchema, errors, estimateSchema, externalIdSchema, paymentMethodSchema } from './schemas.ts';

interface EstimateBody {
  customer_id: string;
  amount: number;
  currency: string;
  merchant_id: string;
  payment_method: string;
  at?: string;
}

const paymentProperties = {
  customer_id: externalIdSchema,
  amount: amountSchema,
  currency: currencySchema,
  merchant_id: externalIdSchema,
  payment_method: paymentMethodSchema,
  at: { type: 'string', format: 'date-time', description: 'When the payment would be made (default now)' },
} as const;
const paymentRequired = ['customer_id', 'amount', 'currency', 'merchant_id', 'payment_method'];

const inputOf = (b: EstimateBody): EstimateInput => ({
  customerId: b.customer_id,
  amount: parseMinorUnits(b.amount),
  currency: b.currency,
  merchantId: b.merchant_id,
  paymentMethod: b.payment_method,
  ...(b.at !== undefined ? { at: new Date(b.at) } : {}),
});

/**
 * A rate as text, once per rate table row: the snapshot's campaigns keep their `Decimal`s, so the
 * estimate does not format the same few rates again on every request (weak: old versions go).
 */
const rateText = new WeakMap<Decimal, string>();
function formatRateOnce(rate: Decimal): string {
  let text = rateText.get(rate);
  if (text === undefined) rateText.set(rate, (text = formatRate(rate)));
  return text;
}

/** The answer; `draft`: the rules object of the campaign as edited, and its id (null: not saved yet). */
function present(b: EstimateBody, e: Estimate, draft?: { rules: CampaignRules; campaignId: string | null }) {
  const campaigns = new Array<Record<string, unknown>>(e.campaigns.length);
  for (let i = 0; i < e.campaigns.length; i++) {
    const { campaign, evaluation } = e.campaigns[i]!;
    const isDraft = campaign === draft?.rules;
    const item: Record<string, unknown> = {
      campaign_id: isDraft ? draft!.campaignId : campaign.campaignId,
      version: campaign.version,
      name: campaign.name,
      funding_party: campaign.fundingParty,
      applies: evaluation.applies,
      points: Number(evaluation.points),
      rate_percent: evaluation.ratePercent === null ? null : formatRateOnce(evaluation.ratePercent),
      reasons: evaluation.reasons,
    };
    if (draft !== undefined) item.draft = isDraft;
    campaigns[i] = item;
  }
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
    campaigns,
  };
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
          required: paymentRequired,
          additionalProperties: false,
          properties: paymentProperties,
        },
        response: { 200: estimateSchema, ...errors },
      },
    },
    async (request) => present(request.body, estimatePoints(ctx.snapshot, inputOf(request.body))),
  );

  app.post<{ Body: EstimateBody & { campaign: CampaignBodyInput & { id?: string | null; version?: number } } }>(
    '/v1/rewards/estimate/draft',
    {
      config: { scope: 'rewards:read', readOnly: true },
      schema: {
        tags: ['rewards'],
        summary: 'The estimate with one campaign as edited, not as saved (the editor’s preview of unsaved edits)',
        description:
          '`campaign` is a whole campaign body, checked like a POST (errors name its fields), with the `id` and `version` of the campaign ' +
          'being edited (none for a campaign not saved yet). It is evaluated in place of the saved version, and listed whether or not it would be ' +
          'in force (its `reasons` say why not), with `draft: true`; every other campaign as saved. Nothing is stored: read-only, no Idempotency-Key.',
        body: {
          type: 'object',
          required: [...paymentRequired, 'campaign'],
          additionalProperties: false,
          properties: {
            ...paymentProperties,
            campaign: {
              type: 'object',
              required: ['name', 'starts_at', 'ends_at', 'stage_rates', 'rounding', 'funding_party'],
              additionalProperties: false,
              properties: { id: { type: ['string', 'null'], maxLength: 64 }, version: { type: 'integer', minimum: 0 }, ...campaignContentProperties },
            },
          },
        },
        response: { 200: estimateSchema, ...errors },
      },
    },
    async (request) => {
      const { campaign, ...payment } = request.body;
      const { id, version, ...body } = campaign;
      const campaignId = id ?? null;
      const { estimate, draft } = estimateDraft(ctx.snapshot, inputOf(payment), { campaignId, version: version ?? 0, body });
      return present(payment, estimate, { rules: draft, campaignId });
    },
  );
}
