import { sql } from 'kysely';
import { appendEvent } from '../events/index.ts';
import { actorLabel } from './context.ts';
import type { CheckoutInput } from './checkout-steps.ts';
import type { CheckoutRunContext } from './run-context.ts';
import type { CheckoutError } from './tables.ts';

export interface RunEnd {
  step: string;
  error: CheckoutError;
  paymentId: string | null;
}

/** Step `record-failure`: a run that failed before money was taken, after its compensation. */
export async function recordFailure(ctx: CheckoutRunContext, input: CheckoutInput, end: RunEnd): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('checkouts')
      .set({ status: 'failed', failed_step: end.step, error: JSON.stringify(end.error), payment_id: end.paymentId, finished_at: sql`now()`, updated_at: sql`now()` })
      .where('id', '=', input.checkoutId)
      .where('status', '=', 'running')
      .execute();
    await appendEvent(trx, { type: 'checkout.failed', aggregateId: input.checkoutId, data: { step: end.step, ...end.error, compensated: true }, actor: actorLabel(input.actor) });
  });
}

/**
 * Step `flag-needs-attention`: money was (or may have been) taken and a step failed. Nothing is
 * refunded: the run waits for an operator to fix the cause and re-run it from `end.step`.
 */
export async function flagNeedsAttention(ctx: CheckoutRunContext, input: CheckoutInput, end: RunEnd): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('checkouts')
      .set({ status: 'needs_attention', failed_step: end.step, error: JSON.stringify(end.error), payment_id: end.paymentId, money_taken: true, attention_since: sql`now()`, updated_at: sql`now()` })
      .where('id', '=', input.checkoutId)
      .execute();
    await appendEvent(trx, { type: 'checkout.needs_attention', aggregateId: input.checkoutId, data: { step: end.step, order_id: input.orderId, payment_id: end.paymentId, ...end.error }, actor: 'system' });
  });
}

/** Step `notify-operations`: the operations channel hears which run, order, step and error. */
export async function notifyOperations(ctx: CheckoutRunContext, input: CheckoutInput, end: RunEnd): Promise<{ delivered: boolean }> {
  const link = ctx.settings.publicUrl ? `${ctx.settings.publicUrl.replace(/\/$/, '')}/console/checkouts/${input.checkoutId}` : null;
  return ctx.ops.notify({
    text: `Checkout ${input.checkoutId} needs attention: step ${end.step} failed after the payment was authorized. Nothing was refunded; fix the cause and re-run it.`,
    fields: {
      Run: input.checkoutId,
      Order: input.orderId,
      Payment: end.paymentId ?? '—',
      'Failed step': end.step,
      Error: `${end.error.code}: ${end.error.message}`,
      ...(link ? { Console: link } : {}),
    },
  });
}
