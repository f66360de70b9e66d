import { KessaiError } from '../errors/index.ts';
import { listEvents } from '../events/index.ts';
import { DBOS } from '../workflows/index.ts';
import type { CheckoutContext } from './context.ts';
import { ATTENTION_STEPS, CHECKOUT_STEPS, COMPENSATION_STEPS } from './checkout-workflow.ts';
import { presentCheckout, type StepView } from './checkout-view.ts';
import { CHECKOUT_STATUSES, type CheckoutRow, type CheckoutStatus } from './tables.ts';

const STEP_NAMES = new Set<string>([...CHECKOUT_STEPS, ...COMPENSATION_STEPS, ...ATTENTION_STEPS]);

export async function findCheckout(ctx: CheckoutContext, checkoutId: string): Promise<CheckoutRow> {
  const row = await ctx.db.selectFrom('checkouts').selectAll().where('id', '=', checkoutId).executeTakeFirst();
  if (!row) throw new KessaiError('KS_ERR_CHECKOUT_NOT_FOUND', `No checkout ${checkoutId}`);
  return row;
}

/** The run's steps as DBOS recorded them (a refusal returned as data counts as failed). */
export async function runSteps(checkoutId: string): Promise<Array<StepView & { functionId: number }>> {
  const steps = (await DBOS.listWorkflowSteps(checkoutId)) ?? [];
  return steps
    .filter((s) => STEP_NAMES.has(s.name))
    .map((s) => {
      const refused = s.output && typeof s.output === 'object' && (s.output as { ok?: unknown }).ok === false ? (s.output as { error: { code: string; message: string } }).error : null;
      const error = s.error ? { code: 'KS_ERR_CHECKOUT_STEP_FAILED', message: s.error.message } : refused ? { code: refused.code, message: refused.message } : null;
      return {
        functionId: s.functionID,
        name: s.name,
        status: error ? ('failed' as const) : ('succeeded' as const),
        error,
        started_at: s.startedAtEpochMs ? new Date(s.startedAtEpochMs).toISOString() : null,
        completed_at: s.completedAtEpochMs ? new Date(s.completedAtEpochMs).toISOString() : null,
      };
    });
}

/** A run with every step and its outcome, and the run's timeline. */
export async function getCheckout(ctx: CheckoutContext, checkoutId: string) {
  const row = await findCheckout(ctx, checkoutId);
  const [steps, events, workflow] = await Promise.all([
    runSteps(checkoutId),
    listEvents(ctx.db, checkoutId),
    row.status === 'needs_attention' ? DBOS.getWorkflowStatus(checkoutId) : Promise.resolve(null),
  ]);
  return {
    ...presentCheckout(
      row,
      steps.map(({ functionId: _, ...s }) => s),
      events,
    ),
    // False for the moment between being flagged and the workflow's end (operations still being told).
    rerunnable: row.status === 'needs_attention' && (workflow?.status === 'SUCCESS' || workflow?.status === 'ERROR'),
  };
}

export function isCheckoutStatus(v: string): v is CheckoutStatus {
  return (CHECKOUT_STATUSES as readonly string[]).includes(v);
}

/** Runs, newest first (needs attention: oldest first, the queue's order), with a cursor. */
export async function listCheckouts(ctx: CheckoutContext, filter: { status?: CheckoutStatus; cartId?: string; limit: number; startingAfter?: string }) {
  const queue = filter.status === 'needs_attention';
  let q = ctx.db.selectFrom('checkouts').selectAll();
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.cartId) q = q.where('cart_id', '=', filter.cartId);
  if (filter.startingAfter) {
    const after = await findCheckout(ctx, filter.startingAfter);
    const key = queue ? (after.attention_since ?? after.updated_at) : after.created_at;
    q = queue
      ? q.where((eb) => eb.or([eb('attention_since', '>', key), eb.and([eb('attention_since', '=', key), eb('id', '>', after.id)])]))
      : q.where((eb) => eb.or([eb('created_at', '<', key), eb.and([eb('created_at', '=', key), eb('id', '<', after.id)])]));
  }
  q = queue ? q.orderBy('attention_since', 'asc').orderBy('id', 'asc') : q.orderBy('created_at', 'desc').orderBy('id', 'desc');
  const rows = await q.limit(filter.limit + 1).execute();
  const page = rows.slice(0, filter.limit);
  return { data: page.map((r) => presentCheckout(r)), has_more: rows.length > filter.limit, next_cursor: rows.length > filter.limit ? page.at(-1)!.id : null };
}
