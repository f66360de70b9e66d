import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { signEventBody, type RewardInboundEvent } from '../src/rewards/index.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { pay } from './support/payments.ts';

const SECRET = 'test-events-secret';
let t: TestApp;
before(async () => {
  // A long poll interval: these tests drive the outbox consumer by hand.
  t = await startTestApp({ KESSAI_REWARDS_EVENTS_SECRET: SECRET, KESSAI_REWARDS_POINT_VALUE_YEN: '0.5', KESSAI_REWARDS_POLL_MS: '60000' });
});
after(async () => t?.close());

const uid = () => randomUUID().slice(0, 8);
const rewards = () => t.platform.rewards;
const db = () => t.platform.rewards.context.db;

/**
 * 3 % for stage 30+, 1 % from stage 10, on any merchant; caps as given. Each campaign takes only
 * its own payment method (`method`), so the tests, which share a database, do not see each other's.
 */
async function campaign(caps: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  const method = `m_${uid()}`;
  const res = await t.request({
    method: 'POST',
    url: '/v1/rewards/campaigns',
    payload: {
      name: `grants ${uid()}`,
      starts_at: '2026-01-01T00:00:00+09:00',
      ends_at: '2099-01-01T00:00:00+09:00',
      stage_rates: [
        { min_stage: 10, rate_percent: '1.0' },
        { min_stage: 30, rate_percent: '3.0' },
      ],
      rounding: 'floor',
      caps,
      funding_party: 'card_issuer',
      payment_filters: { payment_methods: [method] },
      ...extra,
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  return { ...(res.json() as { id: string; version: number }), method };
}

async function customer(stage = 30) {
  const id = `cus-${uid()}`;
  const res = await t.request({ method: 'PUT', url: `/v1/rewards/customers/${id}`, payload: { stage, card_status: 2, as_of: '2026-01-01T00:00:00Z' } });
  assert.equal(res.statusCode, 200, res.body);
  return id;
}

function settled(customerId: string, amount: number, extra: Partial<Record<string, unknown>> = {}) {
  return {
    id: `evt-${uid()}`,
    type: 'payment.settled',
    data: {
      payment_id: `pay-${uid()}`,
      customer_id: customerId,
      amount,
      currency: 'JPY',
      merchant_id: 'M-1',
      payment_method: 'card',
      paid_at: new Date().toISOString(),
      settled_at: new Date().toISOString(),
      ...extra,
    },
  };
}

function refunded(paymentId: string, refundId: string, amount: number) {
  return { id: `evt-${uid()}`, type: 'payment.refunded', data: { payment_id: paymentId, refund_id: refundId, amount, currency: 'JPY', refunded_at: new Date().toISOString() } };
}

async function post(event: unknown, opts: { secret?: string; t?: number; header?: string | null } = {}) {
  const body = JSON.stringify(event);
  const ts = opts.t ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const sig = opts.header === undefined ? signEventBody(opts.secret ?? SECRET, body, ts) : opts.header;
  if (sig !== null) headers['kessai-signature'] = sig;
  return t.request({ method: 'POST', url: '/v1/events', payload: body, headers, key: null });
}

const ingest = (e: ReturnType<typeof settled> | ReturnType<typeof refunded>) => rewards().ingest(rewards().parseEvent(e, 'http') as RewardInboundEvent);

async function grantsOf(paymentId: string) {
  return db().selectFrom('reward_grants').selectAll().where('payment_id', '=', paymentId).execute();
}

async function points(customerId: string) {
  const res = await t.request({ method: 'GET', url: `/v1/rewards/customers/${customerId}/points?limit=100` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

async function budgetUsed(campaignId: string) {
  return (await db().selectFrom('reward_campaign_budgets').select('used_points').where('campaign_id', '=', campaignId).executeTakeFirstOrThrow()).used_points;
}

describe('POST /v1/events', () => {
  test('a signed settlement grants once; repeated deliveries change nothing; the customer is notified', async () => {
    const c = await campaign({ per_customer_month: 100_000 });
    const cus = await customer(30);
    const e = settled(cus, 12_345, { payment_method: c.method });
    const first = await post(e);
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().outcome, 'processed');
    assert.equal(first.json().points, 370); // floor(12345 × 3 %)
    for (let i = 0; i < 3; i++) {
      const again = await post({ ...e, id: `evt-${uid()}` });
      assert.equal(again.json().outcome, 'duplicate');
      assert.equal(again.json().points, 0);
    }
    const grants = await grantsOf(e.data.payment_id);
    assert.equal(grants.length, 1);
    assert.equal(grants[0]!.campaign_id, c.id);
    assert.equal(grants[0]!.campaign_version, 1);
    assert.equal(grants[0]!.points, 370n);
    const p = await points(cus);
    assert.equal(p.balance, 370);
    assert.deepEqual(p.totals, { earned: 370, granted: 370, reversed: 0, expired: 0 });
    assert.deepEqual(p.ledger.data.map((r: { kind: string }) => r.kind).sort(), ['earned', 'granted']);
    const notified = await sql<{ data: Record<string, unknown> }>`SELECT data FROM events WHERE type = 'reward.granted' AND aggregate_id = ${cus}`.execute(db());
    assert.equal(notified.rows.length, 1);
    assert.equal(notified.rows[0]!.data.points, 370);
    assert.equal(notified.rows[0]!.data.payment_id, e.data.payment_id);
  });

  test('signatures: missing, malformed, wrong secret, tampered body and stale timestamps are refused', async () => {
    const e = settled(await customer(), 1000);
    const missing = await post(e, { header: null });
    assert.equal(missing.statusCode, 401);
    assert.equal(missing.json().error.code, 'KS_ERR_REWARD_EVENT_SIGNATURE_INVALID');
    assert.equal((await post(e, { header: 'v1=abc' })).json().error.code, 'KS_ERR_REWARD_EVENT_SIGNATURE_INVALID');
    const wrong = await post(e, { secret: 'not-the-secret' });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json().error.reason, 'mismatch');
    const ts = Math.floor(Date.now() / 1000);
    const tampered = await t.request({
      method: 'POST',
      url: '/v1/events',
      payload: JSON.stringify({ ...e, data: { ...e.data, amount: 999_999 } }),
      headers: { 'content-type': 'application/json', 'kessai-signature': signEventBody(SECRET, JSON.stringify(e), ts) },
      key: null,
    });
    assert.equal(tampered.statusCode, 401);
    const stale = await post(e, { t: ts - 301 });
    assert.equal(stale.statusCode, 401);
    assert.equal(stale.json().error.code, 'KS_ERR_REWARD_EVENT_STALE');
    const future = await post(e, { t: ts + 400 });
    assert.equal(future.json().error.code, 'KS_ERR_REWARD_EVENT_STALE');
    assert.equal((await grantsOf(e.data.payment_id)).length, 0);
    // Signed but not a valid event: a clear 400 naming the field.
    const bad = await post({ ...e, data: { ...e.data, amount: -1 } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.field, 'data.amount');
  });
});

describe('grants', () => {
  test('the campaign version in force at the payment time is used, and recorded', async () => {
    const c = await campaign();
    const before = new Date(Date.now() - 60_000).toISOString(); // before any version was written: version 1
    const patch = await t.request({ method: 'PATCH', url: `/v1/rewards/campaigns/${c.id}`, payload: { expected_version: 1, stage_rates: [{ min_stage: 10, rate_percent: '5.0' }] } });
    assert.equal(patch.statusCode, 200, patch.body);
    await new Promise((r) => setTimeout(r, 20));
    const cus = await customer(30);
    const old = settled(cus, 10_000, { paid_at: before, payment_method: c.method });
    const now = settled(cus, 10_000, { paid_at: new Date().toISOString(), payment_method: c.method });
    await ingest(old);
    await ingest(now);
    const [g1] = (await grantsOf(old.data.payment_id)).filter((g) => g.campaign_id === c.id);
    const [g2] = (await grantsOf(now.data.payment_id)).filter((g) => g.campaign_id === c.id);
    assert.equal(g1!.campaign_version, 1);
    assert.equal(g1!.points, 300n);
    assert.equal(g2!.campaign_version, 2);
    assert.equal(g2!.points, 500n);
  });

  test('a payment crossing the monthly cap gets the remainder; the next month starts afresh (Asia/Tokyo)', async () => {
    const c = await campaign({ per_customer_month: 500 }, { name: `cap ${uid()}` });
    const cus = await customer(30);
    const m = { payment_method: c.method };
    const a = settled(cus, 10_000, { ...m, paid_at: '2026-11-30T10:00:00Z' }); // 300
    const b = settled(cus, 10_000, { ...m, paid_at: '2026-11-30T14:59:59Z' }); // 300 → 200 left
    const d = settled(cus, 10_000, { ...m, paid_at: '2026-11-30T15:00:00Z' }); // December in Tokyo
    for (const e of [a, b, d]) await ingest(e);
    const g = async (e: typeof a) => (await grantsOf(e.data.payment_id)).find((x) => x.campaign_id === c.id)!;
    assert.equal((await g(a)).points, 300n);
    const crossing = await g(b);
    assert.equal(crossing.points, 200n);
    assert.equal(crossing.points_computed, 300n);
    assert.equal(crossing.limited_by, 'customer_month_cap');
    assert.equal((await g(d)).points, 300n);
    assert.equal((await g(d)).cap_month, '2026-12');
  });

  test('concurrency: racing grants fill one customer’s monthly cap exactly, never over, each payment once', async () => {
    const c = await campaign({ per_customer_month: 1000 }, { name: `race cap ${uid()}`, payment_filters: { payment_methods: ['race_cap'] } });
    const cus = await customer(30);
    const events = Array.from({ length: 30 }, () => settled(cus, 5_000, { payment_method: 'race_cap' })); // 150 each, 4500 asked
    // Every event delivered twice, all at once.
    await Promise.all([...events, ...events].map((e) => ingest(e)));
    const grants = await db().selectFrom('reward_grants').selectAll().where('campaign_id', '=', c.id).execute();
    assert.equal(grants.length, 30);
    assert.equal(grants.reduce((s, g) => s + g.points, 0n), 1000n);
    assert.ok(grants.every((g) => g.points <= 150n));
    const usage = await db().selectFrom('reward_customer_month_usage').selectAll().where('campaign_id', '=', c.id).execute();
    assert.equal(usage.length, 1);
    assert.equal(usage[0]!.used_points, 1000n);
    assert.equal(await budgetUsed(c.id), 1000n);
  });

  test('concurrency: racing grants of many customers fill the campaign budget exactly, never over', async () => {
    const c = await campaign({ budget: 2000 }, { name: `race budget ${uid()}`, payment_filters: { payment_methods: ['race_budget'] } });
    const customers = await Promise.all(Array.from({ length: 30 }, () => customer(30)));
    const events = customers.map((cus) => settled(cus, 5_000, { payment_method: 'race_budget' })); // 4500 asked
    await Promise.all([...events, ...events].map((e) => ingest(e)));
    const grants = await db().selectFrom('reward_grants').selectAll().where('campaign_id', '=', c.id).execute();
    assert.equal(grants.length, 30);
    assert.equal(grants.reduce((s, g) => s + g.points, 0n), 2000n);
    assert.equal(await budgetUsed(c.id), 2000n);
    assert.ok(grants.filter((g) => g.points < 150n).every((g) => g.limited_by === 'campaign_budget'));
  });
});

describe('refunds', () => {
  test('partial refunds reverse in proportion (floor on the running total), several add up to a full reversal, each once; caps given back', async () => {
    const c = await campaign({ per_customer_month: 100_000, budget: 1_000_000 }, { payment_filters: { payment_methods: ['refund_test'] } });
    const cus = await customer(30);
    const e = settled(cus, 10_001, { payment_method: 'refund_test' }); // floor(300.03) = 300
    await ingest(e);
    const pid = e.data.payment_id;
    const r1 = await ingest(refunded(pid, 're_1', 3_333)); // floor(300 × 3333 / 10001) = 99
    assert.deepEqual([r1.outcome, r1.points], ['reversed', 99n]);
    const dup = await ingest(refunded(pid, 're_1', 3_333));
    assert.deepEqual([dup.outcome, dup.points], ['duplicate', 0n]);
    const r2 = await ingest(refunded(pid, 're_2', 3_333)); // floor(300 × 6666 / 10001) = 199 → 100
    assert.equal(r2.points, 100n);
    assert.equal(await budgetUsed(c.id), 101n);
    const r3 = await ingest(refunded(pid, 're_3', 3_335)); // all: 300 → 101
    assert.equal(r3.points, 101n);
    const r4 = await ingest(refunded(pid, 're_4', 500)); // beyond the amount: nothing left
    assert.equal(r4.points, 0n);
    const [g] = await grantsOf(pid);
    assert.equal(g!.points_reversed, 300n);
    assert.equal(await budgetUsed(c.id), 0n);
    const usage = await db().selectFrom('reward_customer_month_usage').select('used_points').where('campaign_id', '=', c.id).executeTakeFirstOrThrow();
    assert.equal(usage.used_points, 0n);
    const p = await points(cus);
    assert.equal(p.balance, 0);
    assert.deepEqual(p.totals, { earned: 300, granted: 300, reversed: 300, expired: 0 });
    const reversedRows = p.ledger.data.filter((r: { kind: string }) => r.kind === 'reversed');
    assert.deepEqual(reversedRows.map((r: { reference: string }) => r.reference).sort(), ['re_1', 're_2', 're_3']);
  });

  test('out of order: refunds before their settlement are held, then applied when it arrives', async () => {
    const c = await campaign();
    const cus = await customer(30);
    const e = settled(cus, 20_000, { payment_method: c.method }); // 600
    const pid = e.data.payment_id;
    const held = await ingest(refunded(pid, 'rf_a', 5_000));
    assert.equal(held.outcome, 'held');
    assert.equal((await ingest(refunded(pid, 'rf_a', 5_000))).outcome, 'duplicate');
    await ingest(refunded(pid, 'rf_b', 5_000));
    const s = await ingest(e);
    assert.equal(s.outcome, 'processed');
    const [g] = await grantsOf(pid);
    assert.equal(g!.points, 600n);
    assert.equal(g!.points_reversed, 300n);
    assert.equal((await points(cus)).balance, 300);
    // Settlement and a refund racing: the payment's lock orders them, nothing lost.
    const e2 = settled(cus, 20_000, { payment_method: c.method });
    await Promise.all([ingest(refunded(e2.data.payment_id, 'rf_c', 20_000)), ingest(e2), ingest(e2)]);
    const [g2] = await grantsOf(e2.data.payment_id);
    assert.equal(g2!.points_reversed, g2!.points);
  });
});

describe('the payments outbox', () => {
  test('a final capture grants, using the payment’s metadata; a refund reverses; a payment without customer_id is skipped', async () => {
    // The only campaign for the sandbox's card payment method.
    await campaign({}, { payment_filters: { payment_methods: ['pm_card_visa'] }, name: `outbox ${uid()}` });
    const cus = await customer(10);
    const res = await pay(t, { amount: 50_000, capture_method: 'automatic', metadata: { customer_id: cus, merchant_id: 'M-OUTBOX' } });
    assert.equal(res.statusCode, 201, res.body);
    const payment = res.json();
    assert.equal(payment.status, 'captured');
    const anonymous = await pay(t, { amount: 1_000, capture_method: 'automatic' });
    assert.equal(anonymous.statusCode, 201);
    await rewards().consumeOutbox();
    const [g] = await grantsOf(payment.id);
    assert.equal(g!.points, 500n); // 1 % of 50,000 JPY
    assert.equal(g!.payment_method, 'pm_card_visa');
    const seen = await db().selectFrom('reward_outbox_seen').selectAll().execute();
    assert.ok(seen.some((s) => s.outcome === 'skipped:no_customer_id'));
    // Consumed again: nothing new.
    await rewards().consumeOutbox();
    assert.equal((await grantsOf(payment.id)).length, 1);

    const refund = await t.request({ method: 'POST', url: `/v1/payments/${payment.id}/refunds`, payload: { amount: 10_000 } });
    assert.equal(refund.statusCode, 201, refund.body);
    await rewards().consumeOutbox();
    const [after] = await grantsOf(payment.id);
    assert.equal(after!.points_reversed, 100n);
    assert.equal((await points(cus)).balance, 400);
  });
});

describe('liability', () => {
  test('the roll-forward ties back to the ledger, in points and yen; CSV and XLSX carry the same figures', async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const res = await t.request({ method: 'GET', url: `/v1/rewards/liability?from=${from}&to=${to}` });
    assert.equal(res.statusCode, 200, res.body);
    const report = res.json();
    assert.equal(report.point_value_yen, '0.5');
    const ledger = await db().selectFrom('reward_ledger_entries').selectAll().execute();
    for (const line of report.lines) {
      const rows = ledger.filter((l) => l.campaign_id === line.campaign_id && l.funding_party === line.funding_party);
      const sum = (kind: string) => Number(rows.filter((r) => r.kind === kind).reduce((s, r) => s + r.points, 0n));
      assert.equal(line.points.opening, 0);
      assert.equal(line.points.earned, sum('earned'));
      assert.equal(line.points.granted, sum('granted'));
      assert.equal(line.points.reversed, sum('reversed'));
      assert.equal(line.points.expired, sum('expired'));
      assert.equal(line.points.closing, sum('earned') - sum('reversed') - sum('expired'));
      assert.equal(line.points.earned, line.points.granted, 'every settlement earns and grants at once');
    }
    const total = (k: string) => Number(ledger.filter((r) => r.kind === k).reduce((s, r) => s + r.points, 0n));
    assert.equal(report.total.points.closing, total('granted') - total('reversed') - total('expired'));
    assert.ok(report.total.points.granted > 0);
    assert.equal(report.total.yen.granted, String(report.total.points.granted / 2).replace(/\.0$/, ''));

    // A period after everything: all of it is opening, nothing moves.
    const later = await t.request({ method: 'GET', url: `/v1/rewards/liability?from=${to}&to=${new Date(Date.now() + 7_200_000).toISOString()}` });
    assert.equal(later.json().total.points.opening, report.total.points.closing);
    assert.equal(later.json().total.points.closing, report.total.points.closing);

    const csv = await t.request({ method: 'GET', url: `/v1/rewards/liability?from=${from}&to=${to}&format=csv` });
    assert.equal(csv.statusCode, 200);
    assert.match(csv.headers['content-type'] as string, /^text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    assert.equal(lines[0]!.split(',')[3], 'opening_points');
    const totalLine = lines[lines.length - 1]!.split(',');
    assert.equal(totalLine[1], 'TOTAL');
    assert.equal(Number(totalLine[8]), report.total.points.closing);

    const xlsx = await t.request({ method: 'GET', url: `/v1/rewards/liability?from=${from}&to=${to}&format=xlsx` });
    assert.equal(xlsx.statusCode, 200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('liability')!;
    const last = ws.getRow(ws.rowCount);
    assert.equal(last.getCell(2).value, 'TOTAL');
    assert.equal(last.getCell(9).value, report.total.points.closing);
  });
});
