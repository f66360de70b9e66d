import { newId } from '../../db/index.ts';
import { isKessaiError } from '../../errors/index.ts';
import { actorLabel, type Actor } from '../../events/index.ts';
import { DBOS } from '../../workflows/index.ts';
import type { ReconciliationContext } from '../context.ts';
import type { RunWorkflow } from '../run-workflow.ts';
import { startRunInWorkflow } from '../start-run.ts';

export interface RateChange {
  date: string;
  base: string;
  quote: string;
}

export interface DayRerun {
  channel: string;
  post_date: string;
  run_id: string;
}

export interface Reruns {
  /** The durable workflow starting the runs (it waits for a run of the same day already under way). */
  workflow_id: string | null;
  days: DayRerun[];
}

interface RerunInput {
  days: DayRerun[];
  /** Who changed the rate: the runs are theirs. */
  actor: Actor;
}

// A run of the same channel and day under way is waited for: up to ~10 minutes of retries.
const WAIT_FOR_RUNNING = { retriesAllowed: true, maxAttempts: 10, intervalSeconds: 2, backoffRate: 1.6 } as const;

/** Lines `l` checked against the day's rate: cross-currency, matched, stating no rate of their own. */
const CHECKED_AT_DAY_RATE = `l.fx_expected_settlement IS NULL AND l.settlement_currency <> l.transaction_currency AND l.match_class IS NOT NULL`;

type ChannelDay = { channel: string; post_date: string };

/**
 * The days a rate change touches: every channel and post date with lines in that pair on that
 * date that state no rate of their own (they are checked against the day's rate), and the later
 * days whose runs settled such lines together with their own (`withLaterGroupDays`).
 */
export async function affectedDays(ctx: ReconciliationContext, changes: RateChange[]): Promise<ChannelDay[]> {
  if (changes.length === 0) return [];
  const { rows } = await ctx.pool.query<ChannelDay>(
    `SELECT DISTINCT l.channel, l.post_date::text AS post_date
       FROM recon_channel_lines l
       JOIN unnest($1::date[], $2::text[], $3::text[]) AS c(d, base, quote)
         ON l.post_date = c.d AND l.transaction_currency = c.base AND l.settlement_currency = c.quote
      WHERE ${CHECKED_AT_DAY_RATE}
      ORDER BY 2, 1`,
    [changes.map((c) => c.date), changes.map((c) => c.base), changes.map((c) => c.quote)],
  );
  return withLaterGroupDays(ctx, rows);
}

/**
 * `days`, and for each the later days of its lines' groups: a group holding a day D line checked
 * at D's rate together with lines of a later day X was made by a run that saw day X (D's run does
 * not see X's lines), so only X's re-run can take it apart and decide it again (`dissolveDay`
 * dissolves a group at the day of its latest line). Sorted by day, then channel: earlier days
 * first.
 */
export async function withLaterGroupDays(ctx: ReconciliationContext, days: ChannelDay[]): Promise<ChannelDay[]> {
  if (days.length === 0) return days;
  const { rows } = await ctx.pool.query<ChannelDay>(
    `WITH d AS (SELECT * FROM unnest($1::text[], $2::date[]) AS d(channel, post_date)),
     later AS (
       SELECT DISTINCT g.channel, latest.post_date
         FROM d
         JOIN recon_match_groups g ON g.channel = d.channel AND g.post_date BETWEEN d.post_date - $3::int AND d.post_date
                                  AND g.status IN ('matched', 'discrepant')
         CROSS JOIN LATERAL (SELECT max(m.post_date) AS post_date FROM recon_channel_lines m WHERE m.id = ANY (g.channel_line_ids)) latest
        WHERE latest.post_date > d.post_date
          AND EXISTS (SELECT 1 FROM recon_channel_lines l WHERE l.id = ANY (g.channel_line_ids) AND l.post_date = d.post_date AND ${CHECKED_AT_DAY_RATE}))
     SELECT channel, post_date::text AS post_date FROM d UNION SELECT channel, post_date::text FROM later
      ORDER BY 2, 1`,
    [days.map((d) => d.channel), days.map((d) => d.post_date), ctx.settings.lookBackDays],
  );
  return rows;
}

/**
 * Channel days since `since` that were reconciled before the FX rate they are checked against
 * last changed: a rate loaded or overridden (its `loaded_at`), or an override taken back (its
 * `fx_rate.override_removed` event, written in the same transaction as the removal: the rate that
 * comes back into force keeps its older `loaded_at`, and there may be none). An override or a load
 * re-runs the days it touches at once (`registerFxReruns`); this catches, at the next daily tick,
 * a re-run that never started — the process died between the rate's commit and the start of its
 * workflow.
 */
