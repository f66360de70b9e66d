import { sql } from 'kysely';
import { appendEvent } from '../events/index.ts';
import { actorLabel } from './context.ts';
import { commitStockInTransaction } from './commit-stock.ts';
import type { CheckoutInput, PricedSnapshot } from './checkout-steps.ts';
import type { CheckoutRunContext } from './run-context.ts';

/**
 * Step `place-order`, after the money is taken: in one transaction the reserved stock becomes
 * sold, the order is written with its lines (as priced for the payment) and its first history
 * entry, and the cart is soft-deleted. All or nothing; a re-executed step finds the order
 * written and changes nothing.
 */
export async function placeOrder(ctx: CheckoutRunContext, input: CheckoutInput, priced: PricedSnapshot, paymentId: string | null): Promise<{ orderId: string }> {
  await ctx.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('orders')
      .values({
        id: input.orderId,
        checkout_id: input.checkoutId,
        cart_id: input.cartId,
        status: 'placed',
        customer: JSON.stringify(input.request.customer),
        shipping_address: JSON.stringify(input.request.shipping_address),
        currency: input.currency,
        subtotal: BigInt(priced.subtotal),
        shipping_fee: BigInt(priced.shippingFee),
        total: BigInt(priced.total),
        payment_id: paymentId,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return;
    await commitStockInTransaction(trx, input.reservationId, input.actor);
    await trx
      .insertInto('order_lines')
      .values(priced.lines.map((l) => ({ order_id: input.orderId, sku: l.sku, name: l.name, quantity: l.quantity, unit_price: BigInt(l.unitPrice), amount: BigInt(l.amount), weight_grams: l.weightGrams })))
      .execute();
    const actor = actorLabel(input.actor);
    const data = { checkout_id: input.checkoutId, payment_id: paymentId, total: priced.total, currency: input.currency };
    await trx.insertInto('order_history').values({ order_id: input.orderId, type: 'placed', data: JSON.stringify(data), actor }).execute();
    await trx.updateTable('carts').set({ deleted_at: sql`now()`, updated_at: sql`now()` }).where('id', '=', input.cartId).where('deleted_at', 'is', null).execute();
    await trx
      .updateTable('checkouts')
      .set({ payment_id: paymentId, subtotal: BigInt(priced.subtotal), shipping_fee: BigInt(priced.shippingFee), total: BigInt(priced.total), money_taken: true, updated_at: sql`now()` })
      .where('id', '=', input.checkoutId)
      .execute();
    await appendEvent(trx, { type: 'order.placed', aggregateId: input.orderId, data: { ...data, cart_id: input.cartId }, actor });
  });
  return { orderId: input.orderId };
}
