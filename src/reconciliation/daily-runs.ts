import { sql } from 'kysely';
import { SYSTEM, type ReconciliationContext } from './context.ts';
import { shiftDate } from './match-window.ts';
import type { RunWorkflow } from './run-workflow.ts';
import { startRunInWorkflow } from './start-run.ts';
import { DBOS } from '../workflows/index.ts';

/**
 * The daily tick (run inside its workflow): reconciles yesterday for every channel that imported a
 * file in the last month. Run ids derive from the tick, so processes ticking together start each
 * run once; a channel whose day is being reconciled already is skipped (it is being done).
 */
export async function startDailyRuns(ctx: ReconciliationContext, workflow: RunWorkflow, scheduledAt: Date): Promise<string[]> {
  const day = shiftDate(scheduledAt.toISOString().slice(0, 10), -1);
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
  return started;
}
