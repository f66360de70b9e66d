import type { Generated, Selectable } from 'kysely';
import type { Int8, Json, JsonWithDefault, NullableTimestamp, SharedTables } from '../db/index.ts';

export const MATCH_STATUSES = ['matched', 'discrepant', 'expected'] as const;
export type MatchStatus = (typeof MATCH_STATUSES)[number];
export const DISCREPANCY_STATES = ['pending', 'in_progress', 'resolved'] as const;
export type DiscrepancyState = (typeof DISCREPANCY_STATES)[number];
export const RUN_STATUSES = ['running', 'completed', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type DayResult = 'balanced' | 'pending' | 'discrepancies';

export interface ReconFilesTable {
  id: string;
  side: 'channel' | 'ours';
  channel: string;
  file_name: string;
  sha256: string;
  byte_length: Int8;
  format: string;
  format_version: string;
  encoding: string;
  line_count: number;
  footer_status: 'passed' | 'failed' | 'missing' | 'not_applicable';
  footer: Json<unknown[]>;
  problems: Json<unknown[]>;
  metadata: Json<Record<string, string>>;
  post_dates: string[];
  status: Generated<'imported'>;
  uploaded_by: string;
  uploaded_at: Generated<Date>;
}

export interface ReconMappingsTable {
  name: string;
  mapping: Json<Record<string, unknown>>;
  updated_by: string;
  updated_at: Generated<Date>;
}

export interface ReconRunsTable {
  id: string;
  channel: string;
  post_date: string;
  status: RunStatus;
  requested_by: string;
  as_of: Date | string;
  summary: Json<Record<string, unknown>>;
  error: string | null;
  started_at: Generated<Date>;
  completed_at: NullableTimestamp;
}

export interface ReconMatchGroupsTable {
  id: Generated<bigint>;
  channel: string;
  post_date: string;
  match_key: string;
  matched_by: 'channel_transaction_id' | 'merchant_order_id' | null;
  status: MatchStatus;
  reasons: string[];
  channel_line_ids: bigint[];
  our_transaction_ids: bigint[];
  days_unmatched: number;
  expected_since: string | null;
  facts: Json<Record<string, unknown>> | null;
  run_id: string;
  created_at: Generated<Date>;
}

export interface ReconResultsTable {
  channel: string;
  post_date: string;
  settlement_currency: string | null;
  file_uploaded_at: Date | null;
  line_count: number;
  matched_count: number;
  discrepant_count: number;
  expected_count: number;
  channel_totals: Json<Record<string, Record<string, string | null>>>;
  our_totals: Json<Record<string, Record<string, string | null>>>;
  result: DayResult;
  run_id: string;
  computed_at: Generated<Date>;
}

export interface ReconDiscrepanciesTable {
  id: string;
  channel: string;
  post_date: string;
  match_key: string;
  match_group_id: Int8 | null;
  reasons: string[];
  fields: Json<Record<string, unknown>>;
  channel_line_ids: bigint[];
  our_transaction_ids: bigint[];
  currency: string | null;
  channel_amount: Int8 | null;
  our_amount: Int8 | null;
  state: DiscrepancyState;
  operator: string | null;
  system_reason: string;
  operator_reason: string | null;
  first_run_id: string;
  last_run_id: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  state_changed_at: Generated<Date>;
  resolved_at: NullableTimestamp;
}

export interface ReconDiscrepancyActionsTable {
  id: Generated<bigint>;
  discrepancy_id: string;
  action: 'start' | 'resolve' | 'reopen' | 'note' | 'evidence';
  from_state: string;
  to_state: string;
  actor: string;
  reason: string | null;
  details: JsonWithDefault<Record<string, unknown>>;
  at: Generated<Date>;
}

export interface ReconDiscrepancyEvidenceTable {
  id: string;
  discrepancy_id: string;
  file_name: string;
  content_type: 'image/jpeg' | 'image/png';
  size_bytes: number;
  sha256: string;
  storage_key: string;
  uploaded_by: string;
  uploaded_at: Generated<Date>;
}

/** Lines and our transactions are written by COPY and read by SQL; only the views need their types. */
export interface ReconChannelLinesTable {
  id: Generated<bigint>;
  file_id: string;
  line_no: number;
  entry: string | null;
  channel: string;
  kind: string;
  match_class: 'payment' | 'refund' | null;
  channel_transaction_id: string | null;
  merchant_order_id: string | null;
  post_date: string;
  transaction_amount: Int8 | null;
  transaction_currency: string | null;
  settlement_amount: Int8 | null;
  settlement_currency: string | null;
  net_amount: Int8 | null;
  raw: Json<Record<string, string>>;
}

export interface ReconOurTransactionsTable {
  id: Generated<bigint>;
  source: 'payments' | 'file';
  source_ref: string;
  file_id: string | null;
  channel: string;
  kind: 'capture' | 'refund';
  match_class: 'payment' | 'refund';
  payment_id: string | null;
  order_id: string | null;
  channel_ref: string | null;
  amount: Int8;
  currency: string;
  order_amount: Int8 | null;
  order_status: string | null;
  settled_at: Date | string;
  post_date: string;
}

export interface ReconciliationTables extends SharedTables {
  recon_files: ReconFilesTable;
  recon_mappings: ReconMappingsTable;
  recon_runs: ReconRunsTable;
  recon_match_groups: ReconMatchGroupsTable;
  recon_results: ReconResultsTable;
  recon_discrepancies: ReconDiscrepanciesTable;
  recon_discrepancy_actions: ReconDiscrepancyActionsTable;
  recon_discrepancy_evidence: ReconDiscrepancyEvidenceTable;
  recon_channel_lines: ReconChannelLinesTable;
  recon_our_transactions: ReconOurTransactionsTable;
}

export type FileRow = Selectable<ReconFilesTable>;
export type RunRow = Selectable<ReconRunsTable>;
export type ResultRow = Selectable<ReconResultsTable>;
export type DiscrepancyRow = Selectable<ReconDiscrepanciesTable>;
