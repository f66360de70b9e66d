import { KessaiError } from '../errors/index.ts';
import { appendEvent } from '../events/index.ts';
import { actorLabel, SYSTEM, type Actor, type CheckoutContext, type Trx } from './context.ts';
import { presentCart, priceCart, type CartView } from './price-cart.ts';
import type { CartRow } from './tables.ts';

/**
 * Soft-deletes a cart inside the caller's transaction (the checkout does it as it completes the
 * order, after committing the stock). Idempotent: a deleted cart is returned as it is. A cart
 * whose stock is still reserved is refused: commit or release the reservation first.
 */
export async function deleteCartInTransaction(trx: Trx, cartId: string, actor: Actor = SYSTEM): Promise<CartRow> {
  const cart = await trx.selectFrom('carts').selectAll().where('id', '=', cartId).forUpdate().executeTakeFirst();
  if (!cart) throw new KessaiError('KS_ERR_CART_NOT_FOUND', `No cart ${cartId}`);
  if (cart.deleted_at) return cart;
  const open = await trx.selectFrom('stock_reservations').select('id').where('cart_id', '=', cartId).where('status', '=', 'reserved').executeTakeFirst();
  if (open) throw new KessaiError('KS_ERR_CART_RESERVED', `Cart ${cartId} is being checked out (reservation ${open.id})`, { cart_id: cartId, reservation_id: open.id });
  const now = new Date();
  const deleted = await trx.updateTable('carts').set({ deleted_at: now, updated_at: now }).where('id', '=', cartId).returningAll().executeTakeFirstOrThrow();
  await appendEvent(trx, { type: 'cart.deleted', aggregateId: cartId, data: {}, actor: actorLabel(actor) });
  return deleted;
}

export async function deleteCart(ctx: CheckoutContext, cartId: string, actor: Actor = SYSTEM): Promise<CartView> {
  const cart = await ctx.db.transaction().execute((trx) => deleteCartInTransaction(trx, cartId, actor));
  return presentCart(await priceCart(ctx.db, cart));
}
