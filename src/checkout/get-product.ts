import { KessaiError } from '../errors/index.ts';
import type { CheckoutContext } from './context.ts';
import { presentProduct, type ProductView } from './product-view.ts';
import type { ProductRow } from './tables.ts';

export async function findProduct(ctx: CheckoutContext, sku: string): Promise<ProductRow> {
  const row = await ctx.db.selectFrom('products').selectAll().where('sku', '=', sku).executeTakeFirst();
  if (!row) throw new KessaiError('KS_ERR_PRODUCT_NOT_FOUND', `No product with SKU ${sku}`, { sku });
  return row;
}

export async function getProduct(ctx: CheckoutContext, sku: string): Promise<ProductView> {
  return presentProduct(await findProduct(ctx, sku));
}

/** In SKU order; `startingAfter` is the previous page's `next_cursor` (the last SKU). */
export async function listProducts(ctx: CheckoutContext, page: { limit: number; startingAfter?: string; currency?: string }) {
  let q = ctx.db.selectFrom('products').selectAll().orderBy('sku').limit(page.limit + 1);
  if (page.currency) q = q.where('currency', '=', page.currency);
  if (page.startingAfter !== undefined) q = q.where('sku', '>', page.startingAfter);
  const rows = await q.execute();
  const data = rows.slice(0, page.limit);
  const hasMore = rows.length > page.limit;
  return { data: data.map(presentProduct), has_more: hasMore, next_cursor: hasMore ? data[data.length - 1]!.sku : null };
}
