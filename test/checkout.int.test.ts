// The checkout run end to end through the HTTP API, on a real PostgreSQL with DBOS and the
// sandbox provider: the happy path, compensation before money is taken, and idempotency.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from './support/app.ts';
import { getProduct } from './support/catalog.ts';
import { checkoutBody, postCheckout, readyCart, settledCheckout } from './support/checkout.ts';

let t: TestApp;
const mailDir = mkdtempSync(join(tmpdir(), 'kessai-mail-'));
before(async () => {
  t = await startTestApp({ KESSAI_MAIL_DIR: mailDir, KESSAI_DB_POOL_SIZE: '30' });
});
after(async () => t?.close());

async function card(pm: string) {
  return (await t.request({ method: 'GET', url: `/v1/sandbox/cards/${pm}` })).json();
}

describe('a checkout that completes', () => {
  test('places the order, authorizes once, commits the stock, deletes the cart and writes the mail', async () => {
    const { sku, cart } = await readyCart(t, { stock: 5, quantity: 2 });
    const body = checkoutBody();
    const res = await postCheckout(t, cart.id, body);
    assert.equal(res.statusCode, 201, res.body);
    const run = res.json();
    assert.match(run.id, /^chk_/);
    assert.equal(run.status, 'completed');
    assert.equal(run.subtotal, 2400);
    assert.equal(run.shipping_fee, 800);
    assert.equal(run.total, 3200);
    assert.match(run.order_id, /^ord_/);
    assert.deepEqual(
      run.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`),
      ['validate-cart', 'reserve-stock', 'compute-shipping', 'create-payment', 'authorize-payment', 'place-order', 'send-confirmation'].map((n) => `${n}:succeeded`),
    );

    const order = (await t.request({ method: 'GET', url: `/v1/orders/${run.order_id}` })).json();
    assert.equal(order.total, 3200);
    assert.equal(order.lines.length, 1);
    assert.equal(order.lines[0].quantity, 2);
    assert.deepEqual(order.history.map((h: { type: string }) => h.type), ['placed', 'confirmation_sent']);
    assert.equal(order.payment.id, run.payment_id);
    assert.equal(order.payment.status, 'authorized');
    assert.equal(order.payment.amount_authorized, 3200);
    assert.equal(order.payment.order_id, run.order_id);

    const product = await getProduct(t, sku);
    assert.deepEqual([product.stock, product.stock_reserved, product.stock_sold], [3, 0, 2]);
    const cartNow = (await t.request({ method: 'GET', url: `/v1/carts/${cart.id}` })).json();
    assert.equal(cartNow.status, 'deleted');

    assert.equal(order.mails.length, 1);
    const raw = await t.request({ method: 'GET', url: `/v1/orders/${run.order_id}/mails/${order.mails[0].id}/raw` });
    assert.equal(raw.statusCode, 200);
    assert.match(raw.headers['content-type'] as string, /message\/rfc822/);
    assert.match(raw.body, new RegExp(`Subject: Your order ${run.order_id} is confirmed`));
    assert.match(raw.body, new RegExp(`To: ${body.customer.email}`));
    assert.match(raw.body, /Total {5}3200 JPY/);
    assert.ok(readdirSync(mailDir).some((f) => readFileSync(join(mailDir, f), 'utf8').includes(run.order_id)));
  });

  test('a double click and a retried request give one run, one order and one authorization', async () => {
    const { cart } = await readyCart(t, { stock: 5 });
    const body = checkoutBody('pm_card_visa');
    const before = await card('pm_card_visa');
    const results = await Promise.all(Array.from({ length: 6 }, () => postCheckout(t, cart.id, body)));
    const ids = new Set(results.map((r) => r.json().id));
    assert.equal(ids.size, 1, results.map((r) => r.body).join('\n'));
    assert.ok(results.every((r) => r.statusCode === 201 || r.statusCode === 202), results.map((r) => r.body).join('\n'));
    const again = await postCheckout(t, cart.id, body);
    assert.equal(again.json().id, [...ids][0]);
    assert.equal(again.json().status, 'completed');
    const after = await card('pm_card_visa');
    assert.equal(after.charges - before.charges, 1, JSON.stringify({ before, after }));
    const orders = await t.platform.database.pool.query('SELECT count(*)::int AS n FROM orders WHERE cart_id = $1', [cart.id]);
    assert.equal(orders.rows[0].n, 1);
  });

  test('other details while a run is live are refused', async () => {
    const { cart } = await readyCart(t);
    const first = await postCheckout(t, cart.id, checkoutBody('pm_card_visa'));
    assert.equal(first.statusCode, 201, first.body);
    const other = await postCheckout(t, cart.id, checkoutBody('pm_card_debit'));
    assert.equal(other.statusCode, 409, other.body);
    assert.ok(['KS_ERR_CHECKOUT_IN_PROGRESS', 'KS_ERR_CART_DELETED'].includes(other.json().error.code), other.body);
  });
});

describe('stock under concurrent checkouts', () => {
  test('200 concurrent checkouts for a SKU with 50 units: exactly 50 orders and 150 clear out-of-stock answers', async () => {
    const { sku } = await readyCart(t, { stock: 50 });
    const carts = await Promise.all(Array.from({ length: 200 }, async () => (await readyCart(t, { sku })).cart));
    const results = await Promise.all(carts.map((c) => postCheckout(t, c.id, checkoutBody())));
    // On a loaded machine a run may outlast the request's wait (202): follow it to its end.
    const outcomes = await Promise.all(
      results.map(async (r) => {
        if (r.statusCode !== 202) return { status: r.statusCode, body: r.json() };
        const run = await settledCheckout(t, r.json().id, 120_000);
        return run.status === 'completed' ? { status: 201, body: run } : { status: run.error?.code === 'KS_ERR_OUT_OF_STOCK' ? 409 : 500, body: { error: { ...run.error, ...run.error?.details } } };
      }),
    );
    const completed = outcomes.filter((r) => r.status === 201);
    const refused = outcomes.filter((r) => r.status === 409);
    assert.equal(completed.length, 50, JSON.stringify(outcomes.filter((r) => r.status !== 201 && r.status !== 409)));
    assert.equal(refused.length, 150);
    for (const r of refused) {
      assert.equal(r.body.error.code, 'KS_ERR_OUT_OF_STOCK');
      assert.equal(r.body.error.sku, sku);
    }
    const product = await getProduct(t, sku);
    assert.deepEqual([product.stock, product.stock_reserved, product.stock_sold], [0, 0, 50]);
    const orders = await t.platform.database.pool.query('SELECT count(*)::int AS n FROM order_lines WHERE sku = $1', [sku]);
    assert.equal(orders.rows[0].n, 50);
  });
});

describe('a checkout that fails before money is taken is compensated', () => {
  test('a decline releases the stock, cancels the payment and leaves the cart; the next attempt can succeed', async () => {
    const { sku, cart } = await readyCart(t, { stock: 3 });
    const res = await postCheckout(t, cart.id, checkoutBody('pm_card_declined'));
    assert.equal(res.statusCode, 402, res.body);
    const err = res.json().error;
    assert.equal(err.code, 'KS_ERR_PAYMENT_DECLINED');
    assert.equal(err.failed_step, 'authorize-payment');
    const run = (await t.request({ method: 'GET', url: `/v1/checkouts/${err.checkout_id}` })).json();
    assert.equal(run.status, 'failed');
    assert.equal(run.money_taken, false);
    assert.equal(run.order_id, null);
    assert.deepEqual(
      run.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`),
      ['validate-cart:succeeded', 'reserve-stock:succeeded', 'compute-shipping:succeeded', 'create-payment:succeeded', 'authorize-payment:succeeded', 'cancel-payment:succeeded', 'release-stock:succeeded', 'record-failure:succeeded'],
    );
    const payment = (await t.request({ method: 'GET', url: `/v1/payments/${run.payment_id}` })).json();
    assert.equal(payment.status, 'voided');
    assert.equal(payment.amount_authorized, 0);
    const product = await getProduct(t, sku);
    assert.deepEqual([product.stock, product.stock_reserved, product.stock_sold], [3, 0, 0]);
    const cartNow = (await t.request({ method: 'GET', url: `/v1/carts/${cart.id}` })).json();
    assert.equal(cartNow.status, 'open');
    assert.equal(cartNow.reservation_id, null);

    const retry = await postCheckout(t, cart.id, checkoutBody('pm_card_visa'));
    assert.equal(retry.statusCode, 201, retry.body);
    assert.equal(retry.json().attempt, 2);
    assert.notEqual(retry.json().id, run.id);
  });

  test('out of stock is a clear 409 naming the SKU, and nothing is held', async () => {
    const { sku, cart } = await readyCart(t, { stock: 1, quantity: 2 });
    const res = await postCheckout(t, cart.id, checkoutBody());
    assert.equal(res.statusCode, 409, res.body);
    assert.equal(res.json().error.code, 'KS_ERR_OUT_OF_STOCK');
    assert.equal(res.json().error.sku, sku);
    const product = await getProduct(t, sku);
    assert.deepEqual([product.stock, product.stock_reserved], [1, 0]);
  });

  test('a cart without a region is refused at validation', async () => {
    const { cart } = await readyCart(t);
    await t.request({ method: 'PATCH', url: `/v1/carts/${cart.id}`, payload: { region: null } });
    const res = await postCheckout(t, cart.id, checkoutBody());
    assert.equal(res.statusCode, 422, res.body);
    assert.equal(res.json().error.code, 'KS_ERR_CART_REGION_MISSING');
    assert.equal(res.json().error.failed_step, 'validate-cart');
  });
});
