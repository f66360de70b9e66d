import type { PoolClient } from '../db/index.ts';
import { currencyExponent, supportedCurrencies } from '../money/index.ts';
import { FEE_ITEMS, decisionSql } from './discrepancy-rules.ts';
import { statedFeesOnly, type FeeRuleEngine } from './fee-rules.ts';

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

const fees = (side: 'c' | 'o') => FEE_ITEMS.map((i) => `sum(fee_${i}) FILTER (WHERE side = '${side === 'c' ? 'l' : 'o'}') AS ${side}_fee_${i}`).join(',\n      ');
const currencyOf = (side: 'l' | 'o') =>
  `CASE WHEN count(*) FILTER (WHERE side = '${side}') = 0 THEN NULL
        WHEN min(currency) FILTER (WHERE side = '${side}') = max(currency) FILTER (WHERE side = '${side}') THEN min(currency) FILTER (WHERE side = '${side}')
        ELSE '*' END`;
const feeFacts = FEE_ITEMS.map((i) => `'${i}', jsonb_build_object('channel', g.c_fee_${i}, 'ours', g.o_fee_${i})`).join(', ');

/**
 * One statement groups and decides every candidate of the window (see matchWindow): candidates
 * keyed first by the channel's transaction id, then, for what is left, by the order number; a key
 * present on both sides makes a group of all its members (1:1, N:1, 1:N), anything else stays alone.
 * Parameters: $1 channel, $2 post date, $3 as-of date, $4 look-back days, $5 run id.
 */
