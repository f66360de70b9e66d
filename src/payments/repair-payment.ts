import { KessaiError } from '../errors/index.ts';
import { appendEvent, writeAudit } from '../events/index.ts';
import { actorLabel, type Actor, type PaymentsContext } from './context.ts';
import { lockPayment } from './operations.ts';
import type { PaymentRow, PaymentStatus } from './tables.ts';

export interface RepairInput {
  status: PaymentStatus;
  amountAuthorized?: bigint;
  amountCaptured?: bigint;
  amountRefunded?: bigint;
  /** Why: required, kept in the audit log and on the timeline. */
  reason: string;
  /** Close open operations as failed (after checking with the provider by hand). */
  closeOpenOperations?: boolean;
  clearAttention?: boolean;
}

/**
 * An admin's hand repair of a payment's state, for when the provider's records show something
 * our books do not. The money invariants still hold (the database refuses otherwise), and the
 * before/after goes to the audit log and the timeline.
 */
export async function repairPayment(ctx: PaymentsContext, paymentId: string, input: RepairInput, actor: Actor & { requestId?: string; ip?: string }): Promise<PaymentRow> {
  return ctx.db.transaction().execute(async (trx) => {
    const before = await lockPayment(trx, paymentId);
    const open = await trx.selectFrom('payment_operations').select(['id', 'kind']).where('payment_id', '=', paymentId).where('status', 'in', ['pending', 'unknown']).execute();
    if (open.length > 0 && !input.closeOpenOperations) {
      throw new KessaiError('KS_ERR_PAYMENT_OPERATION_IN_PROGRESS', `Open operations: ${open.map((o) => o.id).join(', ')}; set close_open_operations after checking them with the provider`);
    }
    if (open.length > 0) {
      await trx
        .updateTable('payment_operations')
        .set({ status: 'failed', error: `closed by hand: ${input.reason}`, completed_at: new Date(), next_attempt_at: null, updated_at: new Date() })
        .where('id', 'in', open.map((o) => o.id))
        .execute();
    }
    const patch = {
      status: input.status,
      amount_authorized: input.amountAuthorized ?? before.amount_authorized,
      amount_captured: input.amountCaptured ?? before.amount_captured,
      amount_refunded: input.amountRefunded ?? before.amount_refunded,
      amount_capturing: 0n,
      amount_refunding: 0n,
      in_flight_operation_id: null,
      ...(input.clearAttention ? { needs_attention: false, attention_reason: null, capture_batch_id: null } : {}),
      updated_at: new Date(),
    };
    let after: PaymentRow;
    try {
      after = await trx.updateTable('payments').set(patch).where('id', '=', paymentId).returningAll().executeTakeFirstOrThrow();
    } catch (err) {
      if ((err as { code?: string }).code === '23514') {
        throw new KessaiError('KS_ERR_STATE_REPAIR_INVALID', 'The repaired amounts break an invariant (captured ≤ authorized, refunded ≤ captured)');
      }
      if ((err as { code?: string }).code === '23505') {
        throw new KessaiError('KS_ERR_STATE_REPAIR_INVALID', 'The order has another live payment: this one cannot leave declined');
      }
      throw err;
    }
    const changes = {
      before: { status: before.status, amount_authorized: before.amount_authorized, amount_captured: before.amount_captured, amount_refunded: before.amount_refunded },
      after: { status: after.status, amount_authorized: after.amount_authorized, amount_captured: after.amount_captured, amount_refunded: after.amount_refunded },
      closed_operations: open.map((o) => o.id),
      reason: input.reason,
    };
    await appendEvent(trx, { type: 'payment.repaired', aggregateId: paymentId, data: changes, actor: actorLabel(actor) });
    await writeAudit(trx, {
      actorType: actor.type,
      actorId: actor.id,
      actorName: actor.name,
      action: 'payment.repair',
      targetType: 'payment',
      targetId: paymentId,
      details: changes,
      requestId: actor.requestId ?? null,
      ip: actor.ip ?? null,
    });
    return after;
  });
}
