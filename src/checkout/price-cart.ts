import type { Kysely } from 'kysely';
import { isKessaiError, type ErrorCode } from '../errors/index.ts';
import type { Trx } from './context.ts';
import { computeShippingFee, type ShippingQuote } from './shipping-fee.ts';
import { activeRulesFor } from './shipping-rules.ts';
import type { CartRow, CheckoutTables } from './tables.ts';

export interface PricedLine {
  sku: string;
  name: string;
  quantity: number;
  unitPrice: bigint;
  amount: bigint;
  weightGrams: number;
  /** Enough available stock for this line right now (reservation checks it for real). */
  inStock: boolean;
}

export interface PricedCart {
  cart: CartRow;
  lines: PricedLine[];
  subtotal: bigint;
  totalWeightGrams: number;
  /** Null when the fee cannot be known: no region yet, or `shippingError`. An empty cart ships for 0. */
  shipping: ShippingQuote | null;
  shippingError: { code: ErrorCode; message: string; details: Record<string, unknown> } | null;
  /** Subtotal plus shipping; null while the shipping fee is not known. */
  total: bigint | null;
  /** The open stock reservation holding this cart's stock (a checkout in progress). */
  reservationId: string | null;
}

/** A cart at current prices, with its weight, shipping fee and total. */
export async function priceCart(db: Kysely<CheckoutTables> | Trx, cart: CartRow): Promise<PricedCart> {
  // One query after the other: inside a transaction both run on the same connection.
  const rows = await db
    .selectFrom('cart_lines as l')
    .innerJoin('products as p', 'p.sku', 'l.sku')
    .select(['l.sku', 'l.quantity', 'p.name', 'p.price', 'p.weight_grams', 'p.stock_available'])
    .where('l.cart_id', '=', cart.id)
    .orderBy('l.created_at')
    .orderBy('l.sku')
    .execute();
  const reservation = await db.selectFrom('stock_reservations').select('id').where('cart_id', '=', cart.id).where('status', '=', 'reserved').executeTakeFirst();
  const lines: PricedLine[] = rows.map((r) => ({
    sku: r.sku,
    name: r.name,
    quantity: r.quantity,
    unitPrice: r.price,
    amount: r.price * BigInt(r.quantity),
    weightGrams: r.weight_grams,
    inStock: r.stock_available >= r.quantity,
  }));
  const subtotal = lines.reduce((sum, l) => sum + l.amount, 0n);
  const totalWeightGrams = lines.reduce((sum, l) => sum + l.weightGrams * l.quantity, 0);
  let shipping: ShippingQuote | null = null;
  let shippingError: PricedCart['shippingError'] = null;
  if (lines.length === 0) {
    shipping = null;
  } else if (cart.region !== null) {
    try {
      const rules = await activeRulesFor(db, cart.region, cart.currency);
      shipping = computeShippingFee(rules, { region: cart.region, currency: cart.currency, weightGrams: totalWeightGrams, subtotal });
    } catch (err) {
      if (!isKessaiError(err)) throw err;
      shippingError = { code: err.code, message: err.message, details: err.details };
    }
  }
  const fee = lines.length === 0 ? 0n : shipping?.fee ?? null;
  return {
    cart,
    lines,
    subtotal,
    totalWeightGrams,
    shipping,
    shippingError,
    total: fee === null ? null : subtotal + fee,
    reservationId: reservation?.id ?? null,
  };
}

/** The API's view of a cart. */
export function presentCart(p: PricedCart) {
  const c = p.cart;
  return {
    id: c.id,
    object: 'cart' as const,
    status: c.deleted_at ? ('deleted' as const) : ('open' as const),
    currency: c.currency,
    region: c.region,
    customer_reference: c.customer_reference,
    lines: p.lines.map((l) => ({
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      unit_price: Number(l.unitPrice),
      amount: Number(l.amount),
      weight_grams: l.weightGrams,
      in_stock: l.inStock,
    })),
    subtotal: Number(p.subtotal),
    total_weight_grams: p.totalWeightGrams,
    shipping_fee: p.lines.length === 0 ? 0 : p.shipping ? Number(p.shipping.fee) : null,
    shipping_rule_id: p.shipping?.ruleId ?? null,
    free_shipping: p.shipping?.freeShipping ?? false,
    shipping_error: p.shippingError ? { code: p.shippingError.code, message: p.shippingError.message, ...p.shippingError.details } : null,
    total: p.total === null ? null : Number(p.total),
    reservation_id: p.reservationId,
    created_at: c.created_at.toISOString(),
    updated_at: c.updated_at.toISOString(),
    deleted_at: c.deleted_at?.toISOString() ?? null,
  };
}

export type CartView = ReturnType<typeof presentCart>;
