// Amount corrections on a discrepancy: evidence required, allowed while pending or in progress,
// viewers refused, every correction kept with the value it replaced, concurrent ones both kept,
// and the per-day history the console's chart reads.
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

const FIELDS = {
  amount: { channel: 1000, ours: 900, order: 1000 },
  currency: { channel: 'JPY', ours: 'JPY' },
  fees: { acquirer: { channel: 30, ours: 27 } },
};

async function seed(channel = 'stripe', postDate = '2026-11-20', amounts: [number | string | null, number | null] = [1000, 900]): Promise<string> {
  const id = `rdis_${randomUUID().replaceAll('-', '')}`;
  await t.platform.database.pool.query(
    `INSERT INTO recon_discrepancies (id, channel, post_date, match_key, reasons, fields, system_reason, first_run_id, last_run_id, currency, channel_amount, our_amount)
     VALUES ($1, $2, $3, $1, ARRAY['channel_differs_from_ours'], $4, 'channel_differs_from_ours', 'rrun_x', 'rrun_x', 'JPY', $5, $6)`,
    [id, channel, postDate, JSON.stringify(FIELDS), amounts[0], amounts[1]],
  );
  return id;
}

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('bank statement')]);
async function evidence(id: string): Promise<string> {
  const res = await t.request({ method: 'POST', url: `/v1/reconciliation/discrepancies/${id}/evidence?file_name=statement.png`, payload: PNG, headers: { 'content-type': 'image/png' }, key: operator });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id;
}
const correct = (id: string, body: Record<string, unknown>, key = operator) =>
  t.request({ method: 'POST', url: `/v1/reconciliation/discrepancies/${id}/corrections`, payload: { side: 'ours', field: 'amount', amount: 1000, currency: 'JPY', reason: 'booked short, see statement', ...body }, key });
const act = (ids: string[], action: string, reason?: string) =>
  t.request({ method: 'POST', url: '/v1/reconciliation/discrepancies/actions', payload: { ids, action, ...(reason ? { reason } : {}) }, key: operator });
const history = async (id: string) => (await t.request({ method: 'GET', url: `/v1/reconciliation/discrepancies/${id}/history`, key: viewer })).json();

test('a correction needs evidence attached to this discrepancy', async () => {
  const d = await seed();
  const none = await correct(d, { evidence_ids: [] });
  assert.equal(none.statusCode, 422, none.body);
  assert.equal(none.json().error.code, 'KS_ERR_DISCREPANCY_EVIDENCE_REQUIRED');
  const other = await seed();
  const elsewhere = await correct(d, { evidence_ids: [await evidence(other)] });
  assert.equal(elsewhere.statusCode, 422, 'evidence of another discrepancy does not count');
  assert.equal(elsewhere.json().error.code, 'KS_ERR_DISCREPANCY_EVIDENCE_REQUIRED');
  assert.equal((await history(d)).corrections.length, 0);
});

test('corrected with evidence: kept with the value it replaced, logged, the state unchanged; then resolved', async () => {
  const d = await seed();
  const ev = await evidence(d);
  const res = await correct(d, { evidence_ids: [ev] });
  assert.equal(res.statusCode, 201, res.body);
  const c = res.json();
  assert.deepEqual(c.before, { amount: '900', currency: 'JPY' });
  assert.deepEqual(c.after, { amount: '1000', currency: 'JPY' });
  assert.deepEqual(c.evidence_ids, [ev]);
  const fee = await correct(d, { side: 'channel', field: 'acquirer', amount: '27', reason: 'fee tier changed on 11-01', evidence_ids: [ev] });
  assert.equal(fee.statusCode, 201, fee.body);
  assert.deepEqual(fee.json().before, { amount: '30', currency: 'JPY' });
  const big = await correct(d, { amount: '-999999999999999', currency: 'usd', evidence_ids: [ev] });
  assert.equal(big.statusCode, 201, 'a signed amount up to the money module’s limit is kept exactly');
  assert.deepEqual(big.json().before, { amount: '1000', currency: 'JPY' }, 'the previous correction is the value replaced');
  assert.deepEqual(big.json().after, { amount: '-999999999999999', currency: 'USD' });

  const h = await history(d);
  assert.deepEqual(h.corrections.map((x: { seq: number; field: string }) => `${x.seq}:${x.field}`), ['1:amount', '2:acquirer', '3:amount']);
  const logged = h.actions.filter((a: { action: string }) => a.action === 'correct');
  assert.equal(logged.length, 3);
  assert.deepEqual(logged[0].details.before, { amount: '900', currency: 'JPY' });
  assert.equal(logged[0].from_state, 'pending');
  assert.equal(logged[0].to_state, 'pending');

  const list = (await t.request({ method: 'GET', url: `/v1/reconciliation/discrepancies?channel=stripe&limit=100`, key: viewer })).json();
  const view = list.data.find((x: { id: string }) => x.id === d);
  assert.equal(view.state, 'pending');
  assert.deepEqual(view.corrected['ours.amount'], { amount: '-999999999999999', currency: 'USD', correction_id: big.json().id });
  assert.equal(view.corrected['channel.acquirer'].amount, '27');

  const events = await t.platform.database.pool.query(`SELECT count(*)::int AS n FROM events WHERE type = 'discrepancy.amount_corrected' AND aggregate_id = $1`, [d]);
  assert.equal(events.rows[0].n, 3);
  const audit = await t.platform.database.pool.query(`SELECT details FROM audit_log WHERE action = 'discrepancy.amount_corrected' AND target_id = $1 ORDER BY id`, [d]);
  assert.equal(audit.rows.length, 3, 'each correction in the audit log');
  assert.deepEqual(audit.rows[0].details.before, { amount: '900', currency: 'JPY' });

  assert.equal((await act([d], 'resolve', 'corrected per statement')).statusCode, 200);
  const late = await correct(d, { evidence_ids: [ev] });
  assert.equal(late.statusCode, 409);
  assert.equal(late.json().error.code, 'KS_ERR_DISCREPANCY_INVALID_STATE');
  assert.equal((await act([d], 'reopen', 'one more fix')).statusCode, 200);
  assert.equal((await correct(d, { evidence_ids: [ev] })).statusCode, 201, 'in progress again: correctable');
});

