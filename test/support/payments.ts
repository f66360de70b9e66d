import { randomUUID } from 'node:crypto';
import type { TestApp } from './app.ts';

export function newOrderId(): string {
  return `ord-${randomUUID()}`;
}

/** Creates a payment through the API and returns the response. */
export async function pay(t: TestApp, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return t.request({
    method: 'POST',
    url: '/v1/payments',
    headers,
    payload: { order_id: newOrderId(), amount: 10_000, currency: 'JPY', provider: 'sandbox', payment_method: 'pm_card_visa', capture_method: 'manual', ...body },
  });
}

export async function card(t: TestApp, paymentMethod: string) {
  return (await t.request({ method: 'GET', url: `/v1/sandbox/cards/${paymentMethod}` })).json();
}

export async function getPayment(t: TestApp, id: string) {
  return (await t.request({ method: 'GET', url: `/v1/payments/${id}` })).json();
}
