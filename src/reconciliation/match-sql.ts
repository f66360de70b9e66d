import { FEE_ITEMS, decisionSql } from './discrepancy-rules.ts';

/**
 * The matcher's one statement (see matchWindow): candidates keyed first by the channel's
 * transaction id, then, for what is left, by the order number; a key present on both sides makes a
 * group of all its members (1:1, N:1, 1:N), anything else stays alone. Every group is decided by
 * the discrepancy rules and inserted; the statement answers the inserted groups' counts per status
 * and day.
 *
 * A key with exactly one member on each side — nearly every line of a real file — is paired by a
 * hash join and decided row by row; only the rest goes through the general grouping, whose sort of
 * the whole window (wide rows, spilling to disk at a million lines) was most of a run's time. Both
 * paths give a group the same columns, so the rules and the stored groups cannot tell them apart.
 *
 * Parameters: $1 channel, $2 post date, $3 as-of date, $4 look-back days, $5 run id.
 * Temporary tables read: recon_prev (members of the dissolved expected groups), recon_final
 * (members already settled), recon_fx (the window's daily rates).
 */
export function matchWindowSql(): string {
  const { reasons, status } = decisionSql();
  // The leading comment names the statement in pg_stat_activity (which keeps only its first 1 kB).
  return `/* reconciliation match: INSERT INTO recon_match_groups */
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
ref_counts AS MATERIALIZED (
  -- Per channel transaction id: how many members each side has, and (for a 1:1 key) which.
  SELECT match_class, ref, count(*) FILTER (WHERE side = 'l') AS lines, count(*) FILTER (WHERE side = 'o') AS ours,
         min(id) FILTER (WHERE side = 'l') AS line_id, min(id) FILTER (WHERE side = 'o') AS our_id
    FROM cand WHERE ref IS NOT NULL GROUP BY 1, 2
),
pairs AS (
  -- The 1:1 groups: one line and one of ours with the same channel transaction id.
  SELECT 1 AS key_kind, l.ref AS key_text, l.match_class, 'id:' || l.match_class || ':' || l.ref AS match_key,
         'channel_transaction_id' AS matched_by,
         1 AS c_count, l.amount AS c_amount, coalesce(l.currency, '*') AS c_currency, l.fx_gap AS c_fx_gap,
         l.fx_rate AS c_fx_rate_min, l.fx_rate AS c_fx_rate_max, l.fx_source AS c_fx_source,
         ${FEE_ITEMS.map((i) => `l.fee_${i} AS c_fee_${i}`).join(', ')},
         1 AS o_count, o.amount AS o_amount, coalesce(o.currency, '*') AS o_currency, o.order_amount AS o_order_amount, o.order_status AS o_order_status,
         ${FEE_ITEMS.map((i) => `o.fee_${i} AS o_fee_${i}`).join(', ')},
         l.post_date, ARRAY[l.id] AS channel_line_ids, ARRAY[o.id] AS our_transaction_ids,
         (pl.member IS NOT NULL OR po.member IS NOT NULL) AS was_expected, least(pl.expected_since, po.expected_since) AS expected_since
    FROM ref_counts k
    JOIN cand l ON l.side = 'l' AND l.id = k.line_id
    JOIN cand o ON o.side = 'o' AND o.id = k.our_id
    LEFT JOIN recon_prev pl ON pl.side = 'l' AND pl.member = l.id
    LEFT JOIN recon_prev po ON po.side = 'o' AND po.member = o.id
   WHERE k.lines = 1 AND k.ours = 1
),
rest AS (
  -- Everything else: members without a channel transaction id, and those of keys shared otherwise than 1:1 (few).
  SELECT c.* FROM cand c WHERE c.ref IS NULL
  UNION ALL
  SELECT c.* FROM ref_counts k JOIN cand c ON c.match_class = k.match_class AND c.ref = k.ref WHERE NOT (k.lines = 1 AND k.ours = 1)
),
${restGroupsSql()},
aged AS (
  -- Ours alone outside the window wait for their own day's run.
  SELECT g.*, ($3::date - g.post_date) AS age_days, $4::int AS look_back
    FROM (SELECT * FROM pairs UNION ALL SELECT * FROM grouped) g
   WHERE g.c_count > 0 OR g.post_date BETWEEN $2::date - $4::int AND $2::date
),
decided AS (
  -- The reasons are worked out once per group: OFFSET 0 keeps the inner projection from being inlined into each use.
  SELECT g.*, ${status} AS status FROM (SELECT g.*, ${reasons} AS reasons FROM aged g OFFSET 0) g
),
inserted AS (
  INSERT INTO recon_match_groups (channel, post_date, match_key, matched_by, status, reasons, channel_line_ids, our_transaction_ids,
                                  days_unmatched, expected_since, facts, run_id)
  SELECT $1, g.post_date, g.match_key, g.matched_by, g.status, g.reasons, g.channel_line_ids, g.our_transaction_ids,
         CASE WHEN g.was_expected AND g.status <> 'expected' THEN g.age_days ELSE 0 END,
         CASE WHEN g.status = 'expected' THEN coalesce(g.expected_since, $3::date) END,
         ${factsSql()},
         $5
    FROM decided g
  RETURNING status, post_date
)
SELECT status, post_date::text AS post_date, count(*)::int AS n FROM inserted GROUP BY 1, 2`;
}

