import { DBOS } from '../workflows/index.ts';
import {
  attempt,
  cancelOrderPayment,
  computeShipping,
  createOrderPayment,
  releaseCartStock,
  reserveCartStock,
  validateCart,
  type CheckoutInput,
  type PricedSnapshot,
  type StepResult,
} from './checkout-steps.ts';
import { flagNeedsAttention, notifyOperations, recordFailure, type RunEnd } from './end-checkout.ts';
import { placeOrder } from './place-order.ts';
import type { CheckoutRunContext } from './run-context.ts';
import { sendOrderConfirmation } from './send-order-confirmation.ts';
import type { CheckoutError } from './tables.ts';

/** The steps of a run, in order (docs/checkout.md). */
export const CHECKOUT_STEPS = [
  'validate-cart',
  'reserve-stock',
  'compute-shipping',
  'create-payment',
  'authorize-payment',
  'confirm-authorization',
  'place-order',
  'send-confirmation',
] as const;
export const COMPENSATION_STEPS = ['cancel-payment', 'release-stock', 'record-failure'] as const;
export const ATTENTION_STEPS = ['flag-needs-attention', 'notify-operations'] as const;
export type CheckoutStepName = (typeof CHECKOUT_STEPS)[number] | (typeof COMPENSATION_STEPS)[number] | (typeof ATTENTION_STEPS)[number];

export type RunOutcome = { status: 'completed'; orderId: string } | { status: 'failed' | 'needs_attention'; step: string; error: CheckoutError };

/** Retries for steps that fail for reasons other than a refusal (the database away, a bug). */
const RETRIES = { retriesAllowed: true, maxAttempts: 3, intervalSeconds: 0.2, backoffRate: 2 } as const;
const PERSISTENT = { retriesAllowed: true, maxAttempts: 10, intervalSeconds: 0.5, backoffRate: 2 } as const;

/**
 * The checkout as a DBOS workflow: each step's result is recorded as it finishes, so after a
 * crash the run resumes after its last finished step and never repeats one. Before the money is
 * taken a failure is compensated (payment cancelled, stock released, cart left as it was);
 * after, nothing is undone: the run needs attention until an operator re-runs it from the failed
 * step (`rerun-checkout.ts`, which rewinds this workflow to that step).
 */
