import type { Transaction } from 'kysely';
import { groupCommitPer, newId } from '../db/index.ts';
import { KessaiError } from '../errors/index.ts';
import { appendEvent, appendEvents } from '../events/index.ts';
import { exponentOf } from '../money/index.ts';
import { actorLabel, type Actor, type PaymentsContext } from './context.ts';
import { nextCheckAt, operationRow } from './operations.ts';
import { executeOperation, throwIfRefused, type OperationResult } from './run-operation.ts';
import type { OperationRow, PaymentRow, PaymentStatus, PaymentsTables } from './tables.ts';

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
  if (input.amount === 0n) {
    const payment = await insertOrRefuse(ctx, input, (trx) => insertPayment(trx, newId('pay'), input, 'requires_authorization', null, actor));
    return { payment, operation: null };
  }
  let created: OperationResult;
  try {
    created = await queuedInsert(ctx, { paymentId: newId('pay'), operationId: newId('op'), input, actor });
  } catch (err) {
    return refuseExisting(ctx, input, err);
  }
  return throwIfRefused(await executeOperation(ctx, created.payment, created.operation, actor));
}

interface NewAuthorization {
  paymentId: string;
  operationId: string;
  input: CreatePaymentInput;
  actor: Actor;
}

/**
 * New payments and their authorization operations, by group commit (`groupCommit`): under load
 * many requests' rows go in one transaction of three multi-row statements. A batch holding an
 * order that already has a payment fails on the unique index; each of its payments is then
 * inserted alone, so only that one is refused.
 */
const queuedInsert = groupCommitPer((ctx: PaymentsContext) => ({
  batch: 32,
  inFlight: 2,
  run: (items: NewAuthorization[]) => ctx.db.transaction().execute((trx) => insertAuthorizations(ctx, trx, items)),
}));

async function insertAuthorizations(ctx: PaymentsContext, trx: Transaction<PaymentsTables>, items: NewAuthorization[]): Promise<OperationResult[]> {
  const payments = await trx.insertInto('payments').values(items.map((i) => paymentValues(i.paymentId, i.input, 'pending', i.operationId))).returningAll().execute();
  const paymentById = new Map(payments.map((p) => [p.id, p]));
  await appendEvents(trx, items.map((i) => createdEvent(i.paymentId, i.input, i.actor)));
  const checkAt = nextCheckAt(ctx, 0);
  const operations = await trx
    .insertInto('payment_operations')
    .values(items.map((i) => operationRow(paymentById.get(i.paymentId)!, { kind: 'authorize', amount: i.input.amount }, i.operationId, checkAt)))
    .returningAll()
    .execute();
  const operationById = new Map<string, OperationRow>(operations.map((o) => [o.id, o]));
  return items.map((i) => ({ payment: paymentById.get(i.paymentId)!, operation: operationById.get(i.operationId)! }));
}

/** The currency is known and the provider can do what the capture method asks. */
export function checkPaymentInput(ctx: PaymentsContext, input: CreatePaymentInput): void {
  exponentOf(input.currency);
  const provider = ctx.providers.get(input.provider);
  if (input.captureMethod === 'manual' && !provider.capabilities.manualCapture) {
    throw new KessaiError('KS_ERR_PROVIDER_UNSUPPORTED_OPERATION', `${provider.name} cannot authorize now and capture later`, { field: 'capture_method' });
  }
}

function paymentValues(paymentId: string, input: CreatePaymentInput, status: PaymentStatus, inFlightOperationId: string | null) {
  return {
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
  };
}

function createdEvent(paymentId: string, input: CreatePaymentInput, actor: Actor) {
  return {
    type: 'payment.created',
    aggregateId: paymentId,
    data: { order_id: input.orderId, amount: input.amount, currency: input.currency, provider: input.provider, capture_method: input.captureMethod },
    actor: actorLabel(actor),
  };
}

export async function insertPayment(
  trx: Transaction<PaymentsTables>,
  paymentId: string,
  input: CreatePaymentInput,
  status: PaymentStatus,
  inFlightOperationId: string | null,
  actor: Actor,
): Promise<PaymentRow> {
  const payment = await trx.insertInto('payments').values(paymentValues(paymentId, input, status, inFlightOperationId)).returningAll().executeTakeFirstOrThrow();
  await appendEvent(trx, createdEvent(paymentId, input, actor));
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
    return refuseExisting(ctx, input, err, onExisting);
  }
}

/** After a failed insert: rethrows anything but the order's unique index; explains that (or accepts the payment there). */
async function refuseExisting<T>(ctx: PaymentsContext, input: CreatePaymentInput, err: unknown, onExisting: (existing: PaymentRow) => T | null = () => null): Promise<T> {
  if (!isUniqueViolation(err)) throw err;
  const existing = await ctx.db.selectFrom('payments').selectAll().where('order_id', '=', input.orderId).where('status', '<>', 'declined').executeTakeFirst();
  const accepted = existing ? onExisting(existing) : null;
  if (accepted !== null) return accepted;
  if (existing && existing.payment_method !== input.paymentMethod) {
    throw new KessaiError('KS_ERR_PAYMENT_METHOD_CHANGE', `Order ${input.orderId} is paid with another payment method (${existing.id})`, { field: 'payment_method', payment_id: existing.id });
  }
  throw new KessaiError('KS_ERR_ORDER_HAS_PAYMENT', `Order ${input.orderId} already has a payment`, { field: 'order_id', payment_id: existing?.id ?? null });
}
