import type { Transaction } from 'kysely';
import { newId } from '../db/index.ts';
import { KessaiError } from '../errors/index.ts';
import { appendEvent } from '../events/index.ts';
import { exponentOf } from '../money/index.ts';
import { actorLabel, type Actor, type PaymentsContext } from './context.ts';
import { insertOperation, nextCheckAt } from './operations.ts';
import { executeOperation, throwIfRefused, type OperationResult } from './run-operation.ts';
import type { PaymentRow, PaymentStatus, PaymentsTables } from './tables.ts';

export interface CreatePaymentInput {
  orderId: string;
  amount: bigint;
  currency: string;
  provider: string;
  paymentMethod: string;
  captureMethod: 'manual' | 'automatic';
  metadata?: Record<string, string>;
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === '23505';
}

/**
 * Creates an order's payment and authorizes it (or captures it, for automatic capture). An
 * order total of 0 takes no authorization: the payment waits in `requires_authorization`.
 * An order has one live payment; after a decline the customer may try again (with another
 * card), but once a payment stands its method cannot change (seed 004).
 */
export async function createPayment(ctx: PaymentsContext, input: CreatePaymentInput, actor: Actor): Promise<OperationResult | { payment: OperationResult['payment']; operation: null }> {
  checkPaymentInput(ctx, input);
  const paymentId = newId('pay');
  const needsAuthorization = input.amount > 0n;
  const operationId = needsAuthorization ? newId('op') : null;
  const created = await insertOrRefuse(ctx, input, async (trx) => {
    const payment = await insertPayment(trx, paymentId, input, needsAuthorization ? 'pending' : 'requires_authorization', operationId, actor);
    if (!operationId) return { payment, operation: null };
    const operation = await insertOperation(trx, payment, { kind: 'authorize', amount: input.amount }, { id: operationId, checkAt: nextCheckAt(ctx, 0) });
    return { payment, operation };
  });
  if (!created.operation) return { payment: created.payment, operation: null };
  return throwIfRefused(await executeOperation(ctx, created.payment, created.operation, actor));
}

/** The currency is known and the provider can do what the capture method asks. */
export function checkPaymentInput(ctx: PaymentsContext, input: CreatePaymentInput): void {
  exponentOf(input.currency);
  const provider = ctx.providers.get(input.provider);
  if (input.captureMethod === 'manual' && !provider.capabilities.manualCapture) {
    throw new KessaiError('KS_ERR_PROVIDER_UNSUPPORTED_OPERATION', `${provider.name} cannot authorize now and capture later`, { field: 'capture_method' });
  }
}

export async function insertPayment(
  trx: Transaction<PaymentsTables>,
  paymentId: string,
  input: CreatePaymentInput,
  status: PaymentStatus,
  inFlightOperationId: string | null,
  actor: Actor,
): Promise<PaymentRow> {
  const payment = await trx
    .insertInto('payments')
    .values({
      id: paymentId,
      order_id: input.orderId,
      provider: input.provider,
      payment_method: input.paymentMethod,
      currency: input.currency,
      capture_method: input.captureMethod,
      status,
      amount: input.amount,
      metadata: JSON.stringify(input.metadata ?? {}),
      in_flight_operation_id: inFlightOperationId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendEvent(trx, {
    type: 'payment.created',
    aggregateId: paymentId,
    data: { order_id: input.orderId, amount: input.amount, currency: input.currency, provider: input.provider, capture_method: input.captureMethod },
    actor: actorLabel(actor),
  });
  return payment;
}

/**
 * Runs `insert` in a transaction; when the order already has a live payment, `onExisting` may
 * accept it (returning a value), otherwise the conflict is explained.
 */
export async function insertOrRefuse<T>(
  ctx: PaymentsContext,
  input: CreatePaymentInput,
  insert: (trx: Transaction<PaymentsTables>) => Promise<T>,
  onExisting: (existing: PaymentRow) => T | null = () => null,
): Promise<T> {
  try {
    return await ctx.db.transaction().execute(insert);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const existing = await ctx.db.selectFrom('payments').selectAll().where('order_id', '=', input.orderId).where('status', '<>', 'declined').executeTakeFirst();
    const accepted = existing ? onExisting(existing) : null;
    if (accepted !== null) return accepted;
    if (existing && existing.payment_method !== input.paymentMethod) {
      throw new KessaiError('KS_ERR_PAYMENT_METHOD_CHANGE', `Order ${input.orderId} is paid with another payment method (${existing.id})`, { field: 'payment_method', payment_id: existing.id });
    }
    throw new KessaiError('KS_ERR_ORDER_HAS_PAYMENT', `Order ${input.orderId} already has a payment`, { field: 'order_id', payment_id: existing?.id ?? null });
  }
}
