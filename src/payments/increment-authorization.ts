import { KessaiError } from '../errors/index.ts';
import type { Actor, PaymentsContext } from './context.ts';
import { runOperation, throwIfRefused, type OperationResult } from './run-operation.ts';

/** Raises an authorization in place to a new total (the order total becomes that total too). */
export async function incrementAuthorization(ctx: PaymentsContext, paymentId: string, newTotal: bigint, actor: Actor): Promise<OperationResult> {
  const result = await runOperation(
    ctx,
    paymentId,
    (p) => {
      const provider = ctx.providers.get(p.provider);
      if (!provider.capabilities.incrementalAuthorization) {
        throw new KessaiError('KS_ERR_PROVIDER_UNSUPPORTED_OPERATION', `${p.provider} cannot raise an authorization`);
      }
      if (p.status !== 'authorized' || p.amount_captured > 0n) {
        throw new KessaiError('KS_ERR_PAYMENT_INVALID_STATE', `Only an uncaptured authorization can be raised (the payment is ${p.status})`, { status: p.status });
      }
      if (newTotal <= p.amount_authorized) {
        throw new KessaiError('KS_ERR_AMOUNT_NOT_INCREASED', `The new total must be more than the ${p.amount_authorized} authorized`, { field: 'amount' });
      }
      return { kind: 'increment_authorization', amount: newTotal, params: { order_amount: Number(newTotal) } };
    },
    actor,
  );
  return throwIfRefused(result);
}
