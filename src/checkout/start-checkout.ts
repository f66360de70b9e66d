import { createHash } from 'node:crypto';
import { KessaiError } from '../errors/index.ts';
import { DBOS } from '../workflows/index.ts';
import { actorLabel, type Actor } from './context.ts';
import type { CheckoutInput } from './checkout-steps.ts';
import type { CheckoutWorkflow, RunOutcome } from './checkout-workflow.ts';
import { findCart } from './get-cart.ts';
import type { CheckoutRunContext } from './run-context.ts';
import type { CheckoutRequest, CheckoutRow } from './tables.ts';

/** Same request, same hash, whatever the key order. */
function requestHash(request: CheckoutRequest): string {
  const canonical = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, canonical(x)])) : v;
  return createHash('sha256').update(JSON.stringify(canonical(request))).digest('hex');
}

const suffix = (cartId: string) => cartId.replace(/^cart_/, '');

export function inputOf(row: CheckoutRow, actor: Actor): CheckoutInput {
  return { checkoutId: row.id, cartId: row.cart_id, orderId: row.order_id, reservationId: row.id, currency: row.currency, request: row.request, actor };
}

/**
 * Starts a cart's checkout, or finds the one already under way. The run's id (and the DBOS
 * workflow's) is derived from the cart and the attempt number, and a cart has one live run at
 * a time (a unique index), so a double click or a retried request gets the same run and the
 * same single charge. After a run failed (compensated, cart intact) the next request is the
 * cart's next attempt. A different request while a run is live is refused.
 */
export async function startCheckout(ctx: CheckoutRunContext, workflow: CheckoutWorkflow, cartId: string, request: CheckoutRequest, actor: Actor): Promise<{ row: CheckoutRow; created: boolean }> {
  const hash = requestHash(request);
  for (let tries = 0; tries < 3; tries++) {
    const live = await ctx.db.selectFrom('checkouts').selectAll().where('cart_id', '=', cartId).where('status', '<>', 'failed').executeTakeFirst();
    if (live) {
      if (live.request_hash !== hash) {
        throw new KessaiError('KS_ERR_CHECKOUT_IN_PROGRESS', `Cart ${cartId} already has checkout ${live.id} (${live.status}) with other details`, { checkout_id: live.id, status: live.status });
      }
      // Started here unless DBOS has it: the process that inserted the row may have died first.
      if (live.status === 'running' && !(await DBOS.getWorkflowStatus(live.id))) await launch(workflow, live, actor);
      return { row: live, created: false };
    }
    const cart = await findCart(ctx, cartId);
    if (cart.deleted_at) throw new KessaiError('KS_ERR_CART_DELETED', `Cart ${cartId} was deleted at ${cart.deleted_at.toISOString()}`, { cart_id: cartId });
    const last = await ctx.db.selectFrom('checkouts').select((eb) => eb.fn.max('attempt').as('attempt')).where('cart_id', '=', cartId).executeTakeFirst();
    const attemptNo = (last?.attempt ?? 0) + 1;
    const id = `chk_${suffix(cartId)}_${attemptNo}`;
    const row = await ctx.db
      .insertInto('checkouts')
      .values({
        id,
        cart_id: cartId,
        attempt: attemptNo,
        status: 'running',
        request: JSON.stringify(request),
        request_hash: hash,
        order_id: `ord_${suffix(cartId)}_${attemptNo}`,
        currency: cart.currency,
        created_by: actorLabel(actor),
      })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) continue; // a twin request inserted it first: take its run
    await launch(workflow, row, actor);
    return { row, created: true };
  }
  throw new KessaiError('KS_ERR_CHECKOUT_IN_PROGRESS', `Cart ${cartId} is being checked out by another request; retry`, { cart_id: cartId });
}

/** Runs started by this process: their results are awaited directly instead of polled for. */
const liveRuns = new Map<string, Promise<RunOutcome>>();

/** Starting a workflow under an id that exists returns the existing one: never two runs. */
async function launch(workflow: CheckoutWorkflow, row: CheckoutRow, actor: Actor): Promise<void> {
  const handle = await DBOS.startWorkflow(workflow, { workflowID: row.id })(inputOf(row, actor));
  const result = handle.getResult();
  liveRuns.set(row.id, result);
  result.then(
    () => liveRuns.delete(row.id),
    () => liveRuns.delete(row.id),
  );
}

/** Waits for a run to end, at most `waitMs`; null when it is still running. */
export async function waitForRun(checkoutId: string, waitMs: number): Promise<RunOutcome | null> {
  if (waitMs <= 0) return null;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), waitMs);
  });
  try {
    const result = liveRuns.get(checkoutId) ?? DBOS.retrieveWorkflow<RunOutcome>(checkoutId).getResult({ pollingIntervalMs: 100 });
    return await Promise.race([result, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
