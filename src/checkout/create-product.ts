import { KessaiError } from '../errors/index.ts';
import { appendEvent } from '../events/index.ts';
import { exponentOf } from '../money/index.ts';
import { actorLabel, isUniqueViolation, type Actor, type CheckoutContext } from './context.ts';
import { presentProduct, type ProductView } from './product-view.ts';

export interface CreateProductInput {
  sku: string;
  name: string;
  price: bigint;
  currency: string;
  weightGrams: number;
  /** Units available for sale from now on. */
  stock: number;
}

/** A new SKU with its price, weight and initial available stock. A SKU is never reused. */
export async function createProduct(ctx: CheckoutContext, input: CreateProductInput, actor: Actor): Promise<ProductView> {
  exponentOf(input.currency);
  try {
    const row = await ctx.db.transaction().execute(async (trx) => {
      const created = await trx
        .insertInto('products')
        .values({
          sku: input.sku,
          name: input.name,
          price: input.price,
          currency: input.currency,
          weight_grams: input.weightGrams,
          stock_available: input.stock,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendEvent(trx, {
        type: 'product.created',
        aggregateId: `product:${created.sku}`,
        data: { sku: created.sku, price: created.price, currency: created.currency, weight_grams: created.weight_grams, stock: created.stock_available },
        actor: actorLabel(actor),
      });
      return created;
    });
    return presentProduct(row);
  } catch (err) {
    if (isUniqueViolation(err, 'products_pkey')) throw new KessaiError('KS_ERR_PRODUCT_EXISTS', `A product with SKU ${input.sku} exists`, { field: 'sku' });
    throw err;
  }
}
