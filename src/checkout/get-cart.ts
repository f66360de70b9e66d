import { KessaiError } from '../errors/index.ts';
import type { CheckoutContext, Trx } from './context.ts';
import { presentCart, priceCart, type CartView } from './price-cart.ts';
import type { CartRow } from './tables.ts';

export async function findCart(ctx: CheckoutContext, cartId: string): Promise<CartRow> {
  const cart = await ctx.db.selectFrom('carts').selectAll().where('id', '=', cartId).executeTakeFirst();
  if (!cart) throw new KessaiError('KS_ERR_CART_NOT_FOUND', `No cart ${cartId}`);
  return cart;
}

/** A cart with its lines, subtotal, weight, shipping fee and total (also once deleted). */
export async function getCart(ctx: CheckoutContext, cartId: string): Promise<CartView> {
  return presentCart(await priceCart(ctx.db, await findCart(ctx, cartId)));
}

/**
 * Locks a cart that is about to change. A deleted cart never changes again, and a cart whose
 * stock a checkout holds is frozen until that reservation is committed or released, so the
 * order is exactly what was reserved.
 */
export async function lockCartForChange(trx: Trx, cartId: string): Promise<CartRow> {
  const cart = await trx.selectFrom('carts').selectAll().where('id', '=', cartId).forUpdate().executeTakeFirst();
  if (!cart) throw new KessaiError('KS_ERR_CART_NOT_FOUND', `No cart ${cartId}`);
  if (cart.deleted_at) throw new KessaiError('KS_ERR_CART_DELETED', `Cart ${cartId} was deleted at ${cart.deleted_at.toISOString()}`, { cart_id: cartId });
  const open = await trx.selectFrom('stock_reservations').select('id').where('cart_id', '=', cartId).where('status', '=', 'reserved').executeTakeFirst();
  if (open) throw new KessaiError('KS_ERR_CART_RESERVED', `Cart ${cartId} is being checked out (reservation ${open.id})`, { cart_id: cartId, reservation_id: open.id });
  return cart;
}
