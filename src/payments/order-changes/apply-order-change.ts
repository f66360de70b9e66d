import type { Transaction } from 'kysely';
import { newId } from '../../db/index.ts';
import { KessaiError } from '../../errors/index.ts';
import { appendEvent } from '../../events/index.ts';
import { actorLabel, type Actor, type PaymentsContext } from '../context.ts';
import { livePaymentIdOfOrder } from '../get-payment.ts';
import { insertOperation, lockPayment, nextCheckAt, type Reservation } from '../operations.ts';
import { executeOperation, type OperationResult } from '../run-operation.ts';
import type { OperationRow, PaymentRow, PaymentsTables } from '../tables.ts';
import { decideOrderChange, InvalidOrderChange, type OrderChangeKind } from './decide-order-change.ts';

export interface OrderChangeInput {
  kind: OrderChangeKind;
  /** The new order total (ignored for cancellations). */
  amount: bigint;
  originalLineAmount?: bigint;
  substituteLineAmount?: bigint;
}

export interface OrderChangeResult {
  changeId: string;
  decision: ReturnType<typeof decideOrderChange>;
  amountBefore: bigint;
  outcome: 'applied' | 'rejected' | 'pending';
  declineCode: string | null;
  payment: PaymentRow;
}

const HOLDS_AUTHORIZATION = new Set(['authorized']);
const CHANGEABLE = new Set(['requires_authorization', 'authorized', 'voided']);

async function startOperation(ctx: PaymentsContext, trx: Transaction<PaymentsTables>, payment: PaymentRow, r: Reservation): Promise<OperationRow> {
  const op = await insertOperation(trx, payment, r, { checkAt: nextCheckAt(ctx, 0) });
  await trx.updateTable('payments').set({ in_flight_operation_id: op.id, updated_at: new Date() }).where('id', '=', payment.id).execute();
  return op;
}

/**
 * Applies a change to a placed order: decides with the table, then carries the decision out.
 * A failed (re-)authorization rejects the change and leaves the payment as it was: the new
 * total is written only when the provider has said yes.
 */
