import type { Transaction, Updateable } from 'kysely';
import { newId } from '../db/index.ts';
import { KessaiError } from '../errors/index.ts';
import { appendEvent } from '../events/index.ts';
import { actorLabel, type Actor, type PaymentsContext } from './context.ts';
import { transition, type Outcome } from './transition.ts';
import type { OperationKind, OperationParams, OperationRow, PaymentRow, PaymentsTable, PaymentsTables } from './tables.ts';

/**
 * Provider calls are made in three steps, so no crash, timeout or race can make one twice or
 * lose one: (1) reserve — in a transaction holding the payment's row lock, check the request
 * against the payment, move the amount into an in-flight column and record the operation;
 * (2) call the provider with the operation id as idempotency key, outside any transaction;
 * (3) settle — apply the state machine to the answer in a second transaction. An unknown answer
 * leaves the operation open for the janitor, which settles it later the same way.
 */
export interface Reservation {
  kind: OperationKind;
  amount: bigint;
  /** Changes made to the payment as the operation is reserved (in-flight amounts). */
  patch?: Updateable<PaymentsTable>;
  /** Exclusive operations take the payment's in-flight marker: one at a time per payment. */
  exclusive: boolean;
  providerReference?: string | null;
  replacesReference?: string | null;
  params?: OperationParams;
}

export async function lockPayment(trx: Transaction<PaymentsTables>, paymentId: string): Promise<PaymentRow> {
  const payment = await trx.selectFrom('payments').selectAll().where('id', '=', paymentId).forUpdate().executeTakeFirst();
  if (!payment) throw new KessaiError('KS_ERR_PAYMENT_NOT_FOUND', `No payment ${paymentId}`);
  return payment;
}