function groupAndDecideSql(): string {
  const { reasons, status } = decisionSql();
  return `
INSERT INTO recon_match_groups (channel, post_date, match_key, matched_by, status, reasons, channel_line_ids, our_transaction_ids,
                                days_unmatched, expected_since, facts, run_id)
WITH cand AS MATERIALIZED (
  SELECT 'l'::text AS side, l.id, l.match_class, l.channel_transaction_id AS ref, l.merchant_order_id AS order_ref, l.post_date,
         l.transaction_amount AS amount, l.transaction_currency AS currency,
         CASE WHEN l.fx_expected_settlement IS NOT NULL THEN greatest(abs(l.settlement_amount - l.fx_expected_settlement) - 1, 0)
              WHEN r.factor IS NOT NULL THEN greatest(abs(l.settlement_amount - round(l.transaction_amount * r.factor)::bigint) - 1, 0) END AS fx_gap,
         CASE WHEN l.fx_expected_settlement IS NOT NULL THEN l.fx_rate ELSE r.rate END AS fx_rate,
         CASE WHEN l.fx_expected_settlement IS NOT NULL THEN 'channel' ELSE r.source END AS fx_source,
         ${FEE_ITEMS.map((i) => `l.fee_${i}`).join(', ')}, NULL::bigint AS order_amount, NULL::text AS order_status
    FROM recon_channel_lines l
    -- The day's rate, where the line is cross-currency and states none (no rate known: no FX verdict).
    LEFT JOIN recon_fx r ON l.fx_expected_settlement IS NULL AND l.settlement_amount IS NOT NULL AND l.transaction_amount IS NOT NULL
                        AND r.rate_date = l.post_date AND r.base = l.transaction_currency AND r.quote = l.settlement_currency
   WHERE l.channel = $1 AND l.post_date BETWEEN $2::date - $4::int AND $2::date AND l.match_class IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM recon_final f WHERE f.side = 'l' AND f.member = l.id)
  UNION ALL
  SELECT 'o', o.id, o.match_class, o.channel_ref, o.order_id, o.post_date, o.amount, o.currency, NULL, NULL, NULL,
         ${FEE_ITEMS.map((i) => `o.fee_${i}`).join(', ')}, o.order_amount, o.order_status
    FROM recon_our_transactions o
   WHERE o.channel = $1 AND o.post_date BETWEEN $2::date - 3 * $4::int AND $3::date
     AND NOT EXISTS (SELECT 1 FROM recon_final f WHERE f.side = 'o' AND f.member = o.id)
),
id_keys AS (
  SELECT match_class, ref FROM cand WHERE side = 'l' AND ref IS NOT NULL
  INTERSECT
  SELECT match_class, ref FROM cand WHERE side = 'o' AND ref IS NOT NULL
),
by_id AS (
  SELECT c.*, k.ref IS NOT NULL AS id_matched
    FROM cand c LEFT JOIN id_keys k ON k.match_class = c.match_class AND k.ref = c.ref
),
order_keys AS (
  SELECT match_class, order_ref FROM by_id WHERE side = 'l' AND NOT id_matched AND order_ref IS NOT NULL
  INTERSECT
  SELECT match_class, order_ref FROM by_id WHERE side = 'o' AND NOT id_matched AND order_ref IS NOT NULL
),
keyed AS (
  -- The key as (kind, class, text): grouping on it hashes three short values, no concatenation.
  SELECT b.*,
         CASE WHEN b.id_matched THEN 1 WHEN ok.order_ref IS NOT NULL THEN 2 ELSE 3 END AS key_kind,
         CASE WHEN b.id_matched THEN b.ref WHEN ok.order_ref IS NOT NULL THEN b.order_ref ELSE b.side || b.id END AS key_text,
         p.member IS NOT NULL AS was_expected, p.expected_since
    FROM by_id b
    LEFT JOIN order_keys ok ON NOT b.id_matched AND ok.match_class = b.match_class AND ok.order_ref = b.order_ref
    LEFT JOIN recon_prev p ON p.side = b.side AND p.member = b.id
),
grouped AS (
  SELECT key_kind, key_text, match_class,
      CASE key_kind WHEN 1 THEN 'id:' || match_class || ':' || key_text WHEN 2 THEN 'order:' || match_class || ':' || key_text
                    ELSE min(side) || ':' || min(id) END AS match_key,
      CASE key_kind WHEN 1 THEN 'channel_transaction_id' WHEN 2 THEN 'merchant_order_id' END AS matched_by,
      count(*) FILTER (WHERE side = 'l')::int AS c_count,
      sum(amount) FILTER (WHERE side = 'l') AS c_amount,
      ${currencyOf('l')} AS c_currency,
      sum(fx_gap) FILTER (WHERE side = 'l') AS c_fx_gap,
      min(fx_rate) FILTER (WHERE side = 'l') AS c_fx_rate_min,
      max(fx_rate) FILTER (WHERE side = 'l') AS c_fx_rate_max,
      CASE WHEN min(fx_source) = max(fx_source) THEN min(fx_source) WHEN count(fx_source) > 0 THEN 'mixed' END AS c_fx_source,
      ${fees('c')},
      count(*) FILTER (WHERE side = 'o')::int AS o_count,
      sum(amount) FILTER (WHERE side = 'o') AS o_amount,
      ${currencyOf('o')} AS o_currency,
      max(order_amount) FILTER (WHERE side = 'o') AS o_order_amount,
      max(order_status) FILTER (WHERE side = 'o') AS o_order_status,
      ${fees('o')},
      coalesce(min(post_date) FILTER (WHERE side = 'l'), min(post_date) FILTER (WHERE side = 'o')) AS post_date,
      coalesce(array_agg(id) FILTER (WHERE side = 'l'), '{}') AS channel_line_ids,
      coalesce(array_agg(id) FILTER (WHERE side = 'o'), '{}') AS our_transaction_ids,
      bool_or(was_expected) AS was_expected,
      min(expected_since) AS expected_since
    FROM keyed
   GROUP BY key_kind, key_text, match_class
),
aged AS (
  -- Ours alone outside the window wait for their own day's run.
  SELECT g.*, ($3::date - g.post_date) AS age_days, $4::int AS look_back
    FROM grouped g
   WHERE g.c_count > 0 OR g.post_date BETWEEN $2::date - $4::int AND $2::date
),
reasoned AS MATERIALIZED (
  -- Materialized: the reasons are worked out once per group, not once per place they are used.
  SELECT g.*, ${reasons} AS reasons FROM aged g
),
decided AS (
  SELECT g.*, ${status} AS status FROM reasoned g
)
SELECT $1, g.post_date, g.match_key, g.matched_by, g.status, g.reasons, g.channel_line_ids, g.our_transaction_ids,
       CASE WHEN g.was_expected AND g.status <> 'expected' THEN g.age_days ELSE 0 END,
       CASE WHEN g.status = 'expected' THEN coalesce(g.expected_since, $3::date) END,
       CASE WHEN g.status <> 'matched' OR g.c_fx_rate_min IS NOT NULL THEN jsonb_build_object(
         'amount', jsonb_build_object('channel', g.c_amount, 'ours', g.o_amount, 'order', g.o_order_amount),
         'currency', jsonb_build_object('channel', g.c_currency, 'ours', g.o_currency),
         'order_status', g.o_order_status,
         'fx_gap', g.c_fx_gap,
         -- The rate the FX check used: the channel's own ('channel') or the day's (file, http, manual).
         'fx', CASE WHEN g.c_fx_rate_min IS NOT NULL THEN jsonb_strip_nulls(jsonb_build_object('rate', g.c_fx_rate_min::text,
                 'max_rate', CASE WHEN g.c_fx_rate_max <> g.c_fx_rate_min THEN g.c_fx_rate_max::text END, 'source', g.c_fx_source)) END,
         'fees', jsonb_build_object(${feeFacts}),
         'lines', jsonb_build_object('channel', g.c_count, 'ours', g.o_count),
         'age_days', g.age_days) END,
       $5
  FROM decided g`;
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
  cachedSql ??= groupAndDecideSql();
  // The temporary tables have no statistics until analysed: without them a join to an empty one is planned as a sort.
  await client.query('ANALYZE recon_prev, recon_final, recon_fx');
  await client.query(cachedSql, [channel, postDate, asOf, look, runId]);

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
  const counts = await client.query<{ status: string; n: number; post_date: string }>(
    `SELECT status, post_date::text, count(*)::int AS n FROM recon_match_groups WHERE channel = $1 AND run_id = $2 GROUP BY 1, 2`,
    [channel, runId],
  );
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
