// The demo data `npm start` seeds on first start: made through the public API, so it is what a
// shop would see, and seeded once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemo } from '../src/cli/seed-demo.ts';
import { startTestApp, type TestApp } from './support/app.ts';

let t: TestApp;
before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kessai-demo-'));
  t = await startTestApp({ KESSAI_DATA_DIR: dir, KESSAI_MAIL_DIR: join(dir, 'mail') });
});
after(async () => t?.close());

test('the demo has payments in several states, checkouts, rewards campaigns and two reconciled days', { timeout: 60_000 }, async () => {
  const first = await seedDemo(t.platform, t.app);
  assert.ok(first.apiKey);
  const get = async (url: string) => (await t.request({ method: 'GET', url, key: first.apiKey })).json();
  const payments = await get('/v1/payments?limit=100');
  assert.ok(new Set(payments.data.map((p: { status: string }) => p.status)).size >= 5);
  const runs = (await get('/v1/checkouts')).data;
  assert.deepEqual(runs.map((r: { status: string }) => r.status).sort(), ['completed', 'failed']);
  const orders = (await get('/v1/orders')).data;
  assert.equal(orders.length, 1);
  const order = await get(`/v1/orders/${orders[0].id}`);
  assert.equal(order.total, 2 * 1_620 + 2_750 + 800);
  assert.equal(order.mails.length, 1);
  assert.equal(order.payment.status, 'authorized');

  const campaigns = (await get('/v1/rewards/campaigns')).data;
  assert.equal(campaigns.length, 2);
  const estimate = await t.request({ method: 'POST', url: '/v1/rewards/estimate', key: first.apiKey, payload: { customer_id: 'cus-hanako', amount: 10_000, currency: 'JPY', merchant_id: 'shop-001', payment_method: 'card' } });
  assert.equal(estimate.json().total_points, 300 + 50, estimate.body);

  // Two days of a demo channel, reconciled by runs the seed started (the workers finish them).
  const deadline = Date.now() + 30_000;
  let recon = (await get('/v1/reconciliation/runs')).data as Array<{ status: string; result: { discrepant_count: number } | null }>;
  while (recon.some((r) => r.status === 'running') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    recon = (await get('/v1/reconciliation/runs')).data;
  }
  assert.deepEqual(recon.map((r) => r.status), ['completed', 'completed']);
  const discrepancies = (await get('/v1/reconciliation/discrepancies?channel=generic:demo-shop')).data as Array<{ reasons: string[] }>;
  assert.deepEqual(discrepancies.flatMap((d) => d.reasons).sort(), ['channel_amount_differs_from_order', 'channel_differs_from_ours', 'fee_mismatch', 'missing_on_channel_side', 'missing_on_our_side', 'missing_on_our_side'].sort());

  const again = await seedDemo(t.platform, t.app);
  assert.equal(again.apiKey, first.apiKey);
  assert.equal((await get('/v1/checkouts')).data.length, 2, 'seeded once');
});
