import type { PoolClient } from '../db/index.ts';
import { FEE_ITEMS } from './discrepancy-rules.ts';

const feeSums = (alias: string) => FEE_ITEMS.map((i) => `sum(${alias}.fee_${i}) AS ${i}`).join(', ');
const feeObject = FEE_ITEMS.map((i) => `'${i}', ${i}`).join(', ');

/**
 * Recomputes the results of the given days of a channel from their lines and match groups, in
 * the caller's transaction: a day is replaced whole, so a late match elsewhere in the window shows
 * in its day at once. Totals are per currency, fee item by fee item, on each side (a fee item
 * nobody states stays null rather than a misleading zero).
 */
export async function recomputeDays(client: PoolClient, channel: string, days: string[], runId: string, options: { bulk?: boolean } = {}): Promise<void> {
  if (days.length === 0) return;
  // The groups a run just inserted have no statistics yet: for a big day the planner would still
  // look up our transactions one by one (a million index probes); hash joins read them once.
  if (options.bulk) await client.query('SET LOCAL enable_nestloop = off');
  await client.query(`DELETE FROM recon_results WHERE channel = $1 AND post_date = ANY ($2::date[])`, [channel, days]);
  await client.query(
    `INSERT INTO recon_results (channel, post_date, settlement_currency, file_uploaded_at, line_count, matched_count, discrepant_count,
                                expected_count, channel_totals, our_totals, result, run_id)
     WITH per_file AS (
       SELECT l.post_date, l.settlement_currency AS currency, l.file_id, count(*)::int AS lines,
              sum(l.settlement_amount) AS settlement, ${feeSums('l')}, sum(l.net_amount) AS net
         FROM recon_channel_lines l
        WHERE l.channel = $1 AND l.post_date = ANY ($2::date[])
        GROUP BY 1, 2, 3
     ),
     channel_side AS (
       SELECT p.post_date, p.currency, sum(p.lines)::int AS lines, sum(p.settlement) AS settlement,
              ${FEE_ITEMS.map((i) => `sum(p.${i}) AS ${i}`).join(', ')}, sum(p.net) AS net, max(f.uploaded_at) AS uploaded_at
         FROM per_file p JOIN recon_files f ON f.id = p.file_id
        GROUP BY 1, 2
     ),
     group_counts AS (
       SELECT post_date,
              count(*) FILTER (WHERE status = 'matched')::int AS matched,
              count(*) FILTER (WHERE status = 'discrepant')::int AS discrepant,
              count(*) FILTER (WHERE status = 'expected')::int AS expected
         FROM recon_match_groups
        WHERE channel = $1 AND post_date = ANY ($2::date[])
        GROUP BY 1
     ),
     our_side AS MATERIALIZED (
       -- The members unnested first: a join to ours that is not lateral can be a hash join (bulk).
       SELECT m.post_date, o.currency, count(*)::int AS transactions, sum(o.amount) AS amount, ${feeSums('o')}
         FROM (SELECT g.post_date, unnest(g.our_transaction_ids) AS id FROM recon_match_groups g
                WHERE g.channel = $1 AND g.post_date = ANY ($2::date[])) m
         JOIN recon_our_transactions o ON o.id = m.id
        GROUP BY 1, 2
     ),
     days AS (
       SELECT post_date FROM channel_side UNION SELECT post_date FROM group_counts
     )
     SELECT $1, d.post_date,
            (SELECT string_agg(DISTINCT c.currency, ',') FROM channel_side c WHERE c.post_date = d.post_date),
            (SELECT max(c.uploaded_at) FROM channel_side c WHERE c.post_date = d.post_date),
            coalesce((SELECT sum(c.lines) FROM channel_side c WHERE c.post_date = d.post_date), 0),
            coalesce(gc.matched, 0), coalesce(gc.discrepant, 0), coalesce(gc.expected, 0),
            coalesce((SELECT jsonb_object_agg(coalesce(c.currency, '?'), jsonb_build_object('lines', c.lines, 'settlement', c.settlement, ${feeObject}, 'net', c.net))
                        FROM channel_side c WHERE c.post_date = d.post_date), '{}'),
            coalesce((SELECT jsonb_object_agg(o.currency, jsonb_build_object('transactions', o.transactions, 'amount', o.amount, ${feeObject}))
                        FROM our_side o WHERE o.post_date = d.post_date), '{}'),
            CASE WHEN coalesce(gc.discrepant, 0) > 0 THEN 'discrepancies' WHEN coalesce(gc.expected, 0) > 0 THEN 'pending' ELSE 'balanced' END,
            $3
       FROM days d LEFT JOIN group_counts gc ON gc.post_date = d.post_date`,
    [channel, days, runId],
  );
  if (options.bulk) await client.query('SET LOCAL enable_nestloop = on');
}

/**
 * Opens a discrepancy for each discrepant group the run made, or refreshes the one already open
 * for the same thing (channel, day, match key): an operator's handling is kept across re-runs.
 */
export async function recordDiscrepancies(client: PoolClient, channel: string, runId: string): Promise<number> {
  const { rowCount } = await client.query(
    `INSERT INTO recon_discrepancies (id, channel, post_date, match_key, match_group_id, reasons, fields, channel_line_ids, our_transaction_ids,
                                      currency, channel_amount, our_amount, system_reason, first_run_id, last_run_id)
     SELECT 'rdis_' || g.id, g.channel, g.post_date, g.match_key, g.id, g.reasons, g.facts, g.channel_line_ids, g.our_transaction_ids,
            coalesce(nullif(g.facts->'currency'->>'channel', '*'), g.facts->'currency'->>'ours'),
            (g.facts->'amount'->>'channel')::bigint, (g.facts->'amount'->>'ours')::bigint,
            array_to_string(g.reasons, ', '), $2, $2
       FROM recon_match_groups g
      WHERE g.channel = $1 AND g.run_id = $2 AND g.status = 'discrepant'
     ON CONFLICT (channel, post_date, match_key) DO UPDATE
        SET match_group_id = excluded.match_group_id, reasons = excluded.reasons, fields = excluded.fields,
            channel_line_ids = excluded.channel_line_ids, our_transaction_ids = excluded.our_transaction_ids,
            currency = excluded.currency, channel_amount = excluded.channel_amount, our_amount = excluded.our_amount,
            system_reason = excluded.system_reason, last_run_id = excluded.last_run_id, updated_at = now()`,
    [channel, runId],
  );
  return rowCount ?? 0;
}
