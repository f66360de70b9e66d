// Handling discrepancies: the state machine with operators and reasons, bulk actions all or
// none, concurrent operators, and evidence files checked by content and size.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from './support/app.ts';

let t: TestApp;
let operator: string;
let viewer: string;
before(async () => {
  t = await startTestApp();
  operator = (await t.platform.identity.createApiKey({ name: 'ops', scopes: ['reconciliation:read', 'reconciliation:write'] })).key;
  viewer = (await t.platform.identity.createApiKey({ name: 'viewer', scopes: ['reconciliation:read'] })).key;
});
after(async () => t?.close());

async function seed(n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => `dsc_${randomUUID().replaceAll('-', '')}`);
  for (const id of ids) {
    await t.platform.database.pool.query(
      `INSERT INTO recon_discrepancies (id, channel, post_date, match_key, reasons, system_reason, first_run_id, last_run_id, currency, channel_amount, our_amount)
       VALUES ($1, 'stripe', '2026-11-20', $1, ARRAY['amount_mismatch'], 'channel 1000 ≠ ours 900', 'rrun_x', 'rrun_x', 'JPY', 1000, 900)`,
      [id],
    );
  }
  return ids;
}
const act = (ids: string[], action: string, reason?: string, key = operator) =>
  t.request({ method: 'POST', url: '/v1/reconciliation/discrepancies/actions', payload: { ids, action, ...(reason ? { reason } : {}) }, key });
const state = async (id: string) => (await t.platform.database.pool.query('SELECT state, operator, operator_reason, resolved_at FROM recon_discrepancies WHERE id = $1', [id])).rows[0];

test('start, resolve with a reason, reopen; viewers cannot act', async () => {
  const [d] = await seed(1);
  assert.equal((await act([d!], 'start', undefined, viewer)).statusCode, 403);
  assert.equal((await act([d!], 'start')).statusCode, 200);
  assert.equal((await state(d!)).state, 'in_progress');
  const noReason = await act([d!], 'resolve');
  assert.equal(noReason.statusCode, 400);
  assert.equal(noReason.json().error.field, 'reason');
  assert.equal((await act([d!], 'resolve', 'refund issued by the channel on 11-21')).statusCode, 200);
  const resolved = await state(d!);
  assert.equal(resolved.state, 'resolved');
  assert.equal(resolved.operator_reason, 'refund issued by the channel on 11-21');
  assert.ok(resolved.resolved_at);
  const again = await act([d!], 'start');
  assert.equal(again.statusCode, 409);
  assert.equal(again.json().error.code, 'KS_ERR_DISCREPANCY_INVALID_STATE');
  assert.equal((await act([d!], 'reopen', 'the refund bounced')).statusCode, 200);
  assert.equal((await state(d!)).resolved_at, null);
  const history = (await t.request({ method: 'GET', url: `/v1/reconciliation/discrepancies/${d}/history`, key: viewer })).json();
  assert.deepEqual(history.actions.map((a: { action: string; to_state: string }) => `${a.action}→${a.to_state}`), ['start→in_progress', 'resolve→resolved', 'reopen→in_progress']);
});

test('a bulk action is all or none', async () => {
  const [a, b, c] = await seed(3);
  assert.equal((await act([a!], 'resolve', 'matched by hand')).statusCode, 200);
  const mixed = await act([a!, b!, c!], 'start');
  assert.equal(mixed.statusCode, 409);
  assert.deepEqual(mixed.json().error.refused, [{ id: a, state: 'resolved' }]);
  assert.equal((await state(b!)).state, 'pending', 'nothing changed');
  const bulk = await act([b!, c!], 'resolve', 'written off, below threshold');
  assert.equal(bulk.statusCode, 200, bulk.body);
  assert.deepEqual(bulk.json().changed.map((x: { to: string }) => x.to), ['resolved', 'resolved']);
  assert.equal((await act(['dsc_nope'], 'start')).json().error.code, 'KS_ERR_DISCREPANCY_NOT_FOUND');
});

test('operators starting one discrepancy at once: one takes it', async () => {
  const [d] = await seed(1);
  const results = await Promise.all(Array.from({ length: 6 }, () => act([d!], 'start')));
  assert.equal(results.filter((r) => r.statusCode === 200).length, 1, results.map((r) => r.body).join('\n'));
  assert.ok(results.filter((r) => r.statusCode !== 200).every((r) => r.json().error.code === 'KS_ERR_DISCREPANCY_INVALID_STATE'));
});

test('evidence: PNG and JPEG by content, refused otherwise or when over 20 MB', async () => {
  const [d] = await seed(1);
  const upload = (bytes: Buffer, name: string, type = 'application/octet-stream') =>
    t.request({ method: 'POST', url: `/v1/reconciliation/discrepancies/${d}/evidence?file_name=${encodeURIComponent(name)}`, payload: bytes, headers: { 'content-type': type }, key: operator });
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('rest of a png')]);
  const saved = await upload(png, 'bank statement.png', 'image/png');
  assert.equal(saved.statusCode, 201, saved.body);
  assert.equal(saved.json().content_type, 'image/png');
  assert.equal((await upload(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), 'receipt.jpg')).json().content_type, 'image/jpeg');
  const fake = await upload(Buffer.from('%PDF-1.7 not an image'), 'looks.png', 'image/png');
  assert.equal(fake.statusCode, 415);
  assert.equal(fake.json().error.code, 'KS_ERR_EVIDENCE_INVALID');
  const huge = await upload(Buffer.concat([png, Buffer.alloc(20 * 1024 * 1024)]), 'huge.png', 'image/png');
  assert.ok(huge.statusCode === 415 || huge.statusCode === 413, huge.body);
  const history = (await t.request({ method: 'GET', url: `/v1/reconciliation/discrepancies/${d}/history`, key: viewer })).json();
  assert.equal(history.evidence.length, 2);
  const file = await t.request({ method: 'GET', url: `/v1/reconciliation/discrepancies/${d}/evidence/${saved.json().id}`, key: viewer });
  assert.equal(file.statusCode, 200);
  assert.equal(file.headers['content-type'], 'image/png');
  assert.deepEqual(file.rawPayload, png);
});
