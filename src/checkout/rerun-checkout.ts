import { sql } from 'kysely';
import { KessaiError } from '../errors/index.ts';
import { appendEvent } from '../events/index.ts';
import { DBOS } from '../workflows/index.ts';
import { actorLabel, type Actor } from './context.ts';
import { findCheckout, runSteps } from './get-checkout.ts';
import type { CheckoutRunContext } from './run-context.ts';
import type { CheckoutRow } from './tables.ts';

/**
 * Re-runs a run that needs attention from its failed step, once an operator has fixed the cause.
 * The workflow is rewound in place to that step: every step before it keeps its recorded result
 * and is not executed again (one authorization, one order, one mail). Two operators clicking at
 * once: the conditional update lets one through, the other gets `KS_ERR_CHECKOUT_NOT_RERUNNABLE`.
 */
export async function rerunCheckout(ctx: CheckoutRunContext, checkoutId: string, actor: Actor, note: string | null): Promise<CheckoutRow> {
  const row = await findCheckout(ctx, checkoutId);
  if (row.status !== 'needs_attention' || !row.failed_step) {
    throw new KessaiError('KS_ERR_CHECKOUT_NOT_RERUNNABLE', `Checkout ${checkoutId} is ${row.status}; only a run that needs attention can be re-run`, { status: row.status });
  }
  const workflow = await DBOS.getWorkflowStatus(checkoutId);
  if (workflow && workflow.status !== 'SUCCESS' && workflow.status !== 'ERROR') {
    throw new KessaiError('KS_ERR_CHECKOUT_NOT_RERUNNABLE', `Checkout ${checkoutId} is still finishing (notifying the operations channel); retry in a moment`, { status: row.status });
  }
  const failed = (await runSteps(checkoutId)).filter((s) => s.name === row.failed_step).at(-1);
  if (!failed) throw new KessaiError('KS_ERR_CHECKOUT_NOT_RERUNNABLE', `Checkout ${checkoutId} has no recorded step ${row.failed_step}`, { status: row.status });
  const claimed = await ctx.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('checkouts')
      .set((eb) => ({ status: 'running', reruns: eb('reruns', '+', 1), updated_at: sql`now()` }))
      .where('id', '=', checkoutId)
      .where('status', '=', 'needs_attention')
      .returningAll()
      .executeTakeFirst();
    if (updated) {
      await appendEvent(trx, { type: 'checkout.rerun', aggregateId: checkoutId, data: { from_step: row.failed_step, previous_error: row.error, note }, actor: actorLabel(actor) });
    }
    return updated;
  });
  if (!claimed) throw new KessaiError('KS_ERR_CHECKOUT_NOT_RERUNNABLE', `Checkout ${checkoutId} changed meanwhile (another re-run?)`, { status: 'running' });
  try {
    await DBOS.rewindWorkflow(checkoutId, { startStep: failed.functionId });
  } catch (err) {
    await ctx.db.updateTable('checkouts').set({ status: 'needs_attention', updated_at: sql`now()` }).where('id', '=', checkoutId).where('status', '=', 'running').execute();
    throw err;
  }
  return claimed;
}