export async function insertOperation(
  trx: Transaction<PaymentsTables>,
  payment: PaymentRow,
  r: Reservation,
  options: { id?: string; checkAt: Date },
): Promise<OperationRow> {
  return trx
    .insertInto('payment_operations')
    .values({
      id: options.id ?? newId('op'),
      payment_id: payment.id,
      kind: r.kind,
      amount: r.amount,
      status: 'pending',
      provider_reference: r.providerReference ?? payment.provider_payment_id,
      replaces_reference: r.replacesReference ?? null,
      params: JSON.stringify(r.params ?? {}),
      // Should this process die before settling, the janitor finds the operation from then on.
      next_attempt_at: options.checkAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Step 1. `plan` validates against the locked payment and throws a catalog error if refused.
 * For an exclusive operation, another one in flight is the answer before anything else.
 */
export async function reserveOperation(
  ctx: PaymentsContext,
  paymentId: string,
  exclusive: boolean,
  plan: (payment: PaymentRow) => Reservation,
): Promise<{ payment: PaymentRow; operation: OperationRow }> {
  return ctx.db.transaction().execute((trx) => reserveInTransaction(ctx, trx, paymentId, exclusive, plan));
}

/** Step 1 inside the caller's transaction (a batch reserves many operations in one commit). */
export async function reserveInTransaction(
  ctx: PaymentsContext,
  trx: Transaction<PaymentsTables>,
  paymentId: string,
  exclusive: boolean,
  plan: (payment: PaymentRow) => Reservation,
): Promise<{ payment: PaymentRow; operation: OperationRow }> {
  const payment = await lockPayment(trx, paymentId);
  if (exclusive && payment.in_flight_operation_id) {
    throw new KessaiError('KS_ERR_PAYMENT_OPERATION_IN_PROGRESS', `Operation ${payment.in_flight_operation_id} on this payment is still in progress`, {
      operation_id: payment.in_flight_operation_id,
    });
  }
  const r = plan(payment);
  const opId = newId('op');
  const updated = await trx
    .updateTable('payments')
    .set({ ...(r.patch ?? {}), ...(r.exclusive ? { in_flight_operation_id: opId } : {}), updated_at: new Date() })
    .where('id', '=', payment.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const operation = await insertOperation(trx, updated, r, { id: opId, checkAt: nextCheckAt(ctx, 0) });
  return { payment: updated, operation };
}

/** Back-off for re-checking an unknown outcome: pendingAfter × 2^attempts, at most a day. */
export function nextCheckAt(ctx: PaymentsContext, attempts: number, now = Date.now()): Date {
  const seconds = Math.min(ctx.settings.pendingAfterSeconds * 2 ** Math.min(attempts, 16), 86_400);
  return new Date(now + seconds * 1000);
}

/** Step 3. Idempotent: settling an operation that is already over returns things as they are. */
export async function settleOperation(
  ctx: PaymentsContext,
  operationId: string,
  outcome: Outcome,
  actor: Actor,
): Promise<{ payment: PaymentRow; operation: OperationRow }> {
  return ctx.db.transaction().execute((trx) => settleInTransaction(ctx, trx, operationId, outcome, actor));
}

/** Step 3 inside the caller's transaction. */
export async function settleInTransaction(
  ctx: PaymentsContext,
  trx: Transaction<PaymentsTables>,
  operationId: string,
  outcome: Outcome,
  actor: Actor,
): Promise<{ payment: PaymentRow; operation: OperationRow }> {
  const op = await trx.selectFrom('payment_operations').selectAll().where('id', '=', operationId).forUpdate().executeTakeFirstOrThrow();
  const payment = await lockPayment(trx, op.payment_id);
  if (op.status === 'succeeded' || op.status === 'failed') return { payment, operation: op };
  const t = transition(op, payment, outcome);
  const releases = t.final && payment.in_flight_operation_id === op.id;
  const updatedPayment = await trx
    .updateTable('payments')
    .set({ ...t.payment, ...(releases ? { in_flight_operation_id: null } : {}), updated_at: new Date() })
    .where('id', '=', payment.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const attempts = op.attempts + 1;
  const updatedOp = await trx
    .updateTable('payment_operations')
    .set({
      ...t.operation,
      attempts,
      next_attempt_at: t.final ? null : nextCheckAt(ctx, attempts - 1),
      updated_at: new Date(),
      completed_at: t.final ? new Date() : null,
    })
    .where('id', '=', op.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  // An operation still unknown after another check adds nothing new to the timeline.
  const events = !t.final && op.status === 'unknown' ? [] : t.events;
  for (const event of events) {
    await appendEvent(trx, { type: event.type, aggregateId: payment.id, data: { ...event.data, order_id: payment.order_id }, actor: actorLabel(actor) });
  }
  if (op.kind === 'reauthorize' && t.operation.status === 'succeeded' && op.replaces_reference) {
    // The hold the new authorization replaces is released next — by the caller at once, or by
    // the janitor (due now) if the caller is gone: never left to expire on the customer's card.
    await insertOperation(
      trx,
      updatedPayment,
      { kind: 'void', amount: 0n, exclusive: false, providerReference: op.replaces_reference, replacesReference: op.replaces_reference },
      { checkAt: new Date() },
    );
  }
  const changeId = op.params.order_change_id;
  if (t.final && changeId) {
    const applied = t.operation.status === 'succeeded';
    const change = await trx
      .updateTable('order_changes')
      .set({ outcome: applied ? 'applied' : 'rejected', decline_code: t.operation.decline_code ?? t.operation.failure_code ?? null })
      .where('id', '=', changeId)
      .where('outcome', '=', 'pending')
      .returning(['kind', 'decision', 'amount_before', 'amount_after'])
      .executeTakeFirst();
    if (change && applied) {
      await appendEvent(trx, {
        type: change.kind === 'cancel' ? 'order.cancelled' : 'order.changed',
        aggregateId: payment.id,
        data: { order_id: payment.order_id, change_id: changeId, kind: change.kind, decision: change.decision, amount_before: change.amount_before, amount_after: change.amount_after },
        actor: actorLabel(actor),
      });
    }
  }
  return { payment: updatedPayment, operation: updatedOp };
}
