import { ApiError, api, newIdempotencyKey, withQuery, type ApiErrorBody } from './client.ts';
import type { Page } from './types.ts';

export const NAMED_CHANNELS = ['wechat', 'alipay', 'stripe', 'adyen', 'paypal'] as const;
export const RUN_STATUSES = ['running', 'completed', 'failed'] as const;
export const DISCREPANCY_STATES = ['pending', 'in_progress', 'resolved'] as const;
export const DISCREPANCY_REASONS = [
  'our_amount_differs_from_order',
  'channel_amount_differs_from_order',
  'amount_inconsistent_with_order_status',
  'channel_differs_from_ours',
  'fx_difference',
  'fee_mismatch',
  'missing_on_our_side',
  'missing_on_channel_side',
] as const;
export const FEE_ITEMS = ['acquirer', 'interchange', 'scheme', 'other', 'three_ds'] as const;
export const CORRECTION_FIELDS = ['amount', ...FEE_ITEMS] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type DiscrepancyState = (typeof DISCREPANCY_STATES)[number];
export type DiscrepancyAction = 'start' | 'resolve' | 'reopen' | 'note';
export type CorrectionField = (typeof CORRECTION_FIELDS)[number];
export type Side = 'channel' | 'ours';

export const PAGE_SIZE = 25;

export interface SideBySide {
  channel: number | null;
  ours: number | null;
}

export interface DayResult {
  channel: string;
  post_date: string;
  settlement_currency: string | null;
  file_uploaded_at: string | null;
  line_count: number;
  matched_count: number;
  discrepant_count: number;
  expected_count: number;
  totals: Record<string, Record<string, SideBySide>>;
  result: 'balanced' | 'pending' | 'discrepancies';
  computed_at: string;
}

export interface Run {
  id: string;
  channel: string;
  post_date: string;
  status: RunStatus;
  requested_by: string;
  as_of: string;
  summary: Record<string, unknown>;
  error: string | null;
  started_at: string;
  completed_at: string | null;
  result?: DayResult | null;
}

export interface Discrepancy {
  id: string;
  channel: string;
  post_date: string;
  match_key: string;
  reasons: string[];
  fields: Record<string, unknown>;
  currency: string | null;
  channel_amount: number | null;
  our_amount: number | null;
  state: DiscrepancyState;
  operator: string | null;
  system_reason: string;
  operator_reason: string | null;
  last_run_id: string;
  updated_at: string;
  resolved_at: string | null;
  corrected?: Record<string, { amount: string; currency: string; correction_id: string }>;
}

export interface HistoryAction {
  action: string;
  from_state: string;
  to_state: string;
  actor: string;
  reason: string | null;
  details: Record<string, unknown>;
  at: string;
}

export interface Evidence {
  id: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  uploaded_by: string;
  uploaded_at: string;
}

export interface Correction {
  id: string;
  seq: number;
  side: Side;
  field: CorrectionField;
  before: { amount: string | null; currency: string | null };
  after: { amount: string; currency: string };
  reason: string;
  evidence_ids: string[];
  actor: string;
  at: string;
}

export interface DiscrepancyHistory {
  actions: HistoryAction[];
  evidence: Evidence[];
  corrections: Correction[];
}

export interface HistoryDay {
  post_date: string;
  matched_count: number;
  discrepant_count: number;
  expected_count: number;
  match_rate: string | null;
  discrepancy_count: number;
  open_discrepancy_count: number;
  discrepancy_amount: Record<string, string>;
}

export interface ImportedFile {
  id: string;
  channel: string;
  file_name: string;
  line_count: number;
  post_dates: string[];
}

const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

export function listRuns(filters: { channel?: string; status?: string; starting_after?: string }, signal?: AbortSignal): Promise<Page<Run>> {
  return api(withQuery('/v1/reconciliation/runs', { ...filters, limit: PAGE_SIZE }), opts(signal));
}

export function getRun(id: string, signal?: AbortSignal): Promise<Run> {
  return api(`/v1/reconciliation/runs/${encodeURIComponent(id)}`, opts(signal));
}

