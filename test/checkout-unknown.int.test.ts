// A provider that never answers: the run cannot know whether money was taken, so it neither
// compensates nor completes. It needs attention, holding the stock for the order.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './support/app.ts';
import { getProduct } from './support/catalog.ts';
import { checkoutBody, postCheckout, readyCart } from './support/checkout.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp({ SANDBOX_FAULT_RATE: '1', KESSAI_CHECKOUT_AUTH_CHECKS: '2', KESSAI_CHECKOUT_AUTH_CHECK_MS: '20' });
});
after(async () => t?.close());

test('no answer after every check: needs attention at confirm-authorization, nothing compensated', async () => {
  const { sku, cart } = await readyCart(t, { stock: 2 });
  const res = await postCheckout(t, cart.id, checkoutBody());
  assert.equal(res.statusCode, 202, res.body);
  const run = res.json();
  assert.equal(run.status, 'needs_attention');
  assert.equal(run.failed_step, 'confirm-authorization');
  assert.equal(run.error.code, 'KS_ERR_AUTHORIZATION_UNKNOWN');
  assert.equal(run.money_taken, true, 'treated as taken: never compensated automatically');
  assert.deepEqual(
    run.steps.map((s: { name: string }) => s.name),
    ['validate-cart', 'reserve-stock', 'compute-shipping', 'create-payment', 'authorize-payment', 'confirm-authorization', 'confirm-authorization', 'flag-needs-attention', 'notify-operations'],
  );
  const product = await getProduct(t, sku);
  assert.deepEqual([product.stock, product.stock_reserved], [1, 1]);
  const payment = (await t.request({ method: 'GET', url: `/v1/payments/${run.payment_id}` })).json();
  assert.notEqual(payment.status, 'voided');
  assert.ok(payment.operation_in_progress, 'the authorization is still open for the status sync');
});
