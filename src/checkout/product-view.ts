import type { ProductRow } from './tables.ts';

/** The API's view of a product: money in minor units, stock as its three counters. */
export function presentProduct(p: ProductRow) {
  return {
    sku: p.sku,
    object: 'product' as const,
    name: p.name,
    price: Number(p.price),
    currency: p.currency,
    weight_grams: p.weight_grams,
    stock: p.stock_available,
    stock_reserved: p.stock_reserved,
    stock_sold: Number(p.stock_sold),
    created_at: p.created_at.toISOString(),
    updated_at: p.updated_at.toISOString(),
  };
}

export type ProductView = ReturnType<typeof presentProduct>;
