import { newId } from '../db/index.ts';
import type { Actor, PaymentsContext } from './context.ts';
import { checkPaymentInput, insertOrRefuse, insertPayment, type CreatePaymentInput } from './create-payment.ts';
import type { PaymentRow } from './tables.ts';

const sameTerms = (p: PaymentRow, input: CreatePaymentInput) =>
  p.amount === input.amount && p.currency === input.currency && p.provider === input.provider && p.payment_method === input.paymentMethod && p.capture_method === input.captureMethod;

/**
 * Creates an order's payment without authorizing it (`requires_authorization`): the checkout's
 * confirm screen, before the customer buys. `authorizePayment` takes the money later.
 *
 * Idempotent per order: opening the same order's payment again on the same terms returns the
 * payment already there (a checkout step re-run after a crash), never a second one.
 */
export async function openPayment(ctx: PaymentsContext, input: CreatePaymentInput, actor: Actor): Promise<PaymentRow> {
  checkPaymentInput(ctx, input);
  return insertOrRefuse(
    ctx,
    input,
    (trx) => insertPayment(trx, newId('pay'), input, 'requires_authorization', null, actor),
    (existing) => (sameTerms(existing, input) ? existing : null),
  );
}
