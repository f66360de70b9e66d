import { sql } from 'kysely';
import { KessaiError } from '../errors/index.ts';
import type { ReconciliationContext } from './context.ts';

export interface HistoryDay {
  post_date: string;
  matched_count: number;
  discrepant_count: number;
  expected_count: number;
  /** matched ÷ (matched + discrepant + expected), a decimal string with 4 places; null on a day with no groups. */
  match_rate: string | null;
  discrepancy_count: number;
  open_discrepancy_count: number;
  /** Per currency: the sum over the day's discrepancies of |channel − ours| (a missing side counts 0), minor units as a string. */
  discrepancy_amount: Record<string, string>;
}

const DAY_MS = 86_400_000;
const MAX_DAYS = 366;

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * Per post date over a range (every channel, or one): the match rate of the day's results and
 * the amount its discrepancies are off by, per currency. For the console's chart; read-only.
 */
export async function getRunHistory(ctx: ReconciliationContext, filter: { channel?: string; from?: string; to?: string }): Promise<{ from: string; to: string; channel: string | null; days: HistoryDay[] }> {
  const to = filter.to ?? isoDay(ctx.now());
  const from = filter.from ?? isoDay(new Date(Date.parse(`${to}T00:00:00Z`) - 29 * DAY_MS));
  const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS;
  if (!(span >= 0 && span < MAX_DAYS)) throw new KessaiError('KS_ERR_VALIDATION', `from..to: 1 to ${MAX_DAYS} days, from not after to`, { field: 'from' });
  const channel = filter.channel ?? null;
  const [results, discrepancies] = await Promise.all([
    sql<{ post_date: string; matched: number; discrepant: number; expected: number; rate: string | null }>`
      SELECT post_date::text AS post_date, sum(matched_count)::int AS matched, sum(discrepant_count)::int AS discrepant, sum(expected_count)::int AS expected,
             CASE WHEN sum(matched_count + discrepant_count + expected_count) > 0
                  THEN round(sum(matched_count)::numeric / sum(matched_count + discrepant_count + expected_count), 4)::text END AS rate
        FROM recon_results
       WHERE post_date BETWEEN ${from}::date AND ${to}::date AND (${channel}::text IS NULL OR channel = ${channel})
       GROUP BY post_date`.execute(ctx.db),
    sql<{ post_date: string; currency: string | null; n: number; open: number; amount: string }>`
      SELECT post_date::text AS post_date, currency, count(*)::int AS n, count(*) FILTER (WHERE state <> 'resolved')::int AS open,
             sum(abs(coalesce(channel_amount, 0) - coalesce(our_amount, 0)))::text AS amount
        FROM recon_discrepancies
       WHERE post_date BETWEEN ${from}::date AND ${to}::date AND (${channel}::text IS NULL OR channel = ${channel})
       GROUP BY post_date, currency`.execute(ctx.db),
  ]);
  const days: HistoryDay[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) {
    const day = isoDay(new Date(t));
    const r = results.rows.find((x) => x.post_date === day);
    const ds = discrepancies.rows.filter((x) => x.post_date === day);
    days.push({
      post_date: day,
      matched_count: r?.matched ?? 0,
      discrepant_count: r?.discrepant ?? 0,
      expected_count: r?.expected ?? 0,
      match_rate: r?.rate ?? null,
      discrepancy_count: ds.reduce((n, d) => n + d.n, 0),
      open_discrepancy_count: ds.reduce((n, d) => n + d.open, 0),
      discrepancy_amount: Object.fromEntries(ds.map((d) => [d.currency ?? 'unknown', d.amount])),
    });
  }
  return { from, to, channel, days };
}
