import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Int8, NullableTimestamp, SharedTables } from '../db/index.ts';

/** A `numeric` column: read as its exact decimal text (the pool never turns it into a float). */
type Numeric = ColumnType<string, string, string>;

export interface RewardCampaignsTable {
  id: string;
  current_version: number;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface RewardCampaignVersionsTable {
  campaign_id: string;
  version: number;
  name: string;
  starts_at: Date;
  ends_at: Date;
  paused: boolean;
  card_statuses: number[] | null;
  marketplace: 'inside' | 'outside' | null;
  merchant_master_ids: string[] | null;
  merchant_ids_invert: boolean;
  payment_methods: string[] | null;
  min_amount: Int8 | null;
  min_amount_currency: string | null;
  rounding: string;
  cap_per_customer_month: Int8 | null;
  cap_timezone: string;
  budget_points: Int8 | null;
  funding_party: string;
  points_expire_after_days: number | null;
  created_at: Generated<Date>;
  created_by: string | null;
}

export interface RewardCampaignStageRatesTable {
  campaign_id: string;
  version: number;
  min_stage: number;
  rate_percent: Numeric;
}

export interface RewardCustomersTable {
  id: string;
  card_status: number | null;
  card_status_as_of: NullableTimestamp;
  stage: number | null;
  stage_as_of: NullableTimestamp;
  version: Generated<bigint>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface RewardMerchantMastersTable {
  id: string;
  name: Generated<string>;
  marketplace: 'inside' | 'outside';
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface RewardMerchantIdsTable {
  master_id: string;
  payment_method: string;
  merchant_id: string;
  effective_from: Date;
  effective_to: Date | null;
}

export interface RewardGrantsTable {
  id: string;
  campaign_id: string;
  campaign_version: number;
  payment_id: string;
  customer_id: string;
  amount: Int8;
  currency: string;
  merchant_id: string | null;
  merchant_master_id: string | null;
  payment_method: string | null;
  stage: number | null;
  rate_percent: Numeric;
  points_computed: Int8;
  points: Int8;
  points_reversed: Generated<bigint>;
  cap_month: string | null;
  limited_by: 'customer_month_cap' | 'campaign_budget' | null;
  funding_party: string;
  settled_at: Date;
  /** When its points expire (its version's `points_expire_after_days` from the grant); null: never. */
  expires_at: Date | null;
  points_expired: Generated<bigint>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export const LEDGER_KINDS = ['earned', 'granted', 'reversed', 'expired'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export interface RewardLedgerEntriesTable {
  id: string;
  customer_id: string;
  campaign_id: string;
  grant_id: string | null;
  kind: LedgerKind;
  points: Int8;
  funding_party: string;
  reference: Generated<string>;
  occurred_at: Date;
  created_at: Generated<Date>;
}

export interface RewardCustomerMonthUsageTable {
  campaign_id: string;
  customer_id: string;
  month: string;
  cap_points: Int8;
  used_points: Generated<bigint>;
}

export interface RewardCampaignBudgetsTable {
  campaign_id: string;
  budget_points: Int8 | null;
  used_points: Generated<bigint>;
}

export const EVENT_SOURCES = ['payments', 'http', 'nats'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

export interface RewardSettlementsTable {
  payment_id: string;
  customer_id: string;
  amount: Int8;
  currency: string;
  merchant_id: string;
  payment_method: string;
  paid_at: Date;
  settled_at: Date;
  source: EventSource;
  event_id: string;
  received_at: Generated<Date>;
}

export interface RewardRefundsTable {
  payment_id: string;
  refund_id: string;
  amount: Int8;
  currency: string;
  refunded_at: Date;
  source: EventSource;
  event_id: string;
  received_at: Generated<Date>;
}

export interface RewardOutboxConsumersTable {
  name: string;
  low_seq: Int8;
}

export interface RewardOutboxSeenTable {
  event_id: string;
  seq: Int8;
  outcome: string;
  processed_at: Generated<Date>;
}

export interface RewardsTables extends SharedTables {
  reward_campaigns: RewardCampaignsTable;
  reward_campaign_versions: RewardCampaignVersionsTable;
  reward_campaign_stage_rates: RewardCampaignStageRatesTable;
  reward_customers: RewardCustomersTable;
  reward_merchant_masters: RewardMerchantMastersTable;
  reward_merchant_ids: RewardMerchantIdsTable;
  reward_grants: RewardGrantsTable;
  reward_ledger_entries: RewardLedgerEntriesTable;
  reward_customer_month_usage: RewardCustomerMonthUsageTable;
  reward_campaign_budgets: RewardCampaignBudgetsTable;
  reward_settlements: RewardSettlementsTable;
  reward_refunds: RewardRefundsTable;
  reward_outbox_consumers: RewardOutboxConsumersTable;
  reward_outbox_seen: RewardOutboxSeenTable;
}

export type CampaignVersionRow = Selectable<RewardCampaignVersionsTable>;
export type StageRateRow = Selectable<RewardCampaignStageRatesTable>;
export type CustomerRow = Selectable<RewardCustomersTable>;
export type MerchantMasterRow = Selectable<RewardMerchantMastersTable>;
export type MerchantIdRow = Selectable<RewardMerchantIdsTable>;
export type LedgerEntryRow = Selectable<RewardLedgerEntriesTable>;
export type GrantRow = Selectable<RewardGrantsTable>;
export type RefundRow = Selectable<RewardRefundsTable>;