export async function staleFxDays(ctx: ReconciliationContext, since: string): Promise<ChannelDay[]> {
  const { rows } = await ctx.pool.query<ChannelDay>(
    `WITH pairs AS (
       SELECT DISTINCT l.channel, l.post_date, l.transaction_currency AS base, l.settlement_currency AS quote
         FROM recon_channel_lines l
        WHERE ${CHECKED_AT_DAY_RATE} AND l.post_date >= $1::date),
     days AS (
       SELECT p.channel, p.post_date, max(greatest(r.loaded_at, e.removed_at)) AS rate_changed_at
         FROM pairs p
         LEFT JOIN fx_rates_effective r ON r.rate_date = p.post_date AND r.base = p.base AND r.quote = p.quote
         -- By the event's aggregate id (indexed), as overrideRate writes it.
         LEFT JOIN LATERAL (SELECT max(e.created_at) AS removed_at FROM events e
                             WHERE e.aggregate_id = 'fx:' || to_char(p.post_date, 'YYYY-MM-DD') || ':' || p.base || '/' || p.quote
                               AND e.type = 'fx_rate.override_removed') e ON true
        GROUP BY 1, 2)
     SELECT d.channel, d.post_date::text AS post_date
       FROM days d
       JOIN LATERAL (SELECT max(x.started_at) AS last_run FROM recon_runs x
                      WHERE x.channel = d.channel AND x.post_date = d.post_date AND x.status IN ('completed', 'running')) x ON true
      WHERE x.last_run IS NOT NULL AND x.last_run < d.rate_changed_at
      ORDER BY 2, 1`,
    [since],
  );
  return withLaterGroupDays(ctx, rows);
}

/**
 * After a day's FX rate changed (an override, or a load that changed it): each affected channel
 * and day is reconciled again by a normal run (so one run per channel and day still holds) that
 * first takes apart the day's groups no operator has touched. Runs are started by a durable
 * workflow; a day whose run is under way is retried until that run ends, and a day that still
 * cannot start is recorded as a failed run saying why.
 */
export function registerFxReruns(ctx: ReconciliationContext, runWorkflow: RunWorkflow) {
  async function rerun(input: RerunInput): Promise<Array<DayRerun & { started: boolean; error?: string }>> {
    const out: Array<DayRerun & { started: boolean; error?: string }> = [];
    for (const day of input.days) {
      try {
        await startRunInWorkflow(ctx, runWorkflow, { channel: day.channel, postDate: day.post_date, runId: day.run_id, redo: 'fx_rate_changed' }, input.actor, {
          name: `rerun ${day.channel} ${day.post_date}`,
          ...WAIT_FOR_RUNNING,
        });
        out.push({ ...day, started: true });
      } catch (err) {
        const message = isKessaiError(err) ? err.message : (err as Error).message;
        await DBOS.runStep(
          async () => {
            await ctx.db
              .insertInto('recon_runs')
              .values({ id: day.run_id, channel: day.channel, post_date: day.post_date, status: 'failed', requested_by: actorLabel(input.actor), as_of: ctx.now(), summary: '{}', error: `FX re-run not started: ${message}`.slice(0, 2000), completed_at: new Date() })
              .onConflict((oc) => oc.column('id').doNothing())
              .execute();
          },
          { name: `record ${day.channel} ${day.post_date}` },
        );
        ctx.logger.error({ err, channel: day.channel, post_date: day.post_date }, 'FX re-run of a day could not start');
        out.push({ ...day, started: false, error: message });
      }
    }
    return out;
  }
  const workflow = DBOS.registerWorkflow(rerun, { name: 'reconciliation.fx-rerun' });

  /** The hook of the FX rates: finds the affected days and starts their re-runs. */
  return async function onRatesChanged(changes: RateChange[], actor: Actor): Promise<Reruns> {
    const days = await affectedDays(ctx, changes);
    if (days.length === 0) return { workflow_id: null, days: [] };
    const workflowId = newId('rfxr');
    const planned = days.map((d, i) => ({ ...d, run_id: `rrun_${workflowId.slice(5)}_${i + 1}` }));
    await DBOS.startWorkflow(workflow, { workflowID: workflowId })({ days: planned, actor: { type: actor.type, id: actor.id, name: actor.name } });
    return { workflow_id: workflowId, days: planned };
  };
}
