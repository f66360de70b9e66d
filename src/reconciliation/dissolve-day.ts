import type { PoolClient } from '../db/index.ts';

export interface Dissolved {
  /** Matched and discrepant groups of the day taken apart, to be matched again. */
  groups: number;
  /** Pending discrepancies nobody had acted on, removed with their groups (a re-run finds them again if they still differ). */
  discrepancies_removed: number;
  /** Discrepancies an operator is handling (or handled): kept with their groups, not decided again. */
  discrepancies_kept: number;
}

/** A discrepancy is an operator's once anyone acted on it: a state change, an operator, a note, evidence, a correction. */
const UNTOUCHED = `d.state = 'pending' AND d.operator IS NULL
  AND NOT EXISTS (SELECT 1 FROM recon_discrepancy_actions a WHERE a.discrepancy_id = d.id)
  AND NOT EXISTS (SELECT 1 FROM recon_discrepancy_evidence e WHERE e.discrepancy_id = d.id)`;

/**
 * Before a day is reconciled again (its FX rate changed), its settled groups are taken apart so
 * that the run decides them afresh: matched groups, and discrepant groups whose discrepancy no
 * operator has touched (removed with them). A discrepancy an operator is handling keeps its group
 * and its lines stay settled: the handling is not pulled from under them. Expected groups are left
 * to the run, which dissolves them itself and keeps their `expected_since`.
 *
 * A day's groups here are those whose latest line is of that day, whatever their own post date
 * (their earliest): a group holding lines of days D and X was made by a run that saw X, and only
 * X's run sees all its lines again; D's run leaves it to X's (`withLaterGroupDays` re-runs X). In
 * the caller's transaction, under the channel's match lock.
 */
export async function dissolveDay(client: PoolClient, channel: string, postDate: string, lookBackDays: number): Promise<Dissolved> {
  await client.query(`SELECT pg_advisory_xact_lock(hashtext('kessai.reconciliation'), hashtext($1))`, [channel]);
  const { rows } = await client.query<{ groups: number; removed: number; kept: number }>(
    `WITH day_groups AS MATERIALIZED (
       SELECT g.id, g.post_date, g.match_key FROM recon_match_groups g
        WHERE g.channel = $1 AND g.post_date BETWEEN $2::date - $3::int AND $2::date AND g.status IN ('matched', 'discrepant')
          AND coalesce((SELECT max(l.post_date) FROM recon_channel_lines l WHERE l.id = ANY (g.channel_line_ids)), g.post_date) = $2::date
     ),
     kept AS (
       SELECT DISTINCT dg.id FROM day_groups dg
         JOIN recon_discrepancies d ON d.channel = $1 AND d.post_date = dg.post_date AND d.match_key = dg.match_key
        WHERE NOT (${UNTOUCHED})
     ),
     doomed AS (SELECT * FROM day_groups WHERE id NOT IN (SELECT id FROM kept)),
     removed AS (DELETE FROM recon_discrepancies d USING doomed WHERE d.channel = $1 AND d.post_date = doomed.post_date AND d.match_key = doomed.match_key RETURNING 1),
     groups AS (DELETE FROM recon_match_groups g USING doomed WHERE g.id = doomed.id RETURNING 1)
     SELECT (SELECT count(*) FROM groups)::int AS groups, (SELECT count(*) FROM removed)::int AS removed, (SELECT count(*) FROM kept)::int AS kept`,
    [channel, postDate, lookBackDays],
  );
  return { groups: rows[0]!.groups, discrepancies_removed: rows[0]!.removed, discrepancies_kept: rows[0]!.kept };
}
