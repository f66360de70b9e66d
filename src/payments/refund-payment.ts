import { KessaiError } from '../errors/index.ts';
import type { Actor, PaymentsContext } from './context.ts';
import { refundable } from './payment-view.ts';
import { runOperation, throwIfRefused, type OperationResult } from './run-operation.ts';

const REFUNDABLE_STATUSES = new Set(['partially_captured', 'captured', 'partially_refunded']);

/**
 * Refunds part or all of what was captured. Refunds may run side by side: each reserves its
 * amount under the payment's row lock, and a CHECK constraint keeps refunds within captures.
 */
export async function refundPayment(ctx: PaymentsContext, paymentId: string, amount: bigint, actor: Actor): Promise<OperationResult> {
  const result = await runOperation(
    ctx,
    paymentId,
    (p) => {
      if (!ctx.providers.get(p.provider).capabilities.refund) {
        throw new KessaiError('KS_ERR_PROVIDER_UNSUPPORTED_OPERATION', `${p.provider} cannot refund`);
      }
      if (!REFUNDABLE_STATUSES.has(p.status)) {
        throw new KessaiError('KS_ERR_PAYMENT_INVALID_STATE', `A ${p.status} payment cannot be refunded`, { status: p.status });
      }
      const open = refundable(p);
      if (amount > open) {
        throw new KessaiError('KS_ERR_AMOUNT_EXCEEDS_REFUNDABLE', `At most ${open} can be refunded`, { field: 'amount', refundable: Number(open) });
      }
      return { kind: 'refund', amount, patch: { amount_refunding: p.amount_refunding + amount } };
    },
    actor,
    { exclusive: false },
  );
  return throwIfRefused(result);
}
