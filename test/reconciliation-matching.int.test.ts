// Matching scenarios end to end (files uploaded through the API, runs as DBOS workflows, real
// PostgreSQL): one table row per discrepancy reason and per way of matching, each row its own
// order; then the look-back with an injected clock — a late record within 7 days matches and its
// day is recomputed, after 7 days a lone line is a discrepancy.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './support/app.ts';
import { groupsByOrder, runAt, saveMappings, uploadChannel, uploadOurs, type ChannelLine, type OurLine } from './support/reconciliation.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

const D = '2026-03-01';

interface Scenario {
  name: string;
  order: string;
  channel: Array<Omit<ChannelLine, 'order' | 'date'>>;
  ours: Array<Omit<OurLine, 'order' | 'date'>>;
  oursWithFees?: boolean;
  /** After the first run (clock: the next day) and after the look-back (clock: 8 days on). */
  first: { status: string; reasons: string[]; matchedBy?: string | null; lines?: number; ours?: number };
  final?: { status: string; reasons: string[] };
}

const SCENARIOS: Scenario[] = [
  { name: '1:1 by the channel transaction id', order: 'O-1', channel: [{ txn: 'T-1', amount: 1000, fee: 6 }], ours: [{ txn: 'T-1', amount: 1000, orderTotal: 1000, status: 'captured' }], first: { status: 'matched', reasons: [], matchedBy: 'channel_transaction_id', lines: 1, ours: 1 } },
  { name: '1:1 by the order number when ours has no channel id', order: 'O-2', channel: [{ txn: 'T-2', amount: 1000 }], ours: [{ amount: 1000, orderTotal: 1000, status: 'captured' }], first: { status: 'matched', reasons: [], matchedBy: 'merchant_order_id' } },
  {
    name: 'N:1 — two captures of one order against one channel line',
    order: 'O-3',
    channel: [{ txn: 'T-3', amount: 1000 }],
    ours: [
      { txn: 'T-3', amount: 600, orderTotal: 1000, status: 'captured' },
      { txn: 'T-3', amount: 400, orderTotal: 1000, status: 'captured' },
    ],
    first: { status: 'matched', reasons: [], matchedBy: 'channel_transaction_id', lines: 1, ours: 2 },
  },
  {
    name: '1:N — two channel lines of one order against one transaction of ours, by order',
    order: 'O-4',
    channel: [
      { txn: 'T-4a', amount: 600 },
      { txn: 'T-4b', amount: 400 },
    ],
    ours: [{ amount: 1000, orderTotal: 1000, status: 'captured' }],
    first: { status: 'matched', reasons: [], matchedBy: 'merchant_order_id', lines: 2, ours: 1 },
  },
  { name: 'a refund matches a refund', order: 'O-5', channel: [{ txn: 'R-5', type: 'refund', amount: -300 }], ours: [{ txn: 'R-5', type: 'refund', amount: -300, status: 'partially_refunded' }], first: { status: 'matched', reasons: [] } },
  {
    name: 'our amount ≠ order amount (channel agrees with the order)',
    order: 'O-6',
    channel: [{ txn: 'T-6', amount: 1200 }],
    ours: [{ txn: 'T-6', amount: 1000, orderTotal: 1200, status: 'captured' }],
    first: { status: 'discrepant', reasons: ['our_amount_differs_from_order', 'channel_differs_from_ours'] },
  },
  {
    name: 'channel amount ≠ order amount (ours agrees with the order)',
    order: 'O-7',
    channel: [{ txn: 'T-7', amount: 900 }],
    ours: [{ txn: 'T-7', amount: 1000, orderTotal: 1000, status: 'captured' }],
    first: { status: 'discrepant', reasons: ['channel_amount_differs_from_order', 'channel_differs_from_ours'] },
  },
  {
    name: 'both sides agree, the order says otherwise',
    order: 'O-8',
    channel: [{ txn: 'T-8', amount: 1000 }],
    ours: [{ txn: 'T-8', amount: 1000, orderTotal: 1500, status: 'captured' }],
    first: { status: 'discrepant', reasons: ['our_amount_differs_from_order', 'channel_amount_differs_from_order'] },
  },
  { name: 'money on a voided order', order: 'O-9', channel: [{ txn: 'T-9', amount: 1000 }], ours: [{ txn: 'T-9', amount: 1000, orderTotal: 1000, status: 'voided' }], first: { status: 'discrepant', reasons: ['amount_inconsistent_with_order_status'] } },
  {
    name: 'a refund on an order not refunded',
    order: 'O-10',
    channel: [{ txn: 'R-10', type: 'refund', amount: -500 }],
    ours: [{ txn: 'R-10', type: 'refund', amount: -500, status: 'captured' }],
    first: { status: 'discrepant', reasons: ['amount_inconsistent_with_order_status'] },
  },
  { name: 'channel ≠ ours: another currency', order: 'O-11', channel: [{ txn: 'T-11', amount: 1000, currency: 'USD' }], ours: [{ txn: 'T-11', amount: 1000, currency: 'CNY' }], first: { status: 'discrepant', reasons: ['channel_differs_from_ours'] } },
  {
    name: 'FX difference: the settlement is not the amount at the stated rate',
    order: 'O-12',
    channel: [{ txn: 'T-12', amount: 1000, currency: 'USD', settled: 7000, settledCurrency: 'CNY', rate: '7.1' }],
    ours: [{ txn: 'T-12', amount: 1000, currency: 'USD' }],
    first: { status: 'discrepant', reasons: ['fx_difference'] },
  },
  {
    name: 'FX within a minor unit of the stated rate is no difference',
    order: 'O-13',
    channel: [{ txn: 'T-13', amount: 1000, currency: 'USD', settled: 7101, settledCurrency: 'CNY', rate: '7.1' }],
    ours: [{ txn: 'T-13', amount: 1000, currency: 'USD' }],
    first: { status: 'matched', reasons: [] },
  },
  { name: 'fee mismatch where both sides state the fee', order: 'O-14', channel: [{ txn: 'T-14', amount: 1000, fee: 6 }], ours: [{ txn: 'T-14', amount: 1000, fee: 7 }], oursWithFees: true, first: { status: 'discrepant', reasons: ['fee_mismatch'] } },
  { name: 'equal fees on both sides', order: 'O-15', channel: [{ txn: 'T-15', amount: 1000, fee: 6 }], ours: [{ txn: 'T-15', amount: 1000, fee: 6 }], oursWithFees: true, first: { status: 'matched', reasons: [] } },
  { name: 'missing on our side', order: 'O-16', channel: [{ txn: 'T-16', amount: 1000 }], ours: [], first: { status: 'expected', reasons: ['missing_on_our_side'] }, final: { status: 'discrepant', reasons: ['missing_on_our_side'] } },
  { name: 'missing on the channel side', order: 'O-17', channel: [], ours: [{ txn: 'T-17', amount: 1000 }], first: { status: 'expected', reasons: ['missing_on_channel_side'] }, final: { status: 'discrepant', reasons: ['missing_on_channel_side'] } },
];

