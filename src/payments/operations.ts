import type { Transaction, Updateable } from 'kysely';
import { bulkUpdateById, groupCommitPer, newId } from '../db/index.ts';
import { KessaiError } from '../errors/index.ts';
import { appendEvents, type NewEvent } from '../events/index.ts';
import { actorLabel, SYSTEM, type Actor, type PaymentsContext } from './context.ts';
import { transition, type Outcome, type Transition } from './transition.ts';
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
  providerReference?: string | null;
  replacesReference?: string | null;
  params?: OperationParams;
}

export async function lockPayment(trx: Transaction<PaymentsTables>, paymentId: string): Promise<PaymentRow> {
  const payment = await trx.selectFrom('payments').selectAll().where('id', '=', paymentId).forUpdate().executeTakeFirst();
  if (!payment) throw new KessaiError('KS_ERR_PAYMENT_NOT_FOUND', `No payment ${paymentId}`);
  return payment;
}

export function operationRow(payment: PaymentRow, r: Reservation, id: string, checkAt: Date) {
  return {
    id,
    payment_id: payment.id,
    kind: r.kind,
    amount: r.amount,
    status: 'pending' as const,
    provider_reference: r.providerReference ?? payment.provider_payment_id,
    replaces_reference: r.replacesReference ?? null,
    params: JSON.stringify(r.params ?? {}),
    // Should this process die before settling, the janitor finds the operation from then on.
    next_attempt_at: checkAt,
  };
}

export async function insertOperation(
  trx: Transaction<PaymentsTables>,
  payment: PaymentRow,
  r: Reservation,
  options: { id?: string; checkAt: Date },
): Promise<OperationRow> {
  return trx.insertInto('payment_operations').values(operationRow(payment, r, options.id ?? newId('op'), options.checkAt)).returningAll().executeTakeFirstOrThrow();
}

/**
 * Step 1. `plan` validates against the locked payment and throws a catalog error if refused.
 * An exclusive operation takes the payment's in-flight marker (one at a time per payment), and
 * another one already in flight is the answer before anything else; refunds are not exclusive.
 */
export async function reserveOperation(
  ctx: PaymentsContext,
  paymentId: string,
  exclusive: boolean,
  plan: (payment: PaymentRow) => Reservation,
): Promise<{ payment: PaymentRow; operation: OperationRow }> {
  return ctx.db.transaction().execute((trx) => reserveInTransaction(ctx, trx, paymentId, exclusive, plan));
}

/** Step 1 inside the caller's transaction. */
export async function reserveInTransaction(
  ctx: PaymentsContext,
  trx: Transaction<PaymentsTables>,
  paymentId: string,
  exclusive: boolean,
  plan: (payment: PaymentRow) => Reservation,
): Promise<{ payment: PaymentRow; operation: OperationRow }> {
  const { reserved, refused } = await reserveManyInTransaction(ctx, trx, [paymentId], exclusive, plan);
  if (refused[0]) throw refused[0].error;
  if (!reserved[0]) throw new KessaiError('KS_ERR_PAYMENT_NOT_FOUND', `No payment ${paymentId}`);
  return reserved[0];
}

/**
 * Step 1 for many payments in one transaction (the capture batch): one statement locks them
 * all (in id order, so batches never deadlock), one per payment records its reservation, and
 * one inserts every operation. A refused payment is reported, not thrown.
 */
export async function reserveManyInTransaction(
  ctx: PaymentsContext,
  trx: Transaction<PaymentsTables>,
  paymentIds: string[],
  exclusive: boolean,
  plan: (payment: PaymentRow) => Reservation,
): Promise<{ reserved: Array<{ payment: PaymentRow; operation: OperationRow }>; refused: Array<{ id: string; error: KessaiError }> }> {
  const locked = await trx.selectFrom('payments').selectAll().where('id', 'in', paymentIds).orderBy('id').forUpdate().execute();
  const refused: Array<{ id: string; error: KessaiError }> = [];
  const planned: Array<{ payment: PaymentRow; r: Reservation; opId: string }> = [];
  for (const payment of locked) {
    try {
      if (exclusive && payment.in_flight_operation_id) {
        throw new KessaiError('KS_ERR_PAYMENT_OPERATION_IN_PROGRESS', `Operation ${payment.in_flight_operation_id} on this payment is still in progress`, {
          operation_id: payment.in_flight_operation_id,
        });
      }
      planned.push({ payment, r: plan(payment), opId: newId('op') });
    } catch (err) {
      if (!(err instanceof KessaiError)) throw err;
      refused.push({ id: payment.id, error: err });
    }
  }
  if (planned.length === 0) return { reserved: [], refused };
  const checkAt = nextCheckAt(ctx, 0);
  const now = new Date();
  const updated = await bulkUpdateById<PaymentRow>(
    trx,
    'payments',
    planned.map(({ payment, r, opId }) => ({ id: payment.id, patch: { ...(r.patch ?? {}), ...(exclusive ? { in_flight_operation_id: opId } : {}), updated_at: now } })),
  );
  const rows = planned.map(({ r, opId }, i) => operationRow(updated[i]!, r, opId, checkAt));
  const operations = new Map((await trx.insertInto('payment_operations').values(rows).returningAll().execute()).map((o) => [o.id, o]));
  return { reserved: planned.map(({ opId }, i) => ({ payment: updated[i]!, operation: operations.get(opId)! })), refused };
}

