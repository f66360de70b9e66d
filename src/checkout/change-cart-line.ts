import { KessaiError } from '../errors/index.ts';
import { MAX_AMOUNT } from '../money/index.ts';
import { LIMITS, type Actor, type CheckoutContext } from './context.ts';
import { lockCartForChange } from './get-cart.ts';
import { presentCart, priceCart, type CartView } from './price-cart.ts';

export interface CartLineInput {
  sku: string;
  /** 0 removes the line. */
  quantity: number;
  /** `add` (default): added to the line's quantity; `set`: becomes the line's quantity. */
  mode?: 'add' | 'set';
}

/**
 * Adds a product to the cart (the same SKU again raises its quantity), sets a line's quantity,
 * or removes it (quantity 0). Under the cart's row lock, so concurrent changes all count.
 * Stock is not held here: it is checked for real when the checkout reserves it.
 */
export async function changeCartLine(ctx: CheckoutContext, cartId: string, input: CartLineInput, _actor: Actor): Promise<CartView> {
  return ctx.db.transaction().execute(async (trx) => {
    const cart = await lockCartForChange(trx, cartId);
    const existing = await trx.selectFrom('cart_lines').select('quantity').where('cart_id', '=', cartId).where('sku', '=', input.sku).executeTakeFirst();
    const now = new Date();
    if (input.quantity === 0) {
      if (existing) await trx.deleteFrom('cart_lines').where('cart_id', '=', cartId).where('sku', '=', input.sku).execute();
    } else {
      const product = await trx.selectFrom('products').select(['sku', 'currency']).where('sku', '=', input.sku).executeTakeFirst();
      if (!product) throw new KessaiError('KS_ERR_PRODUCT_NOT_FOUND', `No product with SKU ${input.sku}`, { field: 'sku', sku: input.sku });
      if (product.currency !== cart.currency) {
        throw new KessaiError('KS_ERR_CURRENCY_MISMATCH', `${input.sku} is priced in ${product.currency}; the cart is in ${cart.currency}`, { field: 'sku', sku: input.sku });
      }
      const quantity = input.mode === 'set' ? input.quantity : (existing?.quantity ?? 0) + input.quantity;
      if (quantity > LIMITS.maxQuantity) {
        throw new KessaiError('KS_ERR_VALIDATION', `quantity of ${input.sku} can be at most ${LIMITS.maxQuantity} per cart`, { field: 'quantity', sku: input.sku });
      }
      if (existing) {
        await trx.updateTable('cart_lines').set({ quantity, updated_at: now }).where('cart_id', '=', cartId).where('sku', '=', input.sku).execute();
      } else {
        const { count } = await trx.selectFrom('cart_lines').select((eb) => eb.fn.countAll<bigint>().as('count')).where('cart_id', '=', cartId).executeTakeFirstOrThrow();
        if (Number(count) >= LIMITS.maxLines) throw new KessaiError('KS_ERR_VALIDATION', `A cart holds at most ${LIMITS.maxLines} different products`, { field: 'sku' });
        await trx.insertInto('cart_lines').values({ cart_id: cartId, sku: input.sku, quantity }).execute();
      }
    }
    const updated = await trx.updateTable('carts').set({ updated_at: now }).where('id', '=', cartId).returningAll().executeTakeFirstOrThrow();
    const priced = await priceCart(trx, updated);
    if (priced.subtotal > MAX_AMOUNT) {
      throw new KessaiError('KS_ERR_AMOUNT_INVALID', `The cart's subtotal would exceed ${MAX_AMOUNT} minor units`, { field: 'quantity' });
    }
    return presentCart(priced);
  });
}
