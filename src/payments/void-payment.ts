import { KessaiError } from '../errors/index.ts';
import type { Actor, PaymentsContext } from './context.ts';
import { runOperation, throwIfRefused, type OperationResult } from './run-operation.ts';

/** Cancels an uncaptured authorization, releasing the customer's funds. */
export async function voidPayment(ctx: PaymentsContext, paymentId: string, actor: Actor): Promise<OperationResult> {
  const result = await runOperation(
    ctx,
    paymentId,
    (p) => {
      if (!ctx.providers.get(p.provider).capabilities.void) {
        throw new KessaiError('KS_ERR_PROVIDER_UNSUPPORTED_OPERATION', `${p.provider} cannot void an authorization`);
      }
      if (p.status !== 'authorized' || p.amount_captured > 0n) {
        throw new KessaiError('KS_ERR_PAYMENT_INVALID_STATE', `A ${p.status} payment cannot be voided`, { status: p.status });
      }
      return { kind: 'void', amount: p.amount_authorized };
    },
    actor,
  );
  return throwIfRefused(result);
}
