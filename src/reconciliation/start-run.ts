import { sql } from 'kysely';
import { newId } from '../db/index.ts';
import { KessaiError } from '../errors/index.ts';
import { DBOS } from '../workflows/index.ts';
import { actorLabel, isUniqueViolation, type Actor, type ReconciliationContext } from './context.ts';
import type { RunInput, RunWorkflow } from './run-workflow.ts';

export interface RunRequest {
  channel: string;
  postDate: string;
  /** The run's clock; defaults to now. Tests and back-fills set it. */
  asOf?: Date;
  /** A fixed id (the daily schedule derives one from its tick, so one tick starts one run). */
  runId?: string;
  /** The day is reconciled again after its FX rate changed: its untouched groups are decided afresh. */
  redo?: 'fx_rate_changed';
}

/**
 * Reserves the run of a channel and post date: its row, as `running`. A second request while one
 * runs is refused by the database (a unique index over running runs), naming the run under way.
 * `created` is false when a run of that id exists already (a retried request or step).
 */
export async function reserveRun(ctx: ReconciliationContext, request: RunRequest, actor: Actor): Promise<{ id: string; created: boolean; input: RunInput }> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(request.postDate) || Number.isNaN(Date.parse(request.postDate))) {
    throw new KessaiError('KS_ERR_VALIDATION', 'post_date must be a date, YYYY-MM-DD', { field: 'post_date' });
  }
  const id = request.runId ?? newId('rrun');
  const asOf = request.asOf ?? ctx.now();
  const input: RunInput = { runId: id, channel: request.channel, postDate: request.postDate, asOf: asOf.toISOString(), ...(request.redo ? { redo: request.redo } : {}) };
  try {
    const inserted = await ctx.db
      .insertInto('recon_runs')
      .values({ id, channel: request.channel, post_date: request.postDate, status: 'running', requested_by: actorLabel(actor), as_of: asOf, summary: '{}' })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return { id, created: Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0, input };
  } catch (err) {
    if (!isUniqueViolation(err, 'recon_runs_one_at_a_time')) throw err;
    const running = await ctx.db
      .selectFrom('recon_runs')
      .select(['id', sql<Date>`started_at`.as('started_at')])
      .where('channel', '=', request.channel)
      .where('post_date', '=', request.postDate)
      .where('status', '=', 'running')
      .executeTakeFirst();
    throw new KessaiError('KS_ERR_RECONCILIATION_RUN_IN_PROGRESS', `${request.channel} ${request.postDate} is being reconciled by ${running?.id ?? 'another run'}; wait for it to finish`, {
      run_id: running?.id ?? null,
    });
  }
}

/** Starts a reserved run's workflow (workflow id = run id, so starting it twice starts it once). */
export async function launchRun(ctx: ReconciliationContext, workflow: RunWorkflow, input: RunInput): Promise<void> {
  try {
    await DBOS.startWorkflow(workflow, { workflowID: input.runId })(input);
  } catch (err) {
    await ctx.db.updateTable('recon_runs').set({ status: 'failed', error: `could not start: ${(err as Error).message}`, completed_at: new Date() }).where('id', '=', input.runId).execute();
    throw err;
  }
}

/** Starts the run of a channel and post date (outside a workflow: a request, the CLI). */
export async function startRun(ctx: ReconciliationContext, workflow: RunWorkflow, request: RunRequest, actor: Actor): Promise<{ id: string; created: boolean }> {
  const reserved = await reserveRun(ctx, request, actor);
  if (reserved.created) await launchRun(ctx, workflow, reserved.input);
  return { id: reserved.id, created: reserved.created };
}

/**
 * The same from inside a workflow (the daily tick, FX re-runs): the reservation is a step (so a
 * recovered workflow does not reserve twice), the start is the workflow's own call, as DBOS wants
 * child workflows started. `step` sets the step's name and retries.
 */
export async function startRunInWorkflow(
  ctx: ReconciliationContext,
  workflow: RunWorkflow,
  request: RunRequest,
  actor: Actor,
  step: { name: string; retriesAllowed?: boolean; maxAttempts?: number; intervalSeconds?: number; backoffRate?: number },
): Promise<{ id: string; created: boolean }> {
  const reserved = await DBOS.runStep(() => reserveRun(ctx, request, actor), step);
  await launchRun(ctx, workflow, reserved.input);
  return { id: reserved.id, created: reserved.created };
}

/**
 * Waits for a run's workflow to end (CLI, tests); the run row has the outcome. A run with no
 * workflow (one recorded as failed before it could start) returns at once instead of waiting for
 * a workflow that will never exist.
 */
export async function waitForRun(runId: string): Promise<void> {
  if (!(await DBOS.getWorkflowStatus(runId))) return;
  try {
    await DBOS.retrieveWorkflow(runId).getResult();
  } catch {
    // A failed run is recorded on its row; the caller reads it.
  }
}
