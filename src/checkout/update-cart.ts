import type { Actor, CheckoutContext } from './context.ts';
import { lockCartForChange } from './get-cart.ts';
import { presentCart, priceCart, type CartView } from './price-cart.ts';

export interface UpdateCartInput {
  region?: string | null;
  customerReference?: string | null;
}

/** Sets (or clears, with null) where the cart ships and whose it is; not while a checkout holds it. */
export async function updateCart(ctx: CheckoutContext, cartId: string, input: UpdateCartInput, _actor: Actor): Promise<CartView> {
  return ctx.db.transaction().execute(async (trx) => {
    await lockCartForChange(trx, cartId);
    const cart = await trx
      .updateTable('carts')
      .set({
        ...(input.region !== undefined ? { region: input.region } : {}),
        ...(input.customerReference !== undefined ? { customer_reference: input.customerReference } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', cartId)
      .returningAll()
      .executeTakeFirstOrThrow();
    return presentCart(await priceCart(trx, cart));
  });
}
