import { newId } from '../db/index.ts';
import { appendEvent } from '../events/index.ts';
import { exponentOf } from '../money/index.ts';
import { actorLabel, type Actor, type CheckoutContext } from './context.ts';
import { presentCart, priceCart, type CartView } from './price-cart.ts';

export interface CreateCartInput {
  currency: string;
  /** Where it ships (a shipping rule's region); needed for the shipping fee. */
  region?: string | null;
  /** The shop's reference for the customer. */
  customerReference?: string | null;
}

/** An empty cart in one currency: every line must be a product priced in it. */
export async function createCart(ctx: CheckoutContext, input: CreateCartInput, actor: Actor): Promise<CartView> {
  exponentOf(input.currency);
  const cart = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('carts')
      .values({ id: newId('cart'), currency: input.currency, region: input.region ?? null, customer_reference: input.customerReference ?? null })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendEvent(trx, { type: 'cart.created', aggregateId: row.id, data: { currency: row.currency, region: row.region }, actor: actorLabel(actor) });
    return row;
  });
  return presentCart(await priceCart(ctx.db, cart));
}
