import { sql } from 'kysely';
import type { ReconciliationContext } from './context.ts';
import type { DiscrepancyState } from './tables.ts';

export interface DiscrepancyView {
  id: string;
  object: 'reconciliation_discrepancy';
  channel: string;
  post_date: string;
  match_key: string;
  reasons: string[];
  /** The differing fields side by side: {field: {channel, ours, order}}. */
  fields: Record<string, unknown>;
  channel_line_ids: string[];
  our_transaction_ids: string[];
  currency: string | null;
  channel_amount: number | null;
  our_amount: number | null;
  state: DiscrepancyState;
  operator: string | null;
  system_reason: string;
  operator_reason: string | null;
  first_run_id: string;
  last_run_id: string;
  created_at: string;
  updated_at: string;
  state_changed_at: string;
  resolved_at: string | null;
  /** The latest amount correction per `side.field` (e.g. `channel.amount`), amounts as strings of minor units. */
  corrected: Record<string, { amount: string; currency: string; correction_id: string }>;
}

export interface DiscrepancyFilter {
  channel?: string;
  from?: string;
  to?: string;
  state?: DiscrepancyState;
  reason?: string;
  runId?: string;
  limit: number;
  startingAfter?: string;
}

/** Discrepancies by channel, post-date range, state, reason or run, oldest day first, with a cursor. */
export async function listDiscrepancies(ctx: ReconciliationContext, filter: DiscrepancyFilter) {
  let q = ctx.db.selectFrom('recon_discrepancies').selectAll().select(sql<string>`post_date::text`.as('post_date'))
    .select(sql<DiscrepancyView['corrected']>`corrected`.as('corrected'));
  if (filter.channel) q = q.where('channel', '=', filter.channel);
  if (filter.from) q = q.where('post_date', '>=', filter.from);
  if (filter.to) q = q.where('post_date', '<=', filter.to);
  if (filter.state) q = q.where('state', '=', filter.state);
  if (filter.reason) q = q.where(sql<boolean>`${filter.reason} = ANY (reasons)`);
  if (filter.runId) q = q.where((eb) => eb.or([eb('first_run_id', '=', filter.runId!), eb('last_run_id', '=', filter.runId!)]));
  if (filter.startingAfter) q = q.where('id', '>', filter.startingAfter);
  const rows = await q.orderBy('id', 'asc').limit(filter.limit + 1).execute();
  const page = rows.slice(0, filter.limit);
  const data: DiscrepancyView[] = page.map((r) => ({
    id: r.id,
    object: 'reconciliation_discrepancy',
    channel: r.channel,
    post_date: r.post_date,
    match_key: r.match_key,
    reasons: r.reasons,
    fields: r.fields,
    channel_line_ids: r.channel_line_ids.map(String),
    our_transaction_ids: r.our_transaction_ids.map(String),
    currency: r.currency,
    channel_amount: r.channel_amount === null ? null : Number(r.channel_amount),
    our_amount: r.our_amount === null ? null : Number(r.our_amount),
    state: r.state,
    operator: r.operator,
    system_reason: r.system_reason,
    operator_reason: r.operator_reason,
    first_run_id: r.first_run_id,
    last_run_id: r.last_run_id,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
    state_changed_at: r.state_changed_at.toISOString(),
    resolved_at: r.resolved_at?.toISOString() ?? null,
    corrected: r.corrected,
  }));
  return { data, has_more: rows.length > filter.limit, next_cursor: rows.length > filter.limit ? page.at(-1)!.id : null };
}
