import { KessaiError } from '../errors/index.ts';
import type { Actor, PaymentsContext } from './context.ts';
import { reserveOperation, settleOperation, type Reservation } from './operations.ts';
import { presentPayment } from './payment-view.ts';
import type { PaymentProvider } from './providers/provider.ts';
import type { OperationRow, PaymentRow } from './tables.ts';
import type { Outcome } from './transition.ts';

/** Step 2: the provider call an operation stands for. Replays send exactly the same request. */
export async function callProvider(provider: PaymentProvider, op: OperationRow, payment: PaymentRow): Promise<Outcome> {
  const common = { idempotencyKey: op.id, currency: payment.currency };
  const reference = op.provider_reference ?? '';
  try {
    switch (op.kind) {
      case 'authorize':
      case 'reauthorize':
        return await provider.authorize({
          ...common,
          reference: payment.id,
          orderId: payment.order_id,
          amount: op.amount,
          paymentMethod: payment.payment_method,
          captureMethod: op.kind === 'reauthorize' ? 'manual' : payment.capture_method,
        });
      case 'increment_authorization':
        return await provider.incrementAuthorization({ ...common, providerPaymentId: reference, amount: op.amount });
      case 'capture':
        return await provider.capture({ ...common, providerPaymentId: reference, amount: op.amount, final: op.params.final ?? true });
      case 'void':
        return await provider.void({ idempotencyKey: op.id, providerPaymentId: reference });
      case 'refund':
        return await provider.refund({ ...common, providerPaymentId: reference, amount: op.amount });
    }
  } catch (err) {
    // An adapter that throws has not told us what happened: keep the operation open.
    return { outcome: 'unknown', message: `provider call threw: ${(err as Error).message}` };
  }
}

export interface OperationResult {
  payment: PaymentRow;
  operation: OperationRow;
}

/** Reserve, call, settle. */
export async function runOperation(
  ctx: PaymentsContext,
  paymentId: string,
  plan: (payment: PaymentRow) => Reservation,
  actor: Actor,
  { exclusive = true } = {},
): Promise<OperationResult> {
  const { payment, operation } = await reserveOperation(ctx, paymentId, exclusive, plan);
  return executeOperation(ctx, payment, operation, actor);
}

export async function executeOperation(ctx: PaymentsContext, payment: PaymentRow, operation: OperationRow, actor: Actor): Promise<OperationResult> {
  const outcome = await callProvider(ctx.providers.get(payment.provider), operation, payment);
  return settleOperation(ctx, operation, outcome, actor);
}

/** Declines and refusals are data inside; at the API edge they become 402/422 with the payment. */
export function throwIfRefused(result: OperationResult): OperationResult {
  const { operation, payment } = result;
  if (operation.status !== 'failed') return result;
  const details = { decline_code: operation.decline_code, provider_code: operation.failure_code, provider_message: operation.error, operation_id: operation.id, payment: presentPayment(payment) };
  if (operation.decline_code) throw new KessaiError('KS_ERR_PAYMENT_DECLINED', `Declined: ${operation.decline_code}`, details);
  throw new KessaiError('KS_ERR_PROVIDER_REJECTED', `The provider refused the ${operation.kind}: ${operation.failure_code ?? 'no code'} (${operation.error ?? 'no reason given'})`, details);
}
