import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './support/app.ts';
import { card, getPayment, newOrderId, pay } from './support/payments.ts';

let t: TestApp;
before(async () => {
  // Each test here uses its own cards' books only through fresh payments; the debit card is checked by deltas.
  t = await startTestApp({ KESSAI_PENDING_AFTER_SECONDS: '0' });
});
after(async () => t?.close());

describe('payments API', () => {
  test('authorize: a manual payment holds the amount and shows its timeline', async () => {
    const res = await pay(t);
    assert.equal(res.statusCode, 201, res.body);
    const p = res.json();
    assert.match(p.id, /^pay_/);
    assert.equal(p.status, 'authorized');
    assert.equal(p.amount_authorized, 10_000);
    assert.equal(p.amount_captured, 0);
    assert.equal(p.amount_capturable, 10_000);
    const detail = await getPayment(t, p.id);
    assert.deepEqual(detail.timeline.map((e: { type: string }) => e.type), ['payment.created', 'payment.authorized']);
    assert.equal(detail.operations[0].kind, 'authorize');
    assert.equal(detail.operations[0].status, 'succeeded');
  });

  test('automatic capture captures at once', async () => {
    const p = (await pay(t, { capture_method: 'automatic', amount: 2500 })).json();
    assert.equal(p.status, 'captured');
    assert.equal(p.amount_captured, 2500);
  });

  test('a decline is 402 with the declined payment and its decline code', async () => {
    const res = await pay(t, { payment_method: 'pm_card_declined' });
    assert.equal(res.statusCode, 402);
    const e = res.json().error;
    assert.equal(e.code, 'KS_ERR_PAYMENT_DECLINED');
    assert.equal(e.decline_code, 'insufficient_funds');
    assert.equal(e.payment.status, 'declined');
    assert.equal(e.payment.amount_authorized, 0);
  });

  test('an amount of 0 takes no authorization', async () => {
    const res = await pay(t, { amount: 0 });
    assert.equal(res.statusCode, 201);
    assert.equal(res.json().status, 'requires_authorization');
  });

  test('one payment per order', async () => {
    const order_id = newOrderId();
    assert.equal((await pay(t, { order_id })).statusCode, 201);
    const again = await pay(t, { order_id });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.code, 'KS_ERR_ORDER_HAS_PAYMENT');
  });

  test('after a decline the customer may try again; a live payment’s method cannot change', async () => {
    const order_id = newOrderId();
    assert.equal((await pay(t, { order_id, payment_method: 'pm_card_declined' })).statusCode, 402);
    const retry = await pay(t, { order_id, payment_method: 'pm_card_visa' });
    assert.equal(retry.statusCode, 201, retry.body);
    const other = await pay(t, { order_id, payment_method: 'pm_card_mastercard' });
    assert.equal(other.statusCode, 409);
    assert.equal(other.json().error.code, 'KS_ERR_PAYMENT_METHOD_CHANGE');
    assert.equal(other.json().error.payment_id, retry.json().id);
    const change = await t.request({ method: 'POST', url: `/v1/orders/${order_id}/changes`, payload: { kind: 'items', amount: 9000 } });
    assert.equal(change.json().payment.id, retry.json().id, 'order changes act on the live payment');
  });

  test('bad input: unknown currency, float amount, unknown provider, unknown field', async () => {
    assert.equal((await pay(t, { currency: 'XYZ' })).json().error.code, 'KS_ERR_CURRENCY_UNSUPPORTED');
    const float = await pay(t, { amount: 10.5 });
    assert.equal(float.json().error.code, 'KS_ERR_VALIDATION');
    assert.equal(float.json().error.field, 'amount');
    assert.equal((await pay(t, { provider: 'nope' })).json().error.code, 'KS_ERR_PROVIDER_UNKNOWN');
    const extra = await pay(t, { tip: 5 });
    assert.equal(extra.json().error.code, 'KS_ERR_UNKNOWN_FIELD');
    assert.equal(extra.json().error.field, 'tip');
  });

  test('capture: partial and final, then nothing more; over-capture is refused', async () => {
    const p = (await pay(t)).json();
    const over = await t.request({ method: 'POST', url: `/v1/payments/${p.id}/capture`, payload: { amount: 10_001 } });
    assert.equal(over.statusCode, 409);
    assert.equal(over.json().error.code, 'KS_ERR_AMOUNT_EXCEEDS_CAPTURABLE');
    const first = await t.request({ method: 'POST', url: `/v1/payments/${p.id}/capture`, payload: { amount: 3000, final: false } });
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().status, 'partially_captured');
    const second = await t.request({ method: 'POST', url: `/v1/payments/${p.id}/capture`, payload: { amount: 5000 } });
    assert.equal(second.json().status, 'captured');
    assert.equal(second.json().amount_captured, 8000);
    assert.equal(second.json().amount_capturable, 0);
    const third = await t.request({ method: 'POST', url: `/v1/payments/${p.id}/capture` });
    assert.equal(third.json().error.code, 'KS_ERR_PAYMENT_INVALID_STATE');
  });

  test('capture without an amount takes the amount due', async () => {
    const p = (await pay(t, { amount: 4200 })).json();
    const res = await t.request({ method: 'POST', url: `/v1/payments/${p.id}/capture` });
    assert.equal(res.json().amount_captured, 4200);
  });

  test('void releases a debit card’s money at once', async () => {
    const before = await card(t, 'pm_card_debit');
    const p = (await pay(t, { payment_method: 'pm_card_debit', amount: 7000 })).json();
    assert.equal((await card(t, 'pm_card_debit')).outstanding, before.outstanding + 7000);
    const res = await t.request({ method: 'POST', url: `/v1/payments/${p.id}/void` });
    assert.equal(res.json().status, 'voided');
    assert.equal((await card(t, 'pm_card_debit')).outstanding, before.outstanding);
  });

  test('a debit card captured for less gets the difference back', async () => {
    const before = await card(t, 'pm_card_debit');
    const p = (await pay(t, { payment_method: 'pm_card_debit', amount: 10_000 })).json();
    await t.request({ method: 'POST', url: `/v1/payments/${p.id}/capture`, payload: { amount: 8000 } });
    const after = await card(t, 'pm_card_debit');
    assert.equal(after.outstanding - before.outstanding, 8000);
    assert.equal(after.held, before.held);
  });

  test('refunds: partial, then the rest, never more', async () => {
    const p = (await pay(t, { capture_method: 'automatic', amount: 9000 })).json();
    const r1 = await t.request({ method: 'POST', url: `/v1/payments/${p.id}/refunds`, payload: { amount: 4000 } });
    assert.equal(r1.statusCode, 201, r1.body);
    assert.equal(r1.json().object, 'refund');
    assert.equal(r1.json().payment.status, 'partially_refunded');
    const over = await t.request({ method: 'POST', url: `/v1/payments/${p.id}/refunds`, payload: { amount: 5001 } });
    assert.equal(over.json().error.code, 'KS_ERR_AMOUNT_EXCEEDS_REFUNDABLE');
    const r2 = await t.request({ method: 'POST', url: `/v1/payments/${p.id}/refunds`, payload: { amount: 5000 } });
    assert.equal(r2.json().payment.status, 'refunded');
    assert.equal(r2.json().payment.amount_refunded, 9000);
  });

  test('incremental authorization raises the hold in place', async () => {
    const p = (await pay(t, { amount: 5000 })).json();
    const res = await t.request({ method: 'POST', url: `/v1/payments/${p.id}/increment_authorization`, payload: { amount: 6500 } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().amount_authorized, 6500);
    assert.equal(res.json().provider_payment_id, p.provider_payment_id);
    const lower = await t.request({ method: 'POST', url: `/v1/payments/${p.id}/increment_authorization`, payload: { amount: 6000 } });
    assert.equal(lower.json().error.code, 'KS_ERR_AMOUNT_NOT_INCREASED');
  });

  test('a card that cannot be raised: 422 with the provider’s code, nothing changed', async () => {
    const p = (await pay(t, { amount: 5000, payment_method: 'pm_card_no_incremental' })).json();
    const res = await t.request({ method: 'POST', url: `/v1/payments/${p.id}/increment_authorization`, payload: { amount: 6000 } });
    assert.equal(res.statusCode, 422);
    assert.equal(res.json().error.code, 'KS_ERR_PROVIDER_REJECTED');
    assert.equal(res.json().error.provider_code, 'incremental_authorization_not_supported');
    assert.equal((await getPayment(t, p.id)).amount_authorized, 5000);
  });

  test('lost response: pending (202), then the janitor finds it authorized', async () => {
    const res = await pay(t, { payment_method: 'pm_card_timeout', amount: 3000 });
    assert.equal(res.statusCode, 202, res.body);
    assert.equal(res.json().status, 'pending');
    const busy = await t.request({ method: 'POST', url: `/v1/payments/${res.json().id}/capture` });
    assert.equal(busy.json().error.code, 'KS_ERR_PAYMENT_OPERATION_IN_PROGRESS');
    const report = await t.platform.payments.sync();
    assert.ok(report.resolved >= 1, JSON.stringify(report));
    const p = await getPayment(t, res.json().id);
    assert.equal(p.status, 'authorized');
    assert.equal(p.amount_authorized, 3000);
    assert.equal((await card(t, 'pm_card_timeout')).charges >= 1, true);
  });

  test('list: filters and cursor pagination', async () => {
    const order_id = newOrderId();
    await pay(t, { order_id });
    const one = await t.request({ method: 'GET', url: `/v1/payments?order_id=${order_id}` });
    assert.equal(one.json().data.length, 1);
    const page1 = (await t.request({ method: 'GET', url: '/v1/payments?limit=2' })).json();
    assert.equal(page1.data.length, 2);
    assert.equal(page1.has_more, true);
    const page2 = (await t.request({ method: 'GET', url: `/v1/payments?limit=2&starting_after=${page1.next_cursor}` })).json();
    assert.ok(page2.data[0].id < page1.data[1].id);
    assert.equal(page1.prev_cursor, null, 'nothing is newer than the first page');
    assert.equal(page2.prev_cursor, page2.data[0].id);
    const back = (await t.request({ method: 'GET', url: `/v1/payments?limit=2&ending_before=${page2.prev_cursor}` })).json();
    assert.deepEqual(back.data.map((p: { id: string }) => p.id), page1.data.map((p: { id: string }) => p.id), 'back from page 2 is page 1');
    assert.equal(back.prev_cursor, null);
    assert.equal(back.next_cursor, page1.data[1].id);
    const page3 = (await t.request({ method: 'GET', url: `/v1/payments?limit=2&starting_after=${page2.next_cursor}` })).json();
    const back2 = (await t.request({ method: 'GET', url: `/v1/payments?limit=2&ending_before=${page3.prev_cursor}` })).json();
    assert.deepEqual(back2.data.map((p: { id: string }) => p.id), page2.data.map((p: { id: string }) => p.id), 'back from page 3 is page 2');
    assert.equal(back2.prev_cursor, page2.data[0].id);
    const both = await t.request({ method: 'GET', url: `/v1/payments?starting_after=${page2.next_cursor}&ending_before=${page3.prev_cursor}` });
    assert.equal(both.statusCode, 400);
    assert.equal(both.json().error.field, 'ending_before');
    const declined = (await t.request({ method: 'GET', url: '/v1/payments?status=declined' })).json();
    assert.ok(declined.data.every((p: { status: string }) => p.status === 'declined'));
    const bad = await t.request({ method: 'GET', url: '/v1/payments?status=nonsense' });
    assert.equal(bad.statusCode, 400);
  });

  test('Idempotency-Key: a replay returns the first response; another body is 422', async () => {
    const body = { order_id: newOrderId() };
    const first = await pay(t, body, { 'idempotency-key': 'k-create-1' });
    const replay = await pay(t, body, { 'idempotency-key': 'k-create-1' });
    assert.equal(replay.statusCode, first.statusCode);
    assert.equal(replay.body, first.body);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    const other = await pay(t, { ...body, amount: 1 }, { 'idempotency-key': 'k-create-1' });
    assert.equal(other.statusCode, 422);
    assert.equal(other.json().error.code, 'KS_ERR_IDEMPOTENCY_KEY_REUSED');
    const list = (await t.request({ method: 'GET', url: `/v1/payments?order_id=${body.order_id}` })).json();
    assert.equal(list.data.length, 1);
  });

  test('a declined request replays as the same decline', async () => {
    const body = { order_id: newOrderId(), payment_method: 'pm_card_declined' };
    const first = await pay(t, body, { 'idempotency-key': 'k-decl-1' });
    const replay = await pay(t, body, { 'idempotency-key': 'k-decl-1' });
    assert.equal(first.statusCode, 402);
    assert.equal(replay.statusCode, 402);
    assert.equal(replay.body, first.body);
  });

  test('admin repair is audited and on the timeline; invariants still hold', async () => {
    const p = (await pay(t, { amount: 3000 })).json();
    const bad = await t.request({ method: 'POST', url: `/v1/admin/payments/${p.id}/repair`, payload: { status: 'captured', amount_captured: 5000, reason: 'provider shows capture' } });
    assert.equal(bad.statusCode, 409);
    assert.equal(bad.json().error.code, 'KS_ERR_STATE_REPAIR_INVALID');
    const ok = await t.request({ method: 'POST', url: `/v1/admin/payments/${p.id}/repair`, payload: { status: 'captured', amount_captured: 3000, reason: 'provider dashboard shows the capture' } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().status, 'captured');
    const detail = await getPayment(t, p.id);
    assert.equal(detail.timeline.at(-1).type, 'payment.repaired');
    const audit = await t.platform.database.pool.query("SELECT * FROM audit_log WHERE action = 'payment.repair' AND target_id = $1", [p.id]);
    assert.equal(audit.rowCount, 1);
    const reader = (await t.request({ method: 'POST', url: '/v1/api_keys', payload: { name: 'w', scopes: ['payments:write'] } })).json().key;
    const denied = await t.request({ method: 'POST', url: `/v1/admin/payments/${p.id}/repair`, key: reader, payload: { status: 'voided', reason: 'just because' } });
    assert.equal(denied.statusCode, 403);
  });
});