/** Back-off for re-checking an unknown outcome: pendingAfter × 2^attempts, at most a day. */
export function nextCheckAt(ctx: PaymentsContext, attempts: number, now = Date.now()): Date {
  const seconds = Math.min(ctx.settings.pendingAfterSeconds * 2 ** Math.min(attempts, 16), 86_400);
  return new Date(now + seconds * 1000);
}

interface Settlement {
  operationId: string;
  outcome: Outcome;
  /** Whose request it answers: the events are theirs. */
  actor?: Actor;
}

const queuedSettlement = groupCommitPer((ctx: PaymentsContext) => ({
  batch: 32,
  inFlight: 2,
  keyOf: (item: Settlement & { paymentId: string }) => item.paymentId,
  run: (items: Array<Settlement & { paymentId: string }>) => ctx.db.transaction().execute((trx) => settleManyInTransaction(ctx, trx, items, SYSTEM)),
}));

/**
 * Step 3. Idempotent: settling an operation that is already over returns things as they are.
 * Settlements go by group commit (`groupCommit`): under load, the answers of many requests are
 * settled in one transaction (a batch locks each payment once, so two operations of one payment
 * never share it), which pays the locks, the writes and the commit once per batch.
 */
export async function settleOperation(
  ctx: PaymentsContext,
  operation: Pick<OperationRow, 'id' | 'payment_id'>,
  outcome: Outcome,
  actor: Actor,
): Promise<{ payment: PaymentRow; operation: OperationRow }> {
  return queuedSettlement(ctx, { operationId: operation.id, paymentId: operation.payment_id, outcome, actor });
}

/**
 * Step 3 for many operations in one transaction: their rows are locked in two statements
 * (operations, then payments, in id order), each is settled through the state machine, and
 * the changes are written with one statement per table. Operations must be on different payments.
 */
export async function settleManyInTransaction(
  ctx: PaymentsContext,
  trx: Transaction<PaymentsTables>,
  items: Settlement[],
  /** Whose the events are, for items that do not say. */
  actor: Actor,
): Promise<Array<{ payment: PaymentRow; operation: OperationRow }>> {
  const ops = await trx.selectFrom('payment_operations').selectAll().where('id', 'in', items.map((i) => i.operationId)).orderBy('id').forUpdate().execute();
  const opById = new Map(ops.map((o) => [o.id, o]));
  const payments = await trx.selectFrom('payments').selectAll().where('id', 'in', [...new Set(ops.map((o) => o.payment_id))]).orderBy('id').forUpdate().execute();
  const paymentById = new Map(payments.map((p) => [p.id, p]));
  const now = new Date();
  const planned = items.map((item) => {
    const op = opById.get(item.operationId);
    if (!op) throw new Error(`no operation ${item.operationId}`);
    const payment = paymentById.get(op.payment_id)!;
    // Settling an operation that is already over changes nothing (idempotent).
    const t = op.status === 'succeeded' || op.status === 'failed' ? null : transition(op, payment, item.outcome);
    return { op, payment, t, actor: item.actor ?? actor };
  });
  const open = planned.filter((p) => p.t !== null) as Array<{ op: OperationRow; payment: PaymentRow; t: Transition; actor: Actor }>;
  const updatedPayments = await bulkUpdateById<PaymentRow>(
    trx,
    'payments',
    open.map(({ op, payment, t }) => ({
      id: payment.id,
      patch: { ...t.payment, ...(t.final && payment.in_flight_operation_id === op.id ? { in_flight_operation_id: null } : {}), updated_at: now },
    })),
  );
  const updatedOps = await bulkUpdateById<OperationRow>(
    trx,
    'payment_operations',
    open.map(({ op, t }) => ({
      id: op.id,
      patch: {
        ...t.operation,
        attempts: op.attempts + 1,
        next_attempt_at: t.final ? null : nextCheckAt(ctx, op.attempts),
        updated_at: now,
        completed_at: t.final ? now : null,
      },
    })),
  );
  const events: NewEvent[] = [];
  for (const [i, entry] of open.entries()) await afterSettlement(trx, entry.op, updatedPayments[i]!, entry.t, actorLabel(entry.actor), events);
  await appendEvents(trx, events);
  const settled = new Map(open.map((entry, i) => [entry.op.id, { payment: updatedPayments[i]!, operation: updatedOps[i]! }]));
  return planned.map(({ op, payment }) => settled.get(op.id) ?? { payment, operation: op });
}

/** What settling an operation sets off besides the row changes: events and follow-ups. */
async function afterSettlement(trx: Transaction<PaymentsTables>, op: OperationRow, payment: PaymentRow, t: Transition, actor: string, events: NewEvent[]): Promise<void> {
  // An operation still unknown after another check adds nothing new to the timeline.
  if (t.final || op.status !== 'unknown') {
    for (const event of t.events) events.push({ type: event.type, aggregateId: payment.id, data: { ...event.data, order_id: payment.order_id }, actor });
  }
  if (op.kind === 'reauthorize' && t.operation.status === 'succeeded' && op.replaces_reference) {
    // The hold the new authorization replaces is released next — by the caller at once, or by
    // the janitor (due now) if the caller is gone: never left to expire on the customer's card.
    await insertOperation(
      trx,
      payment,
      { kind: 'void', amount: 0n, providerReference: op.replaces_reference, replacesReference: op.replaces_reference },
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
      events.push({
        type: change.kind === 'cancel' ? 'order.cancelled' : 'order.changed',
        aggregateId: payment.id,
        data: { order_id: payment.order_id, change_id: changeId, kind: change.kind, decision: change.decision, amount_before: change.amount_before, amount_after: change.amount_after },
        actor,
      });
    }
  }
}
