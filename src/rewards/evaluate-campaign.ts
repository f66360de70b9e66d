import type { CampaignEvaluation, CampaignRules, ResolvedMerchant, RewardCustomer, RewardPayment, RewardReason } from './model.ts';
import { computePoints, rateForStage } from './points.ts';

/**
 * Does a campaign version apply to a payment, and for how many points (before caps)? A pure
 * function: the decision table in docs/rewards.md is its specification, and the table-driven test
 * beside this file runs the same rows. Every failing condition is reported, not only the first,
 * so a product page (or an operator) can say everything that stands in the way.
 *
 * `customer` is null when Kessai has no local copy of the customer: then nothing is known of the
 * card status or the stage, and `customer_unknown` stands for both.
 */
export function evaluateCampaign(
  campaign: CampaignRules,
  customer: RewardCustomer | null,
  payment: RewardPayment,
  merchant: ResolvedMerchant,
): CampaignEvaluation {
  const reasons: RewardReason[] = [];
  const at = payment.at.getTime();

  if (campaign.paused) reasons.push('campaign_paused');
  if (at < campaign.startsAt.getTime()) reasons.push('campaign_not_started');
  if (at >= campaign.endsAt.getTime()) reasons.push('campaign_ended');

  if (customer === null) reasons.push('customer_unknown');
  else if (campaign.cardStatuses !== null && (customer.cardStatus === null || !campaign.cardStatuses.has(customer.cardStatus))) {
    reasons.push('card_status_not_eligible');
  }

  if (campaign.marketplace !== null && merchant.marketplace !== campaign.marketplace) reasons.push('marketplace_not_eligible');
  if (campaign.merchants !== null) {
    const listed = merchant.masterId !== null && campaign.merchants.masterIds.has(merchant.masterId);
    if (campaign.merchants.invert && listed) reasons.push('merchant_excluded');
    if (!campaign.merchants.invert && !listed) reasons.push('merchant_not_listed');
  }
  if (campaign.paymentMethods !== null && !campaign.paymentMethods.has(payment.paymentMethod)) reasons.push('payment_method_not_eligible');
  if (campaign.minAmount !== null) {
    if (payment.currency !== campaign.minAmount.currency) reasons.push('currency_not_eligible');
    else if (payment.amount < campaign.minAmount.amount) reasons.push('amount_below_minimum');
  }

  const rate = customer === null ? null : rateForStage(campaign.stageRates, customer.stage);
  if (customer !== null && rate === null) reasons.push('stage_below_table');

  if (reasons.length > 0) return { applies: false, points: 0n, ratePercent: rate?.ratePercent ?? null, reasons };
  const points = computePoints(payment.amount, payment.currency, rate!.ratePercent, campaign.rounding);
  return { applies: true, points, ratePercent: rate!.ratePercent, reasons };
}
