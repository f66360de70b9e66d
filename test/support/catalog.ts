import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import type { TestApp } from './app.ts';

export function newSku(prefix = 'SKU'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Creates a product through the API (asserting 201) and returns it. */
export async function createProduct(t: TestApp, body: Record<string, unknown> = {}) {
  const res = await t.request({
    method: 'POST',
    url: '/v1/products',
    payload: { sku: newSku(), name: 'Tea bowl', price: 1200, currency: 'JPY', weight_grams: 300, stock: 10, ...body },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

export async function createCart(t: TestApp, body: Record<string, unknown> = {}) {
  const res = await t.request({ method: 'POST', url: '/v1/carts', payload: { currency: 'JPY', ...body } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

export async function addLine(t: TestApp, cartId: string, sku: string, quantity: number, extra: Record<string, unknown> = {}) {
  return t.request({ method: 'POST', url: `/v1/carts/${cartId}/lines`, payload: { sku, quantity, ...extra } });
}

/** A cart with the given lines (asserting each was added). */
export async function cartWith(t: TestApp, lines: Array<[sku: string, quantity: number]>, body: Record<string, unknown> = {}) {
  const cart = await createCart(t, body);
  for (const [sku, quantity] of lines) {
    const res = await addLine(t, cart.id, sku, quantity);
    assert.equal(res.statusCode, 200, res.body);
  }
  return cart;
}

export async function getProduct(t: TestApp, sku: string) {
  const res = await t.request({ method: 'GET', url: `/v1/products/${sku}` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}