export function registerCheckoutWorkflow(ctx: CheckoutRunContext) {
  async function step<T>(input: CheckoutInput, name: CheckoutStepName, fn: () => Promise<T>, retries: object = RETRIES): Promise<T> {
    return DBOS.runStep(
      async () => {
        await ctx.onStep?.({ checkoutId: input.checkoutId, step: name, phase: 'start' });
        const result = await fn();
        await ctx.onStep?.({ checkoutId: input.checkoutId, step: name, phase: 'end' });
        return result;
      },
      { name, ...retries },
    );
  }

  /** A step whose refusals are data; an error that outlived its retries counts as a refusal too. */
  async function guarded<T>(input: CheckoutInput, name: CheckoutStepName, fn: () => Promise<T>): Promise<StepResult<T>> {
    try {
      return await step(input, name, () => attempt(fn));
    } catch (err) {
      return { ok: false, error: { code: 'KS_ERR_CHECKOUT_STEP_FAILED', message: `${name} failed: ${(err as Error).message}`, details: { step: name } } };
    }
  }

  async function compensate(input: CheckoutInput, end: RunEnd): Promise<RunOutcome> {
    if (end.paymentId) await step(input, 'cancel-payment', () => cancelOrderPayment(ctx, input), PERSISTENT);
    await step(input, 'release-stock', () => releaseCartStock(ctx, input), PERSISTENT);
    await step(input, 'record-failure', () => recordFailure(ctx, input, end), PERSISTENT);
    return { status: 'failed', step: end.step, error: end.error };
  }

  async function needAttention(input: CheckoutInput, end: RunEnd): Promise<RunOutcome> {
    await step(input, 'flag-needs-attention', () => flagNeedsAttention(ctx, input, end), PERSISTENT);
    try {
      await step(input, 'notify-operations', () => notifyOperations(ctx, input, end), { retriesAllowed: true, maxAttempts: 5, intervalSeconds: 1, backoffRate: 2 });
    } catch (err) {
      // The run is flagged and listed in the console either way; a silent channel is logged.
      ctx.logger.error({ err, checkout_id: input.checkoutId }, 'could not notify the operations channel');
    }
    return { status: 'needs_attention', step: end.step, error: end.error };
  }

  async function run(input: CheckoutInput): Promise<RunOutcome> {
    const validated = await guarded(input, 'validate-cart', () => validateCart(ctx, input));
    if (!validated.ok) return compensate(input, { step: 'validate-cart', error: validated.error, paymentId: null });
    const reserved = await guarded(input, 'reserve-stock', () => reserveCartStock(ctx, input));
    if (!reserved.ok) return compensate(input, { step: 'reserve-stock', error: reserved.error, paymentId: null });
    const priced = await guarded(input, 'compute-shipping', () => computeShipping(ctx, input));
    if (!priced.ok) return compensate(input, { step: 'compute-shipping', error: priced.error, paymentId: null });
    const snapshot: PricedSnapshot = priced.value;

    let paymentId: string | null = null;
    if (BigInt(snapshot.total) > 0n) {
      const opened = await guarded(input, 'create-payment', () => createOrderPayment(ctx, input, snapshot));
      if (!opened.ok) return compensate(input, { step: 'create-payment', error: opened.error, paymentId: null });
      paymentId = opened.value.id;
      const id = paymentId;
      let authorized = await guarded(input, 'authorize-payment', () => ctx.payments.authorizePayment(id, input.actor));
      let stepName: CheckoutStepName = 'authorize-payment';
      // A lost answer: ask again (by the operation's key, never a new authorization), backing off.
      for (let check = 0; authorized.ok && authorized.value.outcome === 'unknown' && check < ctx.settings.authorizationChecks; check++) {
        await DBOS.sleep(ctx.settings.authorizationCheckBaseMs * 2 ** check);
        stepName = 'confirm-authorization';
        authorized = await guarded(input, 'confirm-authorization', () => ctx.payments.authorizePayment(id, input.actor));
      }
      if (!authorized.ok) return needAttention(input, { step: stepName, error: authorized.error, paymentId });
      const a = authorized.value;
      if (a.outcome === 'declined' || a.outcome === 'failed') {
        const reason = `${a.code ?? 'no code'}${a.message ? ` (${a.message})` : ''}`;
        const error =
          a.outcome === 'declined'
            ? { code: 'KS_ERR_PAYMENT_DECLINED', message: `The payment was declined: ${reason}`, details: { decline_code: a.code, payment_id: paymentId } }
            : { code: 'KS_ERR_PROVIDER_REJECTED', message: `The provider did not authorize the payment: ${reason}`, details: { provider_code: a.code, payment_id: paymentId } };
        return compensate(input, { step: stepName, error, paymentId });
      }
      if (a.outcome === 'unknown') {
        const error = { code: 'KS_ERR_AUTHORIZATION_UNKNOWN', message: `The provider has not said whether it authorized the payment${a.message ? `: ${a.message}` : ''}`, details: { payment_id: paymentId } };
        return needAttention(input, { step: stepName, error, paymentId });
      }
    }

    // The money is taken: from here on nothing is compensated.
    const placed = await guarded(input, 'place-order', () => placeOrder(ctx, input, snapshot, paymentId));
    if (!placed.ok) return needAttention(input, { step: 'place-order', error: placed.error, paymentId });
    const mailed = await guarded(input, 'send-confirmation', () => sendOrderConfirmation(ctx, input, snapshot));
    if (!mailed.ok) return needAttention(input, { step: 'send-confirmation', error: mailed.error, paymentId });
    return { status: 'completed', orderId: input.orderId };
  }

  return DBOS.registerWorkflow(run, { name: 'checkout.run' });
}

export type CheckoutWorkflow = ReturnType<typeof registerCheckoutWorkflow>;
