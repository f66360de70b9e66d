import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { TestApp } from './app.ts';
import { cartWith, createProduct } from './catalog.ts';

export const REGION = 'JP-13';

/** A shipping rule for REGION in JPY: 800 up to 2 kg, 1,200 up to 5 kg, free from 20,000. */
export async function ensureShippingRule(t: TestApp): Promise<void> {
  const existing = await t.request({ method: 'GET', url: `/v1/shipping_rules?region=${REGION}` });
  if (existing.json().data.some((r: { currency: string; superseded_at: string | null }) => r.currency === 'JPY' && !r.superseded_at)) return;
  const res = await t.request({
    method: 'POST',
    url: '/v1/shipping_rules',
    payload: { region: REGION, currency: 'JPY', bands: [{ up_to_grams: 2000, fee: 800 }, { up_to_grams: 5000, fee: 1200 }], free_shipping_threshold: 20000 },
  });
  assert.equal(res.statusCode, 201, res.body);
}

/** A product (price 1,200, 300 g) and a cart in REGION holding `quantity` of it. */
export async function readyCart(t: TestApp, options: { stock?: number; quantity?: number; price?: number; sku?: string } = {}) {
  await ensureShippingRule(t);
  const sku = options.sku ?? (await createProduct(t, { stock: options.stock ?? 10, ...(options.price !== undefined ? { price: options.price } : {}) })).sku;
  const cart = await cartWith(t, [[sku, options.quantity ?? 1]], { region: REGION });
  return { sku, cart };
}

export function checkoutBody(paymentMethod = 'pm_card_visa', extra: Record<string, unknown> = {}) {
  return {
    customer: { email: `buyer-${randomUUID().slice(0, 6)}@example.com`, name: 'Hanako Yamada' },
    shipping_address: { name: 'Hanako Yamada', line1: '1-2-3 Chiyoda', city: 'Tokyo', postal_code: '100-0001', country: 'JP' },
    payment_method: paymentMethod,
    ...extra,
  };
}

export function postCheckout(t: TestApp, cartId: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return t.request({ method: 'POST', url: `/v1/carts/${cartId}/checkout`, payload: body, headers });
}

/** Polls a checkout until it is no longer running. */
export async function settledCheckout(t: TestApp, checkoutId: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.request({ method: 'GET', url: `/v1/checkouts/${checkoutId}` });
    assert.equal(res.statusCode, 200, res.body);
    const view = res.json();
    if (view.status !== 'running') return view;
    if (Date.now() > deadline) assert.fail(`checkout ${checkoutId} still running: ${res.body}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
