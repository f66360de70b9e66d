import { withTransaction } from '../db/index.ts';
import { DBOS } from '../workflows/index.ts';
import { copyMoneyMovements } from './copy-money-movements.ts';
import type { ReconciliationContext } from './context.ts';
import { recomputeDays, recordDiscrepancies } from './day-results.ts';
import { dissolveDay, type Dissolved } from './dissolve-day.ts';
import { matchWindow, shiftDate } from './match-window.ts';
import { notifyRunCompleted, type RunNotices } from './notify-run.ts';

export interface RunInput {
  runId: string;
  channel: string;
  postDate: string;
  /** The run's clock, fixed when it was requested, so a resumed run decides as the first attempt would. */
  asOf: string;
  /** Why the day is reconciled again, when its settled groups are to be decided afresh (its FX rate changed). */
  redo?: 'fx_rate_changed';
}

export interface RunSummary {
  copied_from_payments: number;
  matched: number;
  discrepant: number;
  expected: number;
  discrepancies_recorded: number;
  days_recomputed: string[];
  /** A re-run after an FX rate change: what was taken apart first, and what an operator's handling kept. */
  redo?: { reason: string } & Dissolved;
}

/** From this many groups in a run, the day's results are computed with hash joins (see recomputeDays). */
const BULK_GROUPS = 50_000;

const RETRIES = { retriesAllowed: true, maxAttempts: 3, intervalSeconds: 0.5, backoffRate: 2 } as const;

/** The steps of a run, in order (docs/reconciliation.md). */
export const RUN_STEPS = ['copy-our-side', 'match', 'finish', 'notify-operations'] as const;

/**
 * A reconciliation run as a DBOS workflow (id = run id): each step is one transaction whose result
 * is checkpointed, so a run interrupted by a crash resumes after its last finished step. `match`
 * is safe to repeat: what it settled is not matched again, and the groups it left expected are
 * dissolved and tried again.
 */
export function registerRunWorkflow(ctx: ReconciliationContext, notices: RunNotices) {
  async function run(input: RunInput): Promise<RunSummary> {
    try {
      const copied = await DBOS.runStep(
        () => {
          // Our side of the whole look-back window and up to the run's day (late captures).
          const from = new Date(`${shiftDate(input.postDate, -3 * ctx.settings.lookBackDays - 1)}T00:00:00Z`);
          const to = new Date(`${shiftDate(input.asOf.slice(0, 10), 2)}T00:00:00Z`);
          return copyMoneyMovements(ctx, { from, to });
        },
        { name: 'copy-our-side', ...RETRIES },
      );
      const matched = await DBOS.runStep(
        () =>
          withTransaction(ctx.pool, async (client) => {
            const scope = { channel: input.channel, postDate: input.postDate, asOf: input.asOf.slice(0, 10), lookBackDays: ctx.settings.lookBackDays, runId: input.runId };
            const dissolved = input.redo ? await dissolveDay(client, input.channel, input.postDate, ctx.settings.lookBackDays) : null;
            const outcome = await matchWindow(client, scope, ctx.feeRules);
            const recorded = await recordDiscrepancies(client, input.channel, input.runId);
            const grouped = outcome.matched + outcome.discrepant + outcome.expected;
            await recomputeDays(client, input.channel, outcome.days, input.runId, { bulk: grouped >= BULK_GROUPS });
            return { ...outcome, recorded, dissolved };
          }),
        { name: 'match', ...RETRIES },
      );
      const summary: RunSummary = {
        copied_from_payments: copied,
        matched: matched.matched,
        discrepant: matched.discrepant,
        expected: matched.expected,
        discrepancies_recorded: matched.recorded,
        days_recomputed: matched.days,
        ...(input.redo && matched.dissolved ? { redo: { reason: input.redo, ...matched.dissolved } } : {}),
      };
      await DBOS.runStep(
        async () => {
          await ctx.db.updateTable('recon_runs').set({ status: 'completed', summary: JSON.stringify(summary), completed_at: new Date() }).where('id', '=', input.runId).execute();
        },
        { name: 'finish', ...RETRIES },
      );
      try {
        // A step: a recovered run finds it done and does not post again (only a crash between the
        // POST and its checkpoint can repeat it: Slack-compatible webhooks have no idempotency key).
        await DBOS.runStep(() => notifyRunCompleted(ctx, notices, input.runId), { name: 'notify-operations', retriesAllowed: true, maxAttempts: 5, intervalSeconds: 1, backoffRate: 2 });
      } catch (err) {
        // The run is complete whatever the channel answers; the notice is not worth failing it.
        ctx.logger.error({ err, run_id: input.runId }, 'could not notify the operations channel of a completed run');
      }
      return summary;
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      await DBOS.runStep(
        async () => {
          await ctx.db.updateTable('recon_runs').set({ status: 'failed', error: message.slice(0, 2000), completed_at: new Date() }).where('id', '=', input.runId).execute();
        },
        { name: 'fail', ...RETRIES },
      );
      throw err;
    }
  }
  return DBOS.registerWorkflow(run, { name: 'reconciliation.run' });
}

export type RunWorkflow = ReturnType<typeof registerRunWorkflow>;