describe('matching: one scenario per row', () => {
  const channel = 'generic:acq';
  let firstRun: Awaited<ReturnType<typeof runAt>>;
  let finalRun: Awaited<ReturnType<typeof runAt>>;
  let first: Awaited<ReturnType<typeof groupsByOrder>>;
  let final: Awaited<ReturnType<typeof groupsByOrder>>;

  before(async () => {
    await saveMappings(t, 'acq');
    const lines = SCENARIOS.flatMap((s) => s.channel.map((l) => ({ ...l, order: s.order, date: D })));
    const ours = (fees: boolean) => SCENARIOS.filter((s) => !!s.oursWithFees === fees).flatMap((s) => s.ours.map((l) => ({ ...l, order: s.order, date: D })));
    await uploadChannel(t, 'acq', lines);
    await uploadOurs(t, 'acq', ours(false));
    await uploadOurs(t, 'acq', ours(true), true);
    firstRun = await runAt(t, channel, D, '2026-03-02');
    first = await groupsByOrder(t, channel);
    finalRun = await runAt(t, channel, D, '2026-03-09');
    final = await groupsByOrder(t, channel);
  });

  for (const s of SCENARIOS) {
    test(s.name, () => {
      const g = first.get(s.order);
      assert.ok(g, `a group for ${s.order}`);
      assert.equal(g.status, s.first.status, `${s.order} first run`);
      assert.deepEqual([...g.reasons].sort(), [...s.first.reasons].sort(), `${s.order} reasons`);
      if (s.first.matchedBy !== undefined) assert.equal(g.matched_by, s.first.matchedBy);
      if (s.first.lines !== undefined) assert.equal(g.lines, s.first.lines);
      if (s.first.ours !== undefined) assert.equal(g.ours, s.first.ours);
      const f = final.get(s.order)!;
      const want = s.final ?? s.first;
      assert.equal(f.status, want.status, `${s.order} after the look-back`);
      assert.deepEqual([...f.reasons].sort(), [...want.reasons].sort());
    });
  }

  test('the runs completed and the day’s result counts every group once', async () => {
    assert.equal(firstRun.status, 'completed', firstRun.error ?? '');
    assert.equal(finalRun.status, 'completed', finalRun.error ?? '');
    const count = (status: string) => SCENARIOS.filter((s) => (s.final ?? s.first).status === status).length;
    const r = finalRun.result!;
    assert.equal(r.matched_count, count('matched'));
    assert.equal(r.discrepant_count, count('discrepant'));
    assert.equal(r.expected_count, 0);
    assert.equal(r.result, 'discrepancies');
    assert.equal(r.line_count, SCENARIOS.reduce((n, s) => n + s.channel.length, 0));
    assert.equal(firstRun.result!.expected_count, 2);
    // Fee items side by side: the channel states the acquirer fee on every line; ours only in the fee export.
    assert.equal(r.totals.CNY!.acquirer!.channel, 6 * 3);
    assert.equal(r.totals.CNY!.acquirer!.ours, 7 + 6);
  });

  test('each discrepancy is listed once, with the differing fields side by side', async () => {
    const res = await t.request({ method: 'GET', url: `/v1/reconciliation/discrepancies?channel=${encodeURIComponent(channel)}&limit=100` });
    assert.equal(res.statusCode, 200, res.body);
    const list = res.json().data as Array<{ reasons: string[]; fields: { amount: { channel: number; ours: number; order: number | null } }; state: string }>;
    assert.equal(list.length, SCENARIOS.filter((s) => (s.final ?? s.first).status === 'discrepant').length);
    assert.ok(list.every((d) => d.state === 'pending'));
    const o6 = list.find((d) => d.reasons.includes('our_amount_differs_from_order') && d.reasons.includes('channel_differs_from_ours'))!;
    assert.deepEqual(o6.fields.amount, { channel: 1200, ours: 1000, order: 1200 });
    const byReason = await t.request({ method: 'GET', url: `/v1/reconciliation/discrepancies?reason=fee_mismatch` });
    assert.equal(byReason.json().data.length, 1);
  });
});