const fees = (side: 'c' | 'o') => FEE_ITEMS.map((i) => `sum(fee_${i}) FILTER (WHERE side = '${side === 'c' ? 'l' : 'o'}') AS ${side}_fee_${i}`).join(',\n      ');
const currencyOf = (side: 'l' | 'o') =>
  `CASE WHEN count(*) FILTER (WHERE side = '${side}') = 0 THEN NULL
        WHEN min(currency) FILTER (WHERE side = '${side}') = max(currency) FILTER (WHERE side = '${side}') THEN min(currency) FILTER (WHERE side = '${side}')
        ELSE '*' END`;

/** The general grouping of what is not a 1:1 pair: shared keys of any size, order numbers, lone members. */
function restGroupsSql(): string {
  return `
id_keys AS (
  SELECT match_class, ref FROM rest WHERE side = 'l' AND ref IS NOT NULL
  INTERSECT
  SELECT match_class, ref FROM rest WHERE side = 'o' AND ref IS NOT NULL
),
by_id AS (
  SELECT c.*, k.ref IS NOT NULL AS id_matched
    FROM rest c LEFT JOIN id_keys k ON k.match_class = c.match_class AND k.ref = c.ref
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
)`;
}

const feeFacts = FEE_ITEMS.map((i) => `'${i}', jsonb_build_object('channel', g.c_fee_${i}, 'ours', g.o_fee_${i})`).join(', ');

/** What was compared, kept for groups that are not simply matched, or that used an FX rate. */
function factsSql(): string {
  return `CASE WHEN g.status <> 'matched' OR g.c_fx_rate_min IS NOT NULL THEN jsonb_build_object(
           'amount', jsonb_build_object('channel', g.c_amount, 'ours', g.o_amount, 'order', g.o_order_amount),
           'currency', jsonb_build_object('channel', g.c_currency, 'ours', g.o_currency),
           'order_status', g.o_order_status,
           'fx_gap', g.c_fx_gap,
           -- The rate the FX check used: the channel's own ('channel') or the day's (file, http, manual).
           'fx', CASE WHEN g.c_fx_rate_min IS NOT NULL THEN jsonb_strip_nulls(jsonb_build_object('rate', g.c_fx_rate_min::text,
                   'max_rate', CASE WHEN g.c_fx_rate_max <> g.c_fx_rate_min THEN g.c_fx_rate_max::text END, 'source', g.c_fx_source)) END,
           'fees', jsonb_build_object(${feeFacts}),
           'lines', jsonb_build_object('channel', g.c_count, 'ours', g.o_count),
           'age_days', g.age_days) END`;
}
