import { sql } from 'kysely';
import { DBOS, DBOS_SCHEMA } from '../workflows/index.ts';
import { SYSTEM } from './context.ts';
import type { CheckoutWorkflow } from './checkout-workflow.ts';
import type { CheckoutRunContext } from './run-context.ts';
import { inputOf } from './start-checkout.ts';

/**
 * A run is written before its workflow is started; a process that dies between the two leaves a
 * `running` run that DBOS knows nothing of, so recovery would never find it. This finds such
 * runs (older than `minAgeSeconds`, so a request still starting one is left alone) and starts
 * their workflows. Run at start and on the status-sync schedule.
 */
export async function resumeOrphanedCheckouts(ctx: CheckoutRunContext, workflow: CheckoutWorkflow, minAgeSeconds: number): Promise<string[]> {
  const orphans = await ctx.db
    .selectFrom('checkouts')
    .selectAll()
    .where('status', '=', 'running')
    .where('created_at', '<=', sql<Date>`now() - make_interval(secs => ${minAgeSeconds})`)
    .where(({ not, exists }) => not(exists(sql`(SELECT 1 FROM ${sql.table(`${DBOS_SCHEMA}.workflow_status`)} w WHERE w.workflow_uuid = checkouts.id)`)))
    .limit(500)
    .execute();
  for (const row of orphans) {
    ctx.logger.warn({ checkout_id: row.id }, 'starting a checkout run whose process died before starting it');
    await DBOS.startWorkflow(workflow, { workflowID: row.id })(inputOf(row, SYSTEM));
  }
  return orphans.map((r) => r.id);
}
