/** Shapes of the Kessai API as the console uses them. Amounts are integer minor units. */

export type Role = 'viewer' | 'operator' | 'admin';

export interface Me {
  type: 'operator' | 'api_key';
  id: string;
  name: string;
  role: Role | null;
  scopes: string[];
  csrf_token: string | null;
}

export interface LoginResponse {
  operator: { id: string; username: string; display_name: string; role: Role };
  csrf_token: string;
  expires_at: string;
}

export const PAYMENT_STATUSES = [
  'requires_authorization',
  'pending',
  'authorized',
  'partially_captured',
  'captured',
  'partially_refunded',
  'refunded',
  'voided',
  'declined',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export interface Payment {
  id: string;
  object: 'payment';
  order_id: string;
  provider: string;
  payment_method: string;
  currency: string;
  capture_method: 'manual' | 'automatic';
  status: PaymentStatus;
  amount: number;
  amount_authorized: number;
  amount_captured: number;
  amount_refunded: number;
  amount_capturable: number;
  amount_refundable: number;
  provider_payment_id: string | null;
  decline_code: string | null;
  /** Id of the provider operation running now; other operations wait for it. */
  operation_in_progress?: string | null;
  needs_attention: boolean;
  attention_reason: string | null;
  delivered_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface TimelineEntry {
  id: string;
  type: string;
  data: unknown;
  actor: unknown;
  created_at: string;
}

export interface PaymentOperation {
  id: string;
  kind: string;
  amount: number | null;
  status: string;
  decline_code: string | null;
  error: unknown;
  created_at: string;
  completed_at: string | null;
}

export interface PaymentDetail extends Payment {
  timeline: TimelineEntry[];
  operations: PaymentOperation[];
}

export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
  /** Lists that page back too (payments): the cursor of the newer page, null on the newest. */
  prev_cursor?: string | null;
}

export const CHECKOUT_STATUSES = ['running', 'completed', 'failed', 'needs_attention'] as const;
export type CheckoutStatus = (typeof CHECKOUT_STATUSES)[number];

export interface CheckoutError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export interface Address {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  postal_code: string;
  country: string;
}

export interface Customer {
  email: string;
  name: string;
}

/** A checkout run (`chk_…`): cart → stock → shipping → payment → order → confirmation mail. */
export interface Checkout {
  id: string;
  object: 'checkout';
  cart_id: string;
  attempt: number;
  status: CheckoutStatus;
  /** Set once the money is taken. */
  order_id: string | null;
  payment_id: string | null;
  currency: string;
  subtotal: number | null;
  shipping_fee: number | null;
  total: number | null;
  money_taken: boolean;
  failed_step: string | null;
  error: CheckoutError | null;
  reruns: number;
  attention_since: string | null;
  /** Present on a single run: needs attention and may be re-run now. */
  rerunnable?: boolean;
  customer: Customer;
  shipping_address: Address;
  provider: string;
  payment_method: string;
  capture_method: 'manual' | 'automatic';
  created_by: string;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface CheckoutStep {
  name: string;
  status: 'succeeded' | 'failed';
  error: { code: string; message: string } | null;
  started_at: string | null;
  completed_at: string | null;
}

export interface CheckoutDetail extends Checkout {
  steps: CheckoutStep[];
  timeline: TimelineEntry[];
}

export interface Order {
  id: string;
  object: 'order';
  status: string;
  checkout_id: string;
  cart_id: string;
  customer: Customer;
  shipping_address: Address;
  currency: string;
  subtotal: number;
  shipping_fee: number;
  total: number;
  payment_id: string | null;
  confirmation_sent_at: string | null;
  created_at: string;
}

export interface OrderLine {
  sku: string;
  name: string;
  quantity: number;
  unit_price: number;
  amount: number;
  weight_grams: number;
}

export interface OrderHistoryEntry {
  type: string;
  data: unknown;
  actor: string;
  at: string;
}

export interface OrderMail {
  id: string;
  kind: string;
  recipient: string;
  subject: string;
  message_id: string;
  /** `smtp` keeps no copy; `file` (development) keeps the `.eml`. */
  transport: string;
  has_file: boolean;
  sent_at: string;
}

export interface OrderDetail extends Order {
  lines: OrderLine[];
  history: OrderHistoryEntry[];
  mails: OrderMail[];
  /** The order's payment as it stands now. */
  payment: Payment | null;
}

// ---- rewards (docs/rewards.md) ----

export const CAMPAIGN_STATUSES = ['active', 'scheduled', 'paused', 'ended'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export const POINTS_ROUNDING = ['floor', 'half_up', 'half_even', 'ceiling'] as const;
export type PointsRounding = (typeof POINTS_ROUNDING)[number];
export type Marketplace = 'inside' | 'outside';

/** A campaign version's editable content; `null` means "no condition". Rates are exact decimal strings. */
export interface CampaignContent {
  name: string;
  starts_at: string;
  /** Exclusive. */
  ends_at: string;
  paused: boolean;
  user_filters: { card_status: number[] | null };
  payment_filters: {
    marketplace: Marketplace | null;
    merchants: { master_ids: string[]; invert: boolean } | null;
    payment_methods: string[] | null;
    /** Minor units of `currency`. */
    min_amount: { amount: number; currency: string } | null;
  };
  stage_rates: Array<{ min_stage: number; rate_percent: string }>;
  rounding: PointsRounding;
  /** In points. */
  caps: { per_customer_month: number | null; timezone: string; budget: number | null };
  funding_party: string;
  /** Days the points of each grant last (null: they never expire). */
  points_expire_after_days?: number | null;
}

export interface CampaignVersion extends CampaignContent {
  version: number;
  created_at: string;
  created_by: string | null;
}

/** A campaign as its current version (`rcp_…`). */
export interface Campaign extends CampaignContent {
  id: string;
  object: 'reward_campaign';
  version: number;
  status: CampaignStatus;
  /** Points granted from the budget so far (a total: the API keeps no history of it). */
  budget_used: number;
  version_created_at: string;
  version_created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface CampaignDetail extends Campaign {
  /** Every version, newest first. */
  versions: CampaignVersion[];
}

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

export interface EstimateRequest {
  customer_id: string;
  /** Minor units. */
  amount: number;
  currency: string;
  merchant_id: string;
  payment_method: string;
  at?: string;
}

export interface EstimateCampaign {
  campaign_id: string;
  version: number;
  name: string;
  funding_party: string;
  applies: boolean;
  points: number;
  rate_percent: string | null;
  reasons: RewardReason[];
}

/** Points a payment would earn, before caps (`cap_blind`), from the saved campaigns in force. */
export interface Estimate {
  object: 'reward_estimate';
  customer_id: string;
  customer_known: boolean;
  amount: number;
  currency: string;
  payment_method: string;
  merchant_id: string;
  merchant_master_id: string | null;
  marketplace: Marketplace;
  at: string;
  total_points: number;
  cap_blind: boolean;
  campaigns: EstimateCampaign[];
}

/** Kessai's local copy of a customer: card status and stage, each with when it was true at its source. */
export interface RewardCustomer {
  id: string;
  object: 'reward_customer';
  card_status: number | null;
  card_status_as_of: string | null;
  stage: number | null;
  stage_as_of: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export type LedgerKind = 'earned' | 'granted' | 'reversed' | 'expired';

export interface LedgerEntry {
  id: string;
  kind: LedgerKind;
  /** Always positive; the kind says which way it moves. */
  points: number;
  campaign_id: string;
  grant_id: string | null;
  funding_party: string;
  reference: string;
  occurred_at: string;
  created_at: string;
}

export interface RewardPoints {
  object: 'reward_points';
  customer_id: string;
  /** granted − reversed − expired */
  balance: number;
  totals: Record<LedgerKind, number>;
  ledger: Page<LedgerEntry>;
}