export async function applyOrderChange(ctx: PaymentsContext, orderId: string, input: OrderChangeInput, actor: Actor): Promise<OrderChangeResult> {
  const paymentId = await livePaymentIdOfOrder(ctx, orderId);
  const changeId = newId('och');
  const prepared = await ctx.db.transaction().execute(async (trx) => {
    const p = await lockPayment(trx, paymentId);
    if (p.order_cancelled_at) throw new KessaiError('KS_ERR_ORDER_CANCELLED', `Order ${orderId} was cancelled`);
    if (p.in_flight_operation_id) {
      throw new KessaiError('KS_ERR_PAYMENT_OPERATION_IN_PROGRESS', 'The payment has an operation in progress; retry the change when it is settled', {
        operation_id: p.in_flight_operation_id,
      });
    }
    if (!CHANGEABLE.has(p.status)) {
      throw new KessaiError('KS_ERR_PAYMENT_INVALID_STATE', `The order can no longer change: its payment is ${p.status}`, { status: p.status });
    }
    let decision;
    try {
      decision = decideOrderChange({
        kind: input.kind,
        currentTotal: p.amount,
        newTotal: input.kind === 'cancel' ? 0n : input.amount,
        authorized: HOLDS_AUTHORIZATION.has(p.status) ? p.amount_authorized : 0n,
        ...(input.originalLineAmount !== undefined ? { originalLineAmount: input.originalLineAmount } : {}),
        ...(input.substituteLineAmount !== undefined ? { substituteLineAmount: input.substituteLineAmount } : {}),
      });
    } catch (err) {
      if (err instanceof InvalidOrderChange) throw new KessaiError('KS_ERR_ORDER_CHANGE_INVALID', err.message, { field: err.field });
      throw err;
    }
    const params = { order_amount: Number(decision.total), order_change_id: changeId };
    let operation: OperationRow | null = null;
    let payment = p;
    const holds = HOLDS_AUTHORIZATION.has(p.status);
    if (decision.decision === 'keep' || (decision.decision === 'void' && !holds)) {
      payment = await trx
        .updateTable('payments')
        .set({
          amount: decision.total,
          ...(decision.decision === 'void' ? { status: 'voided' as const } : {}),
          ...(input.kind === 'cancel' ? { order_cancelled_at: new Date() } : {}),
          updated_at: new Date(),
        })
        .where('id', '=', p.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    } else if (decision.decision === 'void') {
      operation = await startOperation(ctx, trx, p, { kind: 'void', amount: p.amount_authorized, params: { ...params, cancels_order: input.kind === 'cancel' } });
    } else if (decision.decision === 'authorize') {
      operation = await startOperation(ctx, trx, p, { kind: 'authorize', amount: decision.total, params });
    } else {
      const incremental = ctx.providers.get(p.provider).capabilities.incrementalAuthorization;
      operation = await startOperation(
        ctx,
        trx,
        p,
        incremental
          ? { kind: 'increment_authorization', amount: decision.total, params }
          : { kind: 'reauthorize', amount: decision.total, params, replacesReference: p.provider_payment_id },
      );
    }
    await trx
      .insertInto('order_changes')
      .values({
        id: changeId,
        order_id: orderId,
        payment_id: p.id,
        kind: input.kind,
        amount_before: p.amount,
        amount_after: decision.total,
        decision: decision.decision,
        rule: decision.rule,
        outcome: operation ? 'pending' : 'applied',
        details: JSON.stringify({ requested_amount: Number(input.amount), operation_id: operation?.id ?? null }),
      })
      .execute();
    if (!operation) {
      await appendEvent(trx, {
        type: input.kind === 'cancel' ? 'order.cancelled' : 'order.changed',
        aggregateId: p.id,
        data: { order_id: orderId, change_id: changeId, kind: input.kind, decision: decision.decision, amount_before: p.amount, amount_after: decision.total },
        actor: actorLabel(actor),
      });
    }
    return { payment, operation, decision, amountBefore: p.amount };
  });

  const base = { changeId, decision: prepared.decision, amountBefore: prepared.amountBefore };
  if (!prepared.operation) return { ...base, outcome: 'applied', declineCode: null, payment: prepared.payment };

  let result: OperationResult = await executeOperation(ctx, prepared.payment, prepared.operation, actor);
  if (result.operation.kind === 'increment_authorization' && result.operation.status === 'failed' && !result.operation.decline_code) {
    // The provider refused to raise this authorization (the card or its state does not allow
    // it) without declining the customer: take a new authorization, then void the old one.
    result = await reauthorizeInstead(ctx, result.payment, prepared.decision.total, changeId, actor);
  }
  if (result.operation.kind === 'reauthorize' && result.operation.status === 'succeeded' && result.operation.replaces_reference) {
    await voidReplacedAuthorization(ctx, result.payment.id, result.operation.replaces_reference, actor);
  }
  const status = result.operation.status;
  const outcome = status === 'succeeded' ? 'applied' : status === 'failed' ? 'rejected' : 'pending';
  const declineCode = result.operation.decline_code ?? result.operation.failure_code;
  return { ...base, outcome, declineCode, payment: result.payment };
}

async function reauthorizeInstead(ctx: PaymentsContext, payment: PaymentRow, total: bigint, changeId: string, actor: Actor): Promise<OperationResult> {
  const started = await ctx.db.transaction().execute(async (trx) => {
    const p = await lockPayment(trx, payment.id);
    if (p.in_flight_operation_id) throw new KessaiError('KS_ERR_PAYMENT_OPERATION_IN_PROGRESS');
    const op = await startOperation(ctx, trx, p, {
      kind: 'reauthorize',
      amount: total,
      replacesReference: p.provider_payment_id,
      params: { order_amount: Number(total), order_change_id: changeId },
    });
    await trx
      .updateTable('order_changes')
      .set({ outcome: 'pending', decline_code: null })
      .where('id', '=', changeId)
      .execute();
    return { payment: p, op };
  });
  return executeOperation(ctx, started.payment, started.op, actor);
}

/** Releases the hold a re-authorization replaced (settling it queued the void); a failure flags the payment. */
async function voidReplacedAuthorization(ctx: PaymentsContext, paymentId: string, oldReference: string, actor: Actor): Promise<void> {
  const op = await ctx.db
    .selectFrom('payment_operations')
    .selectAll()
    .where('payment_id', '=', paymentId)
    .where('kind', '=', 'void')
    .where('replaces_reference', '=', oldReference)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (!op) return;
  const payment = await ctx.db.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirstOrThrow();
  await executeOperation(ctx, payment, op, actor);
}