test('viewers cannot correct; validation refusals', async () => {
  const d = await seed();
  const ev = await evidence(d);
  assert.equal((await correct(d, { evidence_ids: [ev] }, viewer)).statusCode, 403);
  assert.equal((await correct(d, { evidence_ids: [ev], amount: 12.5 })).json().error.code, 'KS_ERR_VALIDATION');
  assert.equal((await correct(d, { evidence_ids: [ev], amount: '12.5' })).json().error.code, 'KS_ERR_AMOUNT_INVALID');
  assert.equal((await correct(d, { evidence_ids: [ev], currency: 'ZZZ' })).json().error.code, 'KS_ERR_CURRENCY_UNSUPPORTED');
  assert.equal((await correct(d, { evidence_ids: [ev], field: 'tip' })).statusCode, 400);
  assert.equal((await correct('rdis_nope', { evidence_ids: [ev] })).json().error.code, 'KS_ERR_DISCREPANCY_NOT_FOUND');
  assert.equal((await history(d)).corrections.length, 0);
});

test('an Idempotency-Key replays the correction instead of recording it twice', async () => {
  const d = await seed();
  const ev = await evidence(d);
  const key = randomUUID();
  const body = { side: 'ours', field: 'amount', amount: 1000, currency: 'JPY', reason: 'retry-safe', evidence_ids: [ev] };
  const first = await t.request({ method: 'POST', url: `/v1/reconciliation/discrepancies/${d}/corrections`, payload: body, key: operator, headers: { 'idempotency-key': key } });
  const second = await t.request({ method: 'POST', url: `/v1/reconciliation/discrepancies/${d}/corrections`, payload: body, key: operator, headers: { 'idempotency-key': key } });
  assert.equal(first.statusCode, 201, first.body);
  assert.equal(second.json().id, first.json().id);
  assert.equal((await history(d)).corrections.length, 1);
});

test('operators correcting at once: every correction kept, each replacing the one before', async () => {
  const d = await seed();
  const ev = await evidence(d);
  const amounts = [1001, 1002, 1003, 1004, 1005, 1006];
  const results = await Promise.all(amounts.map((amount) => correct(d, { amount, evidence_ids: [ev] })));
  assert.ok(results.every((r) => r.statusCode === 201), results.map((r) => r.body).join('\n'));
  const h = (await history(d)).corrections as Array<{ seq: number; before: { amount: string }; after: { amount: string } }>;
  assert.deepEqual(h.map((c) => c.seq), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(h.map((c) => c.after.amount).sort(), amounts.map(String));
  assert.equal(h[0]!.before.amount, '900');
  for (let i = 1; i < h.length; i++) assert.equal(h[i]!.before.amount, h[i - 1]!.after.amount, 'no correction lost: each replaced the previous');
});

test('history: match rate and discrepancy amount per day, exact, per currency', async () => {
  const channel = `generic:hist${randomUUID().slice(0, 6)}`;
  await t.platform.database.pool.query(
    `INSERT INTO recon_results (channel, post_date, line_count, matched_count, discrepant_count, expected_count, channel_totals, our_totals, result, run_id)
     VALUES ($1, '2026-11-18', 10, 3, 1, 0, '{}', '{}', 'discrepancies', 'rrun_x')`,
    [channel],
  );
  await seed(channel, '2026-11-18', ['9007199254740993', 1]);
  const resolved = await seed(channel, '2026-11-18', [null, 250]);
  assert.equal((await act([resolved], 'resolve', 'written off')).statusCode, 200);
  const res = await t.request({ method: 'GET', url: `/v1/reconciliation/history?channel=${encodeURIComponent(channel)}&from=2026-11-17&to=2026-11-19`, key: viewer });
  assert.equal(res.statusCode, 200, res.body);
  const days = res.json().days;
  assert.deepEqual(days.map((d: { post_date: string }) => d.post_date), ['2026-11-17', '2026-11-18', '2026-11-19']);
  assert.equal(days[0].match_rate, null);
  assert.equal(days[1].match_rate, '0.7500');
  assert.deepEqual(days[1].discrepancy_amount, { JPY: '9007199254741242' });
  assert.equal(days[1].discrepancy_count, 2);
  assert.equal(days[1].open_discrepancy_count, 1);
  const bad = await t.request({ method: 'GET', url: '/v1/reconciliation/history?from=2026-11-19&to=2026-11-01', key: viewer });
  assert.equal(bad.statusCode, 400);
});
