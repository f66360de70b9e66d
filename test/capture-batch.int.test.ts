import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './support/app.ts';
import { getPayment, pay } from './support/payments.ts';
import { captureAudit, seedDeliveredPayments } from './support/seed-payments.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp({ KESSAI_CAPTURE_RETRY_BASE_MS: '20', KESSAI_CAPTURE_MAX_ATTEMPTS: '3' });
});
after(async () => t?.close());

describe('capture batch', () => {
  test('captures every delivered order’s amount due, and only those', async () => {
    await seedDeliveredPayments(t.platform.database.pool, 120, 'b1');
    const undelivered = (await pay(t, { amount: 3000 })).json();
    const changed = (await pay(t, { amount: 5000 })).json();
    await t.request({ method: 'POST', url: `/v1/orders/${changed.order_id}/changes`, payload: { kind: 'stockout', amount: 4200 } });
    const delivered = await t.request({ method: 'POST', url: `/v1/orders/${changed.order_id}/delivered` });
    assert.equal(delivered.statusCode, 200, delivered.body);
    assert.equal(delivered.json().status, 'authorized', 'delivery never captures inline');

    const result = await (await t.platform.payments.captureBatch.start('capb_test_1')).getResult();
    assert.equal(result.claimed, 121);
    assert.equal(result.captured, 121);
    assert.equal(result.flagged, 0);
    const audit = await captureAudit(t.platform.database.pool, 'b1');
    assert.deepEqual(audit, { payments: 120, captured: 120, double_captures: 0, mismatched: 0, open_ops: 0 });
    const c = await getPayment(t, changed.id);
    assert.equal(c.status, 'captured');
    assert.equal(c.amount_captured, 4200, 'the amount due at capture time');
    assert.equal((await getPayment(t, undelivered.id)).status, 'authorized');

    const again = await (await t.platform.payments.captureBatch.start('capb_test_2')).getResult();
    assert.equal(again.claimed, 0, 'a second batch finds nothing left to capture');
  });

  test('a provider failure is retried with back-off, then the payment is flagged', async () => {
    const p = (await pay(t, { amount: 2000 })).json();
    await t.request({ method: 'POST', url: `/v1/orders/${p.order_id}/delivered` });
    // The provider voided the authorization on its side (it expired): every capture is refused.
    await t.platform.database.pool.query("UPDATE sandbox_charges SET status = 'voided' WHERE id = $1", [p.provider_payment_id]);
    const result = await (await t.platform.payments.captureBatch.start('capb_test_fail')).getResult();
    assert.equal(result.flagged, 1);
    const after = await getPayment(t, p.id);
    assert.equal(after.needs_attention, true);
    assert.match(after.attention_reason, /Capture failed 3 times/);
    assert.equal(after.operations.filter((o: { kind: string }) => o.kind === 'capture').length, 3);
    const flaggedList = (await t.request({ method: 'GET', url: '/v1/payments?needs_attention=true' })).json();
    assert.ok(flaggedList.data.some((x: { id: string }) => x.id === p.id));
  });

  test('the admin endpoint starts a batch and reports progress', async () => {
    const p = (await pay(t, { amount: 1500 })).json();
    await t.request({ method: 'POST', url: `/v1/orders/${p.order_id}/delivered` });
    const started = await t.request({ method: 'POST', url: '/v1/admin/capture_batches' });
    assert.equal(started.statusCode, 202);
    const id = started.json().id;
    for (let i = 0; i < 100; i++) {
      const prog = (await t.request({ method: 'GET', url: `/v1/admin/capture_batches/${id}` })).json();
      if (prog.claimed === 1 && prog.done === 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal((await getPayment(t, p.id)).status, 'captured');
  });
});
