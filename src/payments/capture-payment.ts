import { KessaiError } from '../errors/index.ts';
import type { Actor, PaymentsContext } from './context.ts';
import { capturable } from './payment-view.ts';
import { runOperation, throwIfRefused, type OperationResult } from './run-operation.ts';
import type { PaymentRow } from './tables.ts';
import type { Reservation } from './operations.ts';

export interface CaptureInput {
  /** Defaults to the amount due (the order total), within what is still capturable. */
  amount?: bigint;
  /** The last capture releases the rest of the authorization. Defaults to true. */
  final?: boolean;
}

export function planCapture(ctx: PaymentsContext, p: PaymentRow, input: CaptureInput): Reservation {
  const provider = ctx.providers.get(p.provider);
  if (p.status !== 'authorized' && p.status !== 'partially_captured') {
    throw new KessaiError('KS_ERR_PAYMENT_INVALID_STATE', `A ${p.status} payment cannot be captured`, { status: p.status });
  }
  const open = capturable(p);
  const due = p.amount - p.amount_captured - p.amount_capturing;
  const amount = input.amount ?? (due < open ? due : open);
  const final = input.final ?? true;
  if (amount <= 0n) throw new KessaiError('KS_ERR_AMOUNT_INVALID', 'Nothing is due to capture', { field: 'amount' });
  if (amount > open) {
    throw new KessaiError('KS_ERR_AMOUNT_EXCEEDS_CAPTURABLE', `At most ${open} can be captured`, { field: 'amount', capturable: Number(open) });
  }
  if (amount < open && final && !provider.capabilities.partialCapture) {
    throw new KessaiError('KS_ERR_PROVIDER_UNSUPPORTED_OPERATION', `${p.provider} cannot capture part of an authorization`, { field: 'amount' });
  }
  if (!final && !provider.capabilities.multipleCapture) {
    throw new KessaiError('KS_ERR_PROVIDER_UNSUPPORTED_OPERATION', `${p.provider} cannot capture one authorization several times`, { field: 'final' });
  }
  return { kind: 'capture', amount, patch: { amount_capturing: p.amount_capturing + amount }, params: { final } };
}

export async function capturePayment(ctx: PaymentsContext, paymentId: string, input: CaptureInput, actor: Actor): Promise<OperationResult> {
  return throwIfRefused(await runOperation(ctx, paymentId, (p) => planCapture(ctx, p, input), actor));
}