export function startRun(channel: string, postDate: string, idempotencyKey: string = newIdempotencyKey()): Promise<Run> {
  return api('/v1/reconciliation/runs', { method: 'POST', body: { channel, post_date: postDate }, idempotencyKey });
}

export function getHistory(filters: { channel?: string; from?: string; to?: string }, signal?: AbortSignal): Promise<{ from: string; to: string; days: HistoryDay[] }> {
  return api(withQuery('/v1/reconciliation/history', filters), opts(signal));
}

export interface DiscrepancyFilters {
  channel?: string;
  state?: string;
  reason?: string;
  from?: string;
  to?: string;
  run_id?: string;
  starting_after?: string;
}

export function listDiscrepancies(filters: DiscrepancyFilters, signal?: AbortSignal): Promise<Page<Discrepancy>> {
  return api(withQuery('/v1/reconciliation/discrepancies', { ...filters, limit: PAGE_SIZE }), opts(signal));
}

export function getDiscrepancyHistory(id: string, signal?: AbortSignal): Promise<DiscrepancyHistory> {
  return api(`/v1/reconciliation/discrepancies/${encodeURIComponent(id)}/history`, opts(signal));
}

/** One action on one or many discrepancies, all or none. */
export function actOnDiscrepancies(ids: string[], action: DiscrepancyAction, reason: string, idempotencyKey: string = newIdempotencyKey()): Promise<{ changed: Array<{ id: string; from: string; to: string }> }> {
  return api('/v1/reconciliation/discrepancies/actions', { method: 'POST', body: { ids, action, ...(reason ? { reason } : {}) }, idempotencyKey });
}

export function correctDiscrepancy(
  id: string,
  body: { side: Side; field: CorrectionField; amount: string; currency: string; reason: string; evidence_ids: string[] },
  idempotencyKey: string = newIdempotencyKey(),
): Promise<Correction> {
  return api(`/v1/reconciliation/discrepancies/${encodeURIComponent(id)}/corrections`, { method: 'POST', body, idempotencyKey });
}

export function evidenceUrl(discrepancyId: string, evidenceId: string): string {
  return `/v1/reconciliation/discrepancies/${encodeURIComponent(discrepancyId)}/evidence/${encodeURIComponent(evidenceId)}`;
}

export function downloadUrl(runId: string, side: 'channel' | 'ours' | 'discrepancies', format: 'csv' | 'xlsx'): string {
  return withQuery(`/v1/reconciliation/runs/${encodeURIComponent(runId)}/downloads/${side}`, { format });
}

/**
 * Sends a file as the raw request body (the server reads the bytes, not a form): a settlement
 * file or an evidence image. `api()` sends JSON only, so this does the same headers by hand.
 */
async function sendRaw<T>(path: string, file: Blob, csrfToken: string | null): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': file.type || 'application/octet-stream', 'idempotency-key': newIdempotencyKey() };
  if (csrfToken) headers['x-kessai-csrf'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, { method: 'POST', headers, body: file, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, { code: 'NETWORK_ERROR', message: 'The Kessai server could not be reached. Check the connection and retry.' });
  }
  const payload = (await response.json().catch(() => null)) as (T & { error?: ApiErrorBody }) | null;
  if (!response.ok) throw new ApiError(response.status, payload?.error ?? { code: `HTTP_${response.status}`, message: response.statusText || 'The server answered with an error' });
  return payload as T;
}

export function uploadSettlementFile(channel: string, file: File, csrfToken: string | null): Promise<ImportedFile> {
  return sendRaw(withQuery('/v1/reconciliation/files', { channel, file_name: file.name }), file, csrfToken);
}

export function uploadEvidence(discrepancyId: string, file: File, csrfToken: string | null): Promise<Evidence> {
  return sendRaw(withQuery(`/v1/reconciliation/discrepancies/${encodeURIComponent(discrepancyId)}/evidence`, { file_name: file.name }), file, csrfToken);
}
