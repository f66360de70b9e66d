// After money is taken nothing is refunded: a failing completion step (mail server down, order
// write failing) makes the run need attention, the operations channel hears of it, and a
// re-run from the failed step finishes it without repeating a step.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from './support/app.ts';
import { checkoutBody, postCheckout, readyCart, settledCheckout } from './support/checkout.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';
import { freePort, startFakeSmtpServer, type FakeSmtpServer } from './fakes/fake-smtp-server.ts';

let t: TestApp;
let ops: WebhookReceiver;
let smtpPort: number;
let smtp: FakeSmtpServer | null = null;

before(async () => {
  ops = await startWebhookReceiver();
  smtpPort = await freePort();
  t = await startTestApp({
    KESSAI_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    KESSAI_OPS_WEBHOOK_URL: `${ops.url}/slack`,
    KESSAI_MAIL_DIR: mkdtempSync(join(tmpdir(), 'kessai-mail-')),
    KESSAI_PUBLIC_URL: 'https://kessai.example',
  });
});
after(async () => {
  await t?.close();
  await ops?.close();
  await smtp?.close();
});

const rerun = (id: string) => t.request({ method: 'POST', url: `/v1/checkouts/${id}/rerun`, payload: { note: 'cause fixed' } });
const sql = (text: string, params: unknown[] = []) => t.platform.database.pool.query(text, params);
async function charges(pm: string): Promise<number> {
  return (await t.request({ method: 'GET', url: `/v1/sandbox/cards/${pm}` })).json().charges;
}