describe('the look-back', () => {
  const channel = 'generic:late';

  test('a late record within 7 days matches automatically, records its wait and recomputes its day', async () => {
    await saveMappings(t, 'late');
    await uploadChannel(t, 'late', [
      { txn: 'L-1', order: 'LO-1', date: D, amount: 500 },
      { txn: 'L-2', order: 'LO-2', date: D, amount: 700 },
    ]);
    await uploadOurs(t, 'late', [{ txn: 'L-1', order: 'LO-1', date: D, amount: 500 }]);
    const day1 = await runAt(t, channel, D, '2026-03-02');
    assert.equal(day1.result!.expected_count, 1);
    assert.equal(day1.result!.result, 'pending');

    // Our record of LO-2 arrives four days later; the run of that later day finds it.
    await uploadOurs(t, 'late', [{ txn: 'L-2', order: 'LO-2', date: '2026-03-05', amount: 700 }]);
    const later = await runAt(t, channel, '2026-03-05', '2026-03-05');
    assert.equal(later.status, 'completed', later.error ?? '');
    const groups = await groupsByOrder(t, channel);
    assert.equal(groups.get('LO-2')!.status, 'matched');
    assert.equal(groups.get('LO-2')!.days_unmatched, 4);
    assert.equal(groups.get('LO-1')!.days_unmatched, 0);
    const day = (await t.request({ method: 'GET', url: `/v1/reconciliation/runs/${day1.id}` })).json();
    assert.equal(day.result.expected_count, 0);
    assert.equal(day.result.matched_count, 2);
    assert.equal(day.result.result, 'balanced');
    assert.equal(day.result.totals.CNY.amount.ours, 1200);
  });

  test('after 7 days a lone line is a discrepancy, and stays one when its record comes later', async () => {
    await uploadChannel(t, 'late', [{ txn: 'L-3', order: 'LO-3', date: '2026-03-10', amount: 900 }], 'late-2.csv');
    const atSeven = await runAt(t, channel, '2026-03-10', '2026-03-17');
    assert.equal(atSeven.result!.expected_count, 1, 'day 7 is still within the look-back');
    const atEight = await runAt(t, channel, '2026-03-10', '2026-03-18');
    assert.equal(atEight.result!.discrepant_count, 1);
    const groups = await groupsByOrder(t, channel);
    assert.deepEqual(groups.get('LO-3')!.reasons, ['missing_on_our_side']);
    assert.equal(groups.get('LO-3')!.status, 'discrepant');
  });
});

