import { isKessaiError, KessaiError } from '../errors/index.ts';
import { findCart } from './get-cart.ts';
import { priceCart } from './price-cart.ts';
import { reserveStock } from './reserve-stock.ts';
import { releaseStock } from './release-stock.ts';
import type { Actor } from './context.ts';
import type { CheckoutPayment, CheckoutRunContext } from './run-context.ts';
import type { CheckoutError, CheckoutRequest } from './tables.ts';

/** What a run is started with; the workflow's input (DBOS stores it with the run). */
export interface CheckoutInput {
  checkoutId: string;
  cartId: string;
  orderId: string;
  /** The stock reservation's id: the run's id, so a re-executed step finds its reservation. */
  reservationId: string;
  currency: string;
  request: CheckoutRequest;
  actor: Actor;
}

/** A step's business outcome. Refusals are data (recorded as the step's output), not exceptions. */
export type StepResult<T> = { ok: true; value: T } | { ok: false; error: CheckoutError };

export async function attempt<T>(fn: () => Promise<T>): Promise<StepResult<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    // Anything else (the database unreachable, a bug) is thrown: DBOS retries the step.
    if (!isKessaiError(err)) throw err;
    return { ok: false, error: { code: err.code, message: err.message, details: err.details } };
  }
}

/** The cart as it will be sold; amounts as decimal strings (step outputs are JSON). */
export interface PricedSnapshot {
  lines: Array<{ sku: string; name: string; quantity: number; unitPrice: string; amount: string; weightGrams: number }>;
  subtotal: string;
  shippingFee: string;
  total: string;
  shippingRuleId: string | null;
}

/** Step `validate-cart`: the cart can be checked out as it stands, before anything is held. */
export async function validateCart(ctx: CheckoutRunContext, input: CheckoutInput): Promise<{ lines: number; subtotal: string }> {
  const cart = await findCart(ctx, input.cartId);
  if (cart.deleted_at) throw new KessaiError('KS_ERR_CART_DELETED', `Cart ${cart.id} was deleted at ${cart.deleted_at.toISOString()}`, { cart_id: cart.id });
  const priced = await priceCart(ctx.db, cart);
  if (priced.lines.length === 0) throw new KessaiError('KS_ERR_CART_EMPTY', `Cart ${cart.id} has no lines`, { cart_id: cart.id });
  if (cart.region === null) throw new KessaiError('KS_ERR_CART_REGION_MISSING', `Cart ${cart.id} has no shipping region; set it before checking out`, { field: 'region' });
  if (priced.shippingError) throw new KessaiError(priced.shippingError.code, priced.shippingError.message, priced.shippingError.details);
  if (!ctx.payments.providerNames().includes(input.request.provider)) {
    throw new KessaiError('KS_ERR_PROVIDER_UNKNOWN', `No payment provider ${input.request.provider}`, { field: 'provider' });
  }
  const short = priced.lines.find((l) => !l.inStock);
  if (short) throw new KessaiError('KS_ERR_OUT_OF_STOCK', `${short.sku}: not enough in stock for ${short.quantity}`, { sku: short.sku, requested: short.quantity });
  return { lines: priced.lines.length, subtotal: priced.subtotal.toString() };
}

/** Step `reserve-stock`: all lines or none, under row locks; never oversells. */
export async function reserveCartStock(ctx: CheckoutRunContext, input: CheckoutInput): Promise<{ reservationId: string }> {
  const r = await reserveStock(ctx, input.cartId, input.reservationId, input.actor);
  if (r.status !== 'reserved' && r.status !== 'committed') {
    throw new KessaiError('KS_ERR_RESERVATION_INVALID_STATE', `Reservation ${r.id} is ${r.status}`, { reservation_id: r.id, status: r.status });
  }
  return { reservationId: r.id };
}

/** Step `compute-shipping`: the reserved cart (frozen while reserved) priced, with its shipping fee. */
export async function computeShipping(ctx: CheckoutRunContext, input: CheckoutInput): Promise<PricedSnapshot> {
  const priced = await priceCart(ctx.db, await findCart(ctx, input.cartId));
  if (priced.shippingError) throw new KessaiError(priced.shippingError.code, priced.shippingError.message, priced.shippingError.details);
  if (!priced.shipping || priced.total === null) throw new KessaiError('KS_ERR_CART_REGION_MISSING', `Cart ${input.cartId} has no shipping region`, { field: 'region' });
  return {
    lines: priced.lines.map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantity, unitPrice: l.unitPrice.toString(), amount: l.amount.toString(), weightGrams: l.weightGrams })),
    subtotal: priced.subtotal.toString(),
    shippingFee: priced.shipping.fee.toString(),
    total: priced.total.toString(),
    shippingRuleId: priced.shipping.ruleId,
  };
}

/** Step `create-payment`: the order's payment, opened for the total; not authorized yet. */
export async function createOrderPayment(ctx: CheckoutRunContext, input: CheckoutInput, priced: PricedSnapshot): Promise<CheckoutPayment> {
  const r = input.request;
  return ctx.payments.openPayment(
    {
      orderId: input.orderId,
      amount: BigInt(priced.total),
      currency: input.currency,
      provider: r.provider,
      paymentMethod: r.payment_method,
      captureMethod: r.capture_method,
      metadata: { checkout_id: input.checkoutId, cart_id: input.cartId },
    },
    input.actor,
  );
}

/** Compensation step `cancel-payment`: the order's payment closed (nothing was authorized). */
export async function cancelOrderPayment(ctx: CheckoutRunContext, input: CheckoutInput): Promise<{ outcome: string }> {
  try {
    const r = await ctx.payments.cancelOrder(input.orderId, input.actor);
    return { outcome: r.outcome };
  } catch (err) {
    // Already cancelled, or declined (a declined payment holds nothing): nothing left to undo.
    if (isKessaiError(err) && (err.code === 'KS_ERR_ORDER_CANCELLED' || err.code === 'KS_ERR_ORDER_NOT_FOUND')) return { outcome: 'nothing_to_cancel' };
    throw err;
  }
}

/** Compensation step `release-stock`: reserved units back to available (none reserved: nothing). */
export async function releaseCartStock(ctx: CheckoutRunContext, input: CheckoutInput): Promise<{ released: boolean }> {
  return { released: (await releaseStock(ctx, input.reservationId, input.actor)) !== null };
}