describe('a failure after money is taken', () => {
  test('mail server down: needs attention, operations notified, re-run after the fix sends one mail and changes nothing else', async () => {
    const { cart } = await readyCart(t);
    const chargesBefore = await charges('pm_card_debit');
    const res = await postCheckout(t, cart.id, checkoutBody('pm_card_debit'));
    assert.equal(res.statusCode, 202, res.body);
    const run = res.json();
    assert.equal(run.status, 'needs_attention');
    assert.equal(run.failed_step, 'send-confirmation');
    assert.equal(run.money_taken, true);
    assert.equal(run.error.code, 'KS_ERR_CHECKOUT_STEP_FAILED');
    assert.equal(run.rerunnable, true);
    assert.ok(run.attention_since);
    assert.match(run.order_id, /^ord_/);
    const payment = (await t.request({ method: 'GET', url: `/v1/payments/${run.payment_id}` })).json();
    assert.equal(payment.status, 'authorized', 'nothing is refunded or voided automatically');

    await ops.waitFor((r) => r.some((w) => w.path === '/slack' && JSON.stringify(w.raw.toString()).includes(run.id)), 10_000, 'the operations notice');
    const notice = JSON.parse(ops.received.find((w) => w.raw.toString().includes(run.id))!.raw.toString());
    for (const needle of [run.id, run.order_id, 'send-confirmation', 'KS_ERR_CHECKOUT_STEP_FAILED', `https://kessai.example/console/checkouts/${run.id}`]) {
      assert.ok(notice.text.includes(needle), `${needle} in ${notice.text}`);
    }

    const queue = (await t.request({ method: 'GET', url: '/v1/checkouts?status=needs_attention' })).json();
    assert.ok(queue.data.some((c: { id: string }) => c.id === run.id));

    // Re-run before the fix: fails again at the same step, still one order.
    const early = await rerun(run.id);
    assert.equal(early.statusCode, 202, early.body);
    assert.equal(early.json().status, 'needs_attention');
    assert.equal(early.json().reruns, 1);

    smtp = await startFakeSmtpServer(smtpPort);
    const fixed = await rerun(run.id);
    assert.equal(fixed.statusCode, 201, fixed.body);
    const done = fixed.json();
    assert.equal(done.status, 'completed');
    assert.equal(done.reruns, 2);
    assert.equal(smtp.received.length, 1);
    const order = (await t.request({ method: 'GET', url: `/v1/orders/${run.order_id}` })).json();
    const kept = await t.request({ method: 'GET', url: `/v1/orders/${run.order_id}/mails/${order.mails[0].id}/raw` });
    assert.equal(kept.statusCode, 200, 'a copy of the mail sent by SMTP is kept');
    assert.equal(kept.body.replace(/\r\n/g, '\n').trim(), smtp.received[0]!.data.replace(/\r\n/g, '\n').trim());
    assert.match(smtp.received[0]!.data, new RegExp(`Subject: Your order ${run.order_id} is confirmed`));
    assert.equal(await charges('pm_card_debit'), chargesBefore + 1, 'one authorization');
    // Steps before the failed one ran once: one of each.
    const names = done.steps.map((s: { name: string }) => s.name);
    for (const name of ['validate-cart', 'reserve-stock', 'create-payment', 'authorize-payment', 'place-order']) {
      assert.equal(names.filter((n: string) => n === name).length, 1, `${name} in ${names}`);
    }
    const orders = await sql('SELECT count(*)::int AS n FROM orders WHERE checkout_id = $1', [run.id]);
    assert.equal(orders.rows[0].n, 1);
    const history = await sql('SELECT type FROM order_history WHERE order_id = $1 ORDER BY id', [run.order_id]);
    assert.deepEqual(history.rows.map((r) => r.type), ['placed', 'confirmation_sent']);
    const timeline = done.timeline.map((e: { type: string }) => e.type);
    assert.deepEqual(timeline, ['stock.reserved', 'stock.committed', 'checkout.needs_attention', 'checkout.rerun', 'checkout.needs_attention', 'checkout.rerun', 'checkout.completed']);

    const again = await rerun(run.id);
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.code, 'KS_ERR_CHECKOUT_NOT_RERUNNABLE');
  });

  test('order write failing: needs attention at place-order; stock stays reserved, the re-run places it once', async () => {
    smtp ??= await startFakeSmtpServer(smtpPort);
    const { sku, cart } = await readyCart(t, { stock: 4 });
    // A real database fault: the orders table refuses this cart's order until the trigger goes.
    await sql(`CREATE OR REPLACE FUNCTION test_refuse_order() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$`);
    await sql(`CREATE TRIGGER test_refuse_order BEFORE INSERT ON orders FOR EACH ROW WHEN (NEW.cart_id = '${cart.id}') EXECUTE FUNCTION test_refuse_order()`);
    try {
      const res = await postCheckout(t, cart.id, checkoutBody());
      assert.equal(res.statusCode, 202, res.body);
      const run = res.json();
      assert.equal(run.status, 'needs_attention');
      assert.equal(run.failed_step, 'place-order');
      assert.match(run.error.message, /No space left on device/);
      const product = (await t.request({ method: 'GET', url: `/v1/products/${sku}` })).json();
      assert.deepEqual([product.stock, product.stock_reserved, product.stock_sold], [3, 1, 0], 'held for the order, not released');
      await sql('DROP TRIGGER test_refuse_order ON orders');
      const fixed = await rerun(run.id);
      assert.equal(fixed.statusCode, 201, fixed.body);
      const order = (await t.request({ method: 'GET', url: `/v1/orders/${run.order_id}` })).json();
      assert.equal(order.payment.status, 'authorized');
      const sold = (await t.request({ method: 'GET', url: `/v1/products/${sku}` })).json();
      assert.deepEqual([sold.stock, sold.stock_reserved, sold.stock_sold], [3, 0, 1]);
    } finally {
      await sql('DROP TRIGGER IF EXISTS test_refuse_order ON orders');
    }
  });

  test('two operators re-running at once: one re-run goes through', async () => {
    smtp ??= await startFakeSmtpServer(smtpPort);
    const { cart } = await readyCart(t);
    await sql(`CREATE TRIGGER test_refuse_order BEFORE INSERT ON orders FOR EACH ROW WHEN (NEW.cart_id = '${cart.id}') EXECUTE FUNCTION test_refuse_order()`);
    const run = (await postCheckout(t, cart.id, checkoutBody())).json();
    assert.equal(run.status, 'needs_attention');
    await sql('DROP TRIGGER test_refuse_order ON orders');
    const results = await Promise.all([rerun(run.id), rerun(run.id), rerun(run.id)]);
    const codes = results.map((r) => r.statusCode).sort();
    assert.equal(codes.filter((c) => c === 201 || c === 202).length, 1, results.map((r) => r.body).join('\n'));
    assert.ok(results.filter((r) => r.statusCode === 409).every((r) => r.json().error.code === 'KS_ERR_CHECKOUT_NOT_RERUNNABLE'));
    assert.equal((await settledCheckout(t, run.id)).status, 'completed');
  });
});

describe('a lost authorization answer', () => {
  test('pm_card_timeout: the run asks again by the same key and completes with one authorization', async () => {
    smtp ??= await startFakeSmtpServer(smtpPort);
    const { cart } = await readyCart(t);
    const before = await charges('pm_card_timeout');
    const res = await postCheckout(t, cart.id, checkoutBody('pm_card_timeout'));
    const run = res.statusCode === 202 ? await settledCheckout(t, res.json().id) : res.json();
    assert.equal(run.status, 'completed', JSON.stringify(run));
    const names = run.steps.map((s: { name: string }) => s.name);
    assert.ok(names.includes('confirm-authorization'), names.join(','));
    assert.equal(await charges('pm_card_timeout'), before + 1);
  });
});