describe('the SQL decision is the JavaScript decision', () => {
  test('every row of the decision table decides the same in PostgreSQL', async () => {
    const { decisionSql } = await import('../src/reconciliation/discrepancy-rules.ts');
    const { DECISIONS, base } = await import('./support/reconciliation.ts');
    const { decide, DISCREPANCY_REASONS } = await import('../src/reconciliation/index.ts');
    assert.ok(DISCREPANCY_REASONS.length === 8);
    const { reasons, status } = decisionSql();
    for (const [name, change] of DECISIONS) {
      const f = { ...base, ...change };
      const fee = (side: 'c' | 'o') => Object.fromEntries(Object.entries(side === 'c' ? f.cFees : f.oFees).map(([k, v]) => [`${side}_fee_${k}`, v === null ? null : String(v)]));
      const row = {
        match_class: f.matchClass, c_count: f.cCount, c_amount: f.cAmount?.toString() ?? null, c_currency: f.cCurrency, c_fx_gap: f.cFxGap?.toString() ?? null,
        o_count: f.oCount, o_amount: f.oAmount?.toString() ?? null, o_currency: f.oCurrency, o_order_amount: f.oOrderAmount?.toString() ?? null, o_order_status: f.oOrderStatus,
        age_days: f.ageDays, look_back: f.lookBackDays, ...fee('c'), ...fee('o'),
      };
      const cols = Object.keys(row);
      const types: Record<string, string> = { match_class: 'text', c_currency: 'text', o_currency: 'text', o_order_status: 'text', c_count: 'int', o_count: 'int', age_days: 'int', look_back: 'int' };
      const select = cols.map((c, i) => `$${i + 1}::${types[c] ?? 'bigint'} AS ${c}`).join(', ');
      const { rows } = await t.platform.database.pool.query<{ status: string; reasons: string[] }>(
        `SELECT ${status} AS status, g.reasons FROM (SELECT g.*, ${reasons} AS reasons FROM (SELECT ${select}) g) g`,
        cols.map((c) => (row as Record<string, unknown>)[c]),
      );
      const js = decide(f);
      assert.equal(rows[0]!.status, js.status, name);
      assert.deepEqual([...rows[0]!.reasons].sort(), [...js.reasons].sort(), name);
    }
  });
});
