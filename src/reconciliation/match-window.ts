import type { PoolClient } from '../db/index.ts';
import { currencyExponent, supportedCurrencies } from '../money/index.ts';
import { statedFeesOnly, type FeeRuleEngine } from './fee-rules.ts';
import { matchWindowSql } from './match-sql.ts';

export interface MatchScope {
  channel: string;
  /** The day being reconciled, `YYYY-MM-DD`. */
  postDate: string;
  /** The run's own day (its clock): ages and the look-back are counted to it. */
  asOf: string;
  lookBackDays: number;
  runId: string;
}

export interface MatchOutcome {
  matched: number;
  discrepant: number;
  expected: number;
  /** Days whose groups changed: their results must be recomputed. */
  days: string[];
}

let cachedSql: string | null = null;

/**
 * Matches the channel's lines of the look-back window [post date − look-back, post date] that
 * are not settled yet (not in a matched or discrepant group) against our transactions likewise,
 * in the caller's transaction. Expected groups of the window are dissolved and tried again, so a
 * late counterpart matches automatically (its wait recorded as days_unmatched); what is still
 * alone is expected within the look-back and a discrepancy after it.
 */
export async function matchWindow(client: PoolClient, scope: MatchScope, fees: FeeRuleEngine = statedFeesOnly): Promise<MatchOutcome> {
  const { channel, postDate, asOf, lookBackDays: look, runId } = scope;
  // Runs of different days of one channel share candidates: one matches at a time.
  await client.query(`SELECT pg_advisory_xact_lock(hashtext('kessai.reconciliation'), hashtext($1))`, [channel]);
  await client.query(`SET LOCAL work_mem = '256MB'`);
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS recon_prev (side text, member bigint, expected_since date) ON COMMIT DROP`);
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS recon_final (side text, member bigint) ON COMMIT DROP`);
  await client.query(
    `WITH gone AS (
       DELETE FROM recon_match_groups WHERE channel = $1 AND status = 'expected' AND post_date BETWEEN $2::date - $3::int AND $2::date
       RETURNING channel_line_ids, our_transaction_ids, expected_since)
     INSERT INTO recon_prev
     SELECT 'l', unnest(channel_line_ids), expected_since FROM gone
     UNION ALL SELECT 'o', unnest(our_transaction_ids), expected_since FROM gone
     UNION ALL SELECT 'o', unnest(our_transaction_ids), expected_since FROM recon_match_groups
                WHERE channel = $1 AND status = 'expected' AND post_date > $2::date`,
    [channel, postDate, look],
  );
  await client.query(
    `INSERT INTO recon_final
     SELECT 'l', unnest(channel_line_ids) FROM recon_match_groups WHERE channel = $1 AND status <> 'expected' AND post_date BETWEEN $2::date - 4 * $3::int AND $4::date
     UNION ALL
     SELECT 'o', unnest(our_transaction_ids) FROM recon_match_groups WHERE channel = $1 AND status <> 'expected' AND post_date BETWEEN $2::date - 4 * $3::int AND $4::date`,
    [channel, postDate, look, asOf],
  );
  // Fee items nobody stated, computed from the fee rules for the members still to match.
  await fees.fillMissingFees(client, { channel, lines: { from: shiftDate(postDate, -look), to: postDate }, ours: { from: shiftDate(postDate, -3 * look), to: asOf } });
  await loadDailyRates(client, shiftDate(postDate, -look), postDate);
  cachedSql ??= matchWindowSql();
  // The temporary tables have no statistics until analysed: without them a join to an empty one is planned as a sort.
  await client.query('ANALYZE recon_prev, recon_final, recon_fx');
  // The statement's intermediate sets have no statistics (a 1:1 key's count is guessed at one row),
  // and a nested loop over a guessed-small set is quadratic on a real file (a merge join sorts the
  // whole window for a few thousand rows): hash joins only.
  await client.query('SET LOCAL enable_nestloop = off; SET LOCAL enable_mergejoin = off');
  const counts = await client.query<{ status: string; n: number; post_date: string }>(cachedSql, [channel, postDate, asOf, look, runId]);
  await client.query('SET LOCAL enable_nestloop = on; SET LOCAL enable_mergejoin = on');

  // Ours waiting on a later day's expected list that matched now leave it; that day changes too.
  const days = new Set<string>();
  const later = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM recon_match_groups WHERE channel = $1 AND status = 'expected' AND post_date > $2::date`, [channel, postDate]);
  if (later.rows[0]!.n > 0) {
    const left = await client.query<{ post_date: string }>(
      `DELETE FROM recon_match_groups g
        USING (SELECT DISTINCT e.id
                 FROM recon_match_groups e
                 CROSS JOIN LATERAL unnest(e.our_transaction_ids) em(id)
                 JOIN (SELECT unnest(n.our_transaction_ids) AS id FROM recon_match_groups n
                        WHERE n.channel = $1 AND n.run_id = $3 AND n.status <> 'expected') now_grouped ON now_grouped.id = em.id
                WHERE e.channel = $1 AND e.status = 'expected' AND e.post_date > $2::date AND e.run_id <> $3) x
        WHERE g.id = x.id
        RETURNING g.post_date::text`,
      [channel, postDate, runId],
    );
    for (const r of left.rows) days.add(r.post_date);
  }
  const outcome: MatchOutcome = { matched: 0, discrepant: 0, expected: 0, days: [] };
  for (const r of counts.rows) {
    outcome[r.status as 'matched' | 'discrepant' | 'expected'] += r.n;
    days.add(r.post_date);
  }
  // Every day of the window is recomputed: expected groups were dissolved there.
  for (let i = 0; i <= look; i++) days.add(shiftDate(postDate, -i));
  outcome.days = [...days].sort();
  return outcome;
}

let exponents: { codes: string[]; exps: number[] } | null = null;

/**
 * The day's rates of the window (a manual override first: `fx_rates_effective`), each with the
 * factor that turns minor units of the base into minor units of the quote, so the matcher's
 * expected settlement is `round(amount × factor)`: exact numeric, half away from zero (half-up),
 * like the parsers' for a stated rate.
 */
async function loadDailyRates(client: PoolClient, from: string, to: string): Promise<void> {
  if (!exponents) {
    const codes = supportedCurrencies();
    exponents = { codes, exps: codes.map((c) => currencyExponent(c)!) };
  }
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS recon_fx (rate_date date, base text, quote text, rate numeric, source text, factor numeric) ON COMMIT DROP`);
  await client.query(
    `INSERT INTO recon_fx
     SELECT r.rate_date, r.base, r.quote, r.rate, r.source, r.rate * power(10::numeric, q.e - b.e)
       FROM fx_rates_effective r
       JOIN unnest($3::text[], $4::int[]) AS b(code, e) ON b.code = r.base
       JOIN unnest($3::text[], $4::int[]) AS q(code, e) ON q.code = r.quote
      WHERE r.rate_date BETWEEN $1::date AND $2::date`,
    [from, to, exponents.codes, exponents.exps],
  );
}

export function shiftDate(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
