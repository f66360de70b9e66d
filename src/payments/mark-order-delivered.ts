import { KessaiError } from '../errors/index.ts';
import { appendEvent } from '../events/index.ts';
import { actorLabel, type Actor, type PaymentsContext } from './context.ts';
import { livePaymentIdOfOrder } from './get-payment.ts';
import { lockPayment } from './operations.ts';
import type { PaymentRow } from './tables.ts';

/**
 * Records that an order was delivered. Capture is never made inline here: the capture batch
 * picks delivered orders up on its schedule (seed 004: asynchronous capture is recoverable).
 * Idempotent: a second call changes nothing.
 */
export async function markOrderDelivered(ctx: PaymentsContext, orderId: string, actor: Actor): Promise<PaymentRow> {
  const paymentId = await livePaymentIdOfOrder(ctx, orderId);
  return ctx.db.transaction().execute(async (trx) => {
    const p = await lockPayment(trx, paymentId);
    if (p.order_cancelled_at) throw new KessaiError('KS_ERR_ORDER_CANCELLED', `Order ${orderId} was cancelled`);
    if (p.delivered_at) return p;
    const updated = await trx.updateTable('payments').set({ delivered_at: new Date(), updated_at: new Date() }).where('id', '=', p.id).returningAll().executeTakeFirstOrThrow();
    await appendEvent(trx, { type: 'order.delivered', aggregateId: p.id, data: { order_id: orderId, amount_due: p.amount }, actor: actorLabel(actor) });
    return updated;
  });
}
