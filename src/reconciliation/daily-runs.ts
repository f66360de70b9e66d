import { sql } from 'kysely';
import { SYSTEM, type ReconciliationContext } from './context.ts';
import { shiftDate } from './match-window.ts';
import type { RunWorkflow } from './run-workflow.ts';
import { startRunInWorkflow } from './start-run.ts';
import { staleFxDays } from './fx/rerun-days.ts';
import { DBOS } from '../workflows/index.ts';

/**
 * The daily tick (run inside its workflow): fetches yesterday's FX rates from the HTTP source when
 * one is configured, reconciles yesterday for every channel that imported a file in the last
 * month, then re-runs the days whose FX rate changed after their last run (see
 * `staleFxDays`). Run ids derive from the tick, so processes ticking together start each run once;
 * a channel whose day is being reconciled already is skipped (it is being done).
 */
export async function startDailyRuns(ctx: ReconciliationContext, workflow: RunWorkflow, scheduledAt: Date, fetchDayRates?: (day: string) => Promise<unknown>): Promise<string[]> {
  const day = shiftDate(scheduledAt.toISOString().slice(0, 10), -1);
  if (fetchDayRates) {
    // Yesterday's rates first, so its runs check FX against them. A source that fails does not
    // stop the runs: lines without a rate get no FX verdict, and a later load re-runs the day.
    await DBOS.runStep(
      () =>
        fetchDayRates(day).catch((err: unknown) => {
          ctx.logger.warn({ err, day }, 'FX rates not fetched from the HTTP source');
        }),
      { name: 'fetch-fx-rates' },
    );
  }
  const channels = await DBOS.runStep(
    async () =>
      (
        await ctx.db
          .selectFrom('recon_files')
          .select('channel')
          .distinct()
          .where('side', '=', 'channel')
          .where('uploaded_at', '>', sql<Date>`now() - interval '31 days'`)
          .orderBy('channel')
          .execute()
      ).map((r) => r.channel),
    { name: 'list-channels' },
  );
  const started: string[] = [];
  for (const channel of channels) {
    const runId = `rrun_daily_${channel.replace(/[^a-z0-9]/g, '_')}_${day}`;
    try {
      const r = await startRunInWorkflow(ctx, workflow, { channel, postDate: day, asOf: scheduledAt, runId }, SYSTEM, { name: `start ${channel}` });
      if (r.created) started.push(r.id);
    } catch (err) {
      ctx.logger.warn({ err, channel, post_date: day }, 'daily reconciliation not started');
    }
  }
  const stale = await DBOS.runStep(() => staleFxDays(ctx, shiftDate(day, -61)), { name: 'list-fx-stale-days' });
  const tick = scheduledAt.toISOString().slice(0, 10);
  for (const d of stale) {
    const runId = `rrun_fxsweep_${d.channel.replace(/[^a-z0-9]/g, '_')}_${d.post_date}_${tick}`;
    try {
      const r = await startRunInWorkflow(ctx, workflow, { channel: d.channel, postDate: d.post_date, runId, redo: 'fx_rate_changed' }, SYSTEM, { name: `fx re-run ${d.channel} ${d.post_date}` });
      if (r.created) started.push(r.id);
    } catch (err) {
      ctx.logger.warn({ err, channel: d.channel, post_date: d.post_date }, 'FX re-run of a stale day not started');
    }
  }
  return started;
}
