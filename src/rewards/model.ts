import type { Decimal } from '../money/index.ts';

/**
 * The rewards model as the decision code sees it: one campaign version, one customer (the local
 * copy), one payment and where its merchant resolves to. Plain data, so the same values serve the
 * estimate (from the in-memory snapshot) and the grant (from the database). docs/rewards.md.
 */

/** How points are rounded from the exact amount × rate (src/money's modes of the same names). */
export const POINTS_ROUNDING = ['floor', 'half_up', 'half_even', 'ceiling'] as const;
export type PointsRounding = (typeof POINTS_ROUNDING)[number];

export const MARKETPLACES = ['inside', 'outside'] as const;
/** Whether a merchant is our own marketplace (`inside`) or any other shop (`outside`). */
export type Marketplace = (typeof MARKETPLACES)[number];

/** Customers at `minStage` or above (up to the next row) earn `ratePercent` % of the amount. */
export interface StageRate {
  minStage: number;
  ratePercent: Decimal;
}

/** One immutable version of a campaign, ready to evaluate. */
export interface CampaignRules {
  campaignId: string;
  version: number;
  name: string;
  startsAt: Date;
  endsAt: Date;
  paused: boolean;
  /** User filter: the card status is one of these; null: no condition. */
  cardStatuses: ReadonlySet<number> | null;
  /** Payment filters; null: no condition. */
  marketplace: Marketplace | null;
  merchants: { masterIds: ReadonlySet<string>; invert: boolean } | null;
  paymentMethods: ReadonlySet<string> | null;
  minAmount: { amount: bigint; currency: string } | null;
  /** Ascending by `minStage`, distinct. */
  stageRates: readonly StageRate[];
  rounding: PointsRounding;
  capPerCustomerMonth: bigint | null;
  capTimezone: string;
  budgetPoints: bigint | null;
  fundingParty: string;
  /** Days a grant's points last (null: forever). */
  pointsExpireAfterDays: number | null;
}

/** The local copy of a customer: what the card system and the loyalty service last told us. */
export interface RewardCustomer {
  id: string;
  cardStatus: number | null;
  stage: number | null;
  /** Counts applied changes; a copy only ever moves to a higher version. */
  version: bigint;
}

export interface RewardPayment {
  /** Minor units of `currency`. */
  amount: bigint;
  currency: string;
  paymentMethod: string;
  merchantId: string;
  /** When the payment was made: decides the campaign period and the merchant mapping in force. */
  at: Date;
}

/** What a (payment method, merchant id) resolved to; an unmapped merchant is `outside`, master null. */
export interface ResolvedMerchant {
  masterId: string | null;
  marketplace: Marketplace;
}

/** Why a campaign does not apply. The order here is the order reasons are reported in. */
export const REWARD_REASONS = {
  campaign_paused: 'the campaign is paused',
  campaign_not_started: 'the payment is before the campaign starts',
  campaign_ended: 'the payment is at or after the campaign ends',
  customer_unknown: 'Kessai has no local copy of the customer (card status and stage unknown)',
  card_status_not_eligible: 'the customer’s card status is unknown or not one the campaign accepts',
  marketplace_not_eligible: 'the merchant is on the other side of our marketplace than the campaign asks',
  merchant_excluded: 'the merchant’s master id is on the campaign’s exclusion list (invert)',
  merchant_not_listed: 'the merchant’s master id is not on the campaign’s list (an unmapped merchant has none)',
  payment_method_not_eligible: 'the payment method is not one the campaign accepts',
  currency_not_eligible: 'the payment is in another currency than the campaign’s minimum amount',
  amount_below_minimum: 'the amount is below the campaign’s minimum amount',
  stage_below_table: 'the customer’s stage is unknown or below the lowest stage of the rate table',
} as const;
export type RewardReason = keyof typeof REWARD_REASONS;

export interface CampaignEvaluation {
  applies: boolean;
  /** 0 unless it applies; cap-blind (the grant applies the caps). */
  points: bigint;
  /** The rate of the customer's stage, when there is one. */
  ratePercent: Decimal | null;
  /** Empty when it applies. */
  reasons: RewardReason[];
}
