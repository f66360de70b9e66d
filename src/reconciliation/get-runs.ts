import { sql } from 'kysely';
import { KessaiError } from '../errors/index.ts';
import type { ReconciliationContext } from './context.ts';
import type { RunStatus } from './tables.ts';

export interface DayResultView {
  channel: string;
  post_date: string;
  settlement_currency: string | null;
  file_uploaded_at: string | null;
  line_count: number;
  matched_count: number;
  discrepant_count: number;
  expected_count: number;
  /** Per currency: fee item → [channel total, our total], side by side. */
  totals: Record<string, Record<string, { channel: number | null; ours: number | null }>>;
  channel_totals: Record<string, Record<string, number | null>>;
  our_totals: Record<string, Record<string, number | null>>;
  result: string;
  computed_at: string;
}

export interface RunView {
  id: string;
  object: 'reconciliation_run';
  channel: string;
  post_date: string;
  status: RunStatus;
  requested_by: string;
  as_of: string;
  summary: Record<string, unknown>;
  error: string | null;
  started_at: string;
  completed_at: string | null;
  result?: DayResultView | null;
}

type Totals = Record<string, Record<string, number | null>>;

/** Both sides' figures next to each other: the settlement (channel) against our amount, then each fee item. */
function sideBySide(channel: Totals, ours: Totals): DayResultView['totals'] {
  const out: DayResultView['totals'] = {};
  for (const currency of new Set([...Object.keys(channel), ...Object.keys(ours)])) {
    const c = channel[currency] ?? {};
    const o = ours[currency] ?? {};
    out[currency] = {
      amount: { channel: c.settlement ?? null, ours: o.amount ?? null },
      ...Object.fromEntries(['acquirer', 'interchange', 'scheme', 'other', 'three_ds'].map((i) => [i, { channel: c[i] ?? null, ours: o[i] ?? null }])),
      net: { channel: c.net ?? null, ours: null },
    };
  }
  return out;
}

const runColumns = ['id', 'channel', sql<string>`post_date::text`.as('post_date'), 'status', 'requested_by', 'as_of', 'summary', 'error', 'started_at', 'completed_at'] as const;

function presentRun(r: { id: string; channel: string; post_date: string; status: RunStatus; requested_by: string; as_of: Date | string; summary: Record<string, unknown>; error: string | null; started_at: Date; completed_at: Date | null }): RunView {
  return {
    id: r.id,
    object: 'reconciliation_run',
    channel: r.channel,
    post_date: r.post_date,
    status: r.status,
    requested_by: r.requested_by,
    as_of: new Date(r.as_of).toISOString(),
    summary: r.summary,
    error: r.error,
    started_at: r.started_at.toISOString(),
    completed_at: r.completed_at?.toISOString() ?? null,
  };
}

export async function getDayResult(ctx: ReconciliationContext, channel: string, postDate: string): Promise<DayResultView | null> {
  const r = await ctx.db
    .selectFrom('recon_results')
    .selectAll()
    .select(sql<string>`post_date::text`.as('post_date'))
    .where('channel', '=', channel)
    .where('post_date', '=', postDate)
    .executeTakeFirst();
  if (!r) return null;
  const channelTotals = r.channel_totals as unknown as Totals;
  const ourTotals = r.our_totals as unknown as Totals;
  return {
    channel: r.channel,
    post_date: r.post_date,
    settlement_currency: r.settlement_currency,
    file_uploaded_at: r.file_uploaded_at?.toISOString() ?? null,
    line_count: r.line_count,
    matched_count: r.matched_count,
    discrepant_count: r.discrepant_count,
    expected_count: r.expected_count,
    totals: sideBySide(channelTotals, ourTotals),
    channel_totals: channelTotals,
    our_totals: ourTotals,
    result: r.result,
    computed_at: r.computed_at.toISOString(),
  };
}

/** A run with its day's result (both sides' fee totals side by side). */
export async function getRun(ctx: ReconciliationContext, id: string): Promise<RunView> {
  const row = await ctx.db.selectFrom('recon_runs').select(runColumns).where('id', '=', id).executeTakeFirst();
  if (!row) throw new KessaiError('KS_ERR_RECONCILIATION_RUN_NOT_FOUND', `No reconciliation run ${id}`, { run_id: id });
  return { ...presentRun(row), result: await getDayResult(ctx, row.channel, row.post_date) };
}

export async function listRuns(ctx: ReconciliationContext, filter: { channel?: string; postDate?: string; status?: RunStatus; limit: number; startingAfter?: string }) {
  let q = ctx.db.selectFrom('recon_runs').select(runColumns);
  if (filter.channel) q = q.where('channel', '=', filter.channel);
  if (filter.postDate) q = q.where('post_date', '=', filter.postDate);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.startingAfter) q = q.where('id', '<', filter.startingAfter);
  const rows = await q.orderBy('id', 'desc').limit(filter.limit + 1).execute();
  const page = rows.slice(0, filter.limit);
  return { data: page.map(presentRun), has_more: rows.length > filter.limit, next_cursor: rows.length > filter.limit ? page.at(-1)!.id : null };
}
