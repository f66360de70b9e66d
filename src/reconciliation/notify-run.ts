import { sql } from 'kysely';
import type { OpsChannel } from '../notify/index.ts';
import { isSupportedCurrency, toMajorString } from '../money/index.ts';
import type { ReconciliationContext } from './context.ts';
import { DOWNLOAD_SIDES } from './download-run.ts';

export interface RunNotices {
  /** The operations channel (a Slack-compatible webhook); none: completed runs are not announced. */
  ops: OpsChannel | null;
  /** Where the API is reachable from the channel's readers (`KESSAI_PUBLIC_URL`), for the download links. */
  publicUrl: string | undefined;
}

const major = (amount: string | null | undefined, currency: string) =>
  amount === null || amount === undefined ? '—' : isSupportedCurrency(currency) ? `${toMajorString(BigInt(amount), currency)} ${currency}` : `${amount} ${currency} (minor units)`;

function perCurrency(totals: Record<string, Record<string, string | null>>, field: string): string {
  const parts = Object.entries(totals).map(([currency, t]) => major(t[field], currency));
  return parts.length > 0 ? parts.join(', ') : '—';
}

/**
 * Step `notify-operations` of a run: the day's result — counts, both sides' totals, what the
 * open discrepancies add up to — with links to the run's three downloads. The DBOS step records
 * that it was sent, so a run announces itself once even across a crash.
 */
export async function notifyRunCompleted(ctx: ReconciliationContext, notices: RunNotices, runId: string): Promise<{ delivered: boolean }> {
  if (!notices.ops) return { delivered: false };
  const run = await ctx.db.selectFrom('recon_runs').select(['channel', sql<string>`post_date::text`.as('day')]).where('id', '=', runId).executeTakeFirstOrThrow();
  const day = run.day;
  const { rows: results } = await ctx.pool.query<{ result: string; matched_count: number; discrepant_count: number; expected_count: number; line_count: number; channel_totals: Record<string, Record<string, string | null>>; our_totals: Record<string, Record<string, string | null>> }>(
    `SELECT result, matched_count, discrepant_count, expected_count, line_count, channel_totals, our_totals FROM recon_results WHERE channel = $1 AND post_date = $2::date`,
    [run.channel, day],
  );
  const r = results[0];
  // What the day's unresolved discrepancies amount to: the gap between the sides, or the lone side's amount.
  const { rows: gaps } = await ctx.pool.query<{ currency: string; gap: string; n: number }>(
    `SELECT coalesce(currency, '?') AS currency, sum(abs(coalesce(channel_amount, 0) - coalesce(our_amount, 0)))::text AS gap, count(*)::int AS n
       FROM recon_discrepancies WHERE channel = $1 AND post_date = $2::date AND state <> 'resolved' GROUP BY 1 ORDER BY 1`,
    [run.channel, day],
  );
  const base = (notices.publicUrl ?? '').replace(/\/$/, '');
  const links = Object.fromEntries(DOWNLOAD_SIDES.map((side) => [`Download: ${side}`, `${base}/v1/reconciliation/runs/${runId}/downloads/${side}`]));
  const outcome = r ? r.result : 'no result';
  return notices.ops.notify({
    text: `Reconciliation of ${run.channel} for ${day} completed: ${outcome} (run ${runId})`,
    fields: {
      Channel: run.channel,
      Day: day,
      Run: runId,
      Result: outcome,
      'Channel lines': String(r?.line_count ?? 0),
      Matched: String(r?.matched_count ?? 0),
      Discrepant: String(r?.discrepant_count ?? 0),
      Expected: String(r?.expected_count ?? 0),
      'Channel settlement': r ? perCurrency(r.channel_totals, 'settlement') : '—',
      'Channel net': r ? perCurrency(r.channel_totals, 'net') : '—',
      'Our amount': r ? perCurrency(r.our_totals, 'amount') : '—',
      'Open discrepancies': gaps.length > 0 ? gaps.map((g) => `${g.n} (${major(g.gap, g.currency)})`).join(', ') : 'none',
      ...links,
    },
  });
}
