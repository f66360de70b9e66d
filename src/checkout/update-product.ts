import type { Updateable } from 'kysely';
import { KessaiError } from '../errors/index.ts';
import { appendEvents, type NewEvent } from '../events/index.ts';
import { actorLabel, LIMITS, type Actor, type CheckoutContext } from './context.ts';
import { presentProduct, type ProductView } from './product-view.ts';
import type { ProductsTable } from './tables.ts';

export interface UpdateProductInput {
  name?: string;
  price?: bigint;
  weightGrams?: number;
  /** A new available level (a stocktake). */
  stockLevel?: number;
  /** Units to add to (or, negative, take from) the available stock. */
  stockAdjustment?: number;
  /** Apply only if the available stock is exactly this now (compare-and-set). */
  expectedStock?: number;
}

/**
 * Changes a product. Stock changes are made under the product's row lock, from the stock as it
 * is at that moment: an adjustment is added to whatever the stock is by then (so concurrent
 * adjustments and reservations all count), and `expectedStock` turns a new level into a
 * compare-and-set that refuses to overwrite a change the caller has not seen. Reserved and sold
 * units are never touched here.
 */
export async function updateProduct(ctx: CheckoutContext, sku: string, input: UpdateProductInput, actor: Actor): Promise<ProductView> {
  if (input.stockLevel !== undefined && input.stockAdjustment !== undefined) {
    throw new KessaiError('KS_ERR_VALIDATION', 'Send either stock (a new level) or stock_adjustment (a change), not both', { field: 'stock_adjustment' });
  }
  const row = await ctx.db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('products').selectAll().where('sku', '=', sku).forUpdate().executeTakeFirst();
    if (!current) throw new KessaiError('KS_ERR_PRODUCT_NOT_FOUND', `No product with SKU ${sku}`, { sku });
    if (input.expectedStock !== undefined && current.stock_available !== input.expectedStock) {
      throw new KessaiError('KS_ERR_STOCK_CHANGED', `The available stock of ${sku} is ${current.stock_available}, not ${input.expectedStock}`, {
        field: 'expected_stock',
        sku,
        stock: current.stock_available,
      });
    }
    const stock = input.stockLevel ?? (input.stockAdjustment !== undefined ? current.stock_available + input.stockAdjustment : current.stock_available);
    if (stock < 0) {
      throw new KessaiError('KS_ERR_STOCK_NEGATIVE', `${sku} has ${current.stock_available} available; ${input.stockAdjustment} would make it negative`, {
        field: 'stock_adjustment',
        sku,
        stock: current.stock_available,
      });
    }
    if (stock > LIMITS.maxStock) {
      throw new KessaiError('KS_ERR_VALIDATION', `The available stock can be at most ${LIMITS.maxStock}`, { field: input.stockLevel !== undefined ? 'stock' : 'stock_adjustment' });
    }
    const changes: Updateable<ProductsTable> = {
      ...(input.name !== undefined && input.name !== current.name ? { name: input.name } : {}),
      ...(input.price !== undefined && input.price !== current.price ? { price: input.price } : {}),
      ...(input.weightGrams !== undefined && input.weightGrams !== current.weight_grams ? { weight_grams: input.weightGrams } : {}),
    };
    const stockChanged = stock !== current.stock_available;
    if (Object.keys(changes).length === 0 && !stockChanged) return current;
    const updated = await trx
      .updateTable('products')
      .set({ ...changes, ...(stockChanged ? { stock_available: stock } : {}), updated_at: new Date() })
      .where('sku', '=', sku)
      .returningAll()
      .executeTakeFirstOrThrow();
    const events: NewEvent[] = [];
    const label = actorLabel(actor);
    if (Object.keys(changes).length > 0) events.push({ type: 'product.updated', aggregateId: `product:${sku}`, data: { sku, ...changes }, actor: label });
    if (stockChanged) {
      events.push({
        type: 'product.stock_adjusted',
        aggregateId: `product:${sku}`,
        data: { sku, stock_before: current.stock_available, stock_after: stock, adjustment: stock - current.stock_available, as: input.stockLevel !== undefined ? 'level' : 'adjustment' },
        actor: label,
      });
    }
    await appendEvents(trx, events);
    return updated;
  });
  return presentProduct(row);
}
