import { KessaiError } from '../errors/index.ts';
import { exponentOf } from '../money/index.ts';
import { evaluateCampaign } from './evaluate-campaign.ts';
import type { CampaignEvaluation, CampaignRules, ResolvedMerchant, RewardCustomer } from './model.ts';
import type { RewardsSnapshot } from './snapshot/snapshot.ts';

export interface EstimateInput {
  customerId: string;
  amount: bigint;
  currency: string;
  merchantId: string;
  paymentMethod: string;
  /** Defaults to now. */
  at?: Date;
}

export interface Estimate {
  at: Date;
  customer: RewardCustomer | null;
  merchant: ResolvedMerchant;
  campaigns: Array<{ campaign: CampaignRules; evaluation: CampaignEvaluation }>;
  totalPoints: bigint;
}

/**
 * Points a payment would earn, per campaign in force and in total, with the reasons a campaign
 * would not apply — for the product page, so it reads only the in-memory snapshot: no database
 * round-trip, whatever the input. Cap-blind by design: the caps depend on past grants, which
 * only the (asynchronous) grant looks up; so a customer near a cap may be granted less.
 * Campaigns in force: started, not ended, not paused at `at`. A `draft` (the editor's unsaved
 * campaign, `estimate-draft.ts`) takes the place of the campaign with its id and is listed whether
 * in force or not, its reasons saying why it would not apply.
 */
export function estimatePoints(snapshot: RewardsSnapshot, input: EstimateInput, draft?: CampaignRules): Estimate {
  if (!snapshot.ready) throw new KessaiError('KS_ERR_NOT_READY', 'The rewards snapshot is still loading');
  exponentOf(input.currency);
  const at = input.at ?? new Date();
  const t = at.getTime();
  const customer = snapshot.customer(input.customerId);
  const merchant = snapshot.merchants.resolve(input.paymentMethod, input.merchantId, at);
  const payment = { amount: input.amount, currency: input.currency, paymentMethod: input.paymentMethod, merchantId: input.merchantId, at };
  const campaigns: Estimate['campaigns'] = [];
  let totalPoints = 0n;
  let draftListed = draft === undefined;
  const evaluate = (campaign: CampaignRules) => {
    const evaluation = evaluateCampaign(campaign, customer, payment, merchant);
    campaigns.push({ campaign, evaluation });
    totalPoints += evaluation.points;
  };
  for (const campaign of snapshot.campaigns) {
    if (draft && campaign.campaignId === draft.campaignId) {
      evaluate(draft);
      draftListed = true;
      continue;
    }
    if (campaign.paused || t < campaign.startsAt.getTime() || t >= campaign.endsAt.getTime()) continue;
    evaluate(campaign);
  }
  if (!draftListed) evaluate(draft!);
  return { at, customer, merchant, campaigns, totalPoints };
}
