// Fee rules end to end (real PostgreSQL, runs as DBOS workflows): the API stores, lists, replaces
// and retires rules (errors name the field, viewers only read, changes audited); a run fills the fee
// items nobody stated from the rule in force on the post date, marks them computed, and a fee the
// channel states that the rule does not give is a fee mismatch.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './support/app.ts';
import { groupsByOrder, runAt, saveMappings, uploadChannel, uploadOurs } from './support/reconciliation.ts';

let t: TestApp;
let viewer: string;
let operator: string;
before(async () => {
  t = await startTestApp();
  viewer = (await t.platform.identity.createApiKey({ name: 'viewer', scopes: ['reconciliation:read'] })).key;
  operator = (await t.platform.identity.createApiKey({ name: 'ops', scopes: ['reconciliation:read', 'reconciliation:write'] })).key;
});
after(async () => t?.close());

const RULE = { channel: 'generic:feesa', effective_from: '2026-03-01', items: { acquirer: { percent: '2', fixed: 0 } }, rounding: 'half_up', note: 'contract 2026' };
const post = (payload: Record<string, unknown>, key = operator) => t.request({ method: 'POST', url: '/v1/reconciliation/fee_rules', payload, key });

describe('the fee rules API', () => {
  const refused: Array<[string, Record<string, unknown>, string]> = [
    ['a percent that is not a number', { items: { scheme: { percent: 'abc' } } }, 'items.scheme.percent'],
    ['an unknown fee item', { items: { stamp: { fixed: 1 } } }, 'items.stamp'],
    ['no rounding', { rounding: undefined }, 'rounding'],
    ['an end before the start', { effective_to: '2026-02-01' }, 'effective_to'],
    ['an open band before the last', { items: { other: { tiers: { mode: 'band', bands: [{ up_to: null, fixed: 1 }, { up_to: 100, fixed: 2 }] } } } }, 'items.other.tiers.bands[0].up_to'],
    ['an unknown channel', { channel: 'visa' }, 'channel'],
    ['an unknown condition', { match: { brand: 'visa' } }, 'match.brand'],
    ['a fixed fee that is not minor units', { items: { acquirer: { fixed: 1.5 } } }, 'items.acquirer.fixed'],
  ];
  for (const [what, change, field] of refused) {
    test(`refuses ${what}, naming ${field}`, async () => {
      const res = await post({ ...RULE, ...change });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().error.code, 'KS_ERR_FEE_RULE_INVALID');
      assert.equal(res.json().error.field, field);
    });
  }

  test('stores, lists by channel, replaces from a date and retires; viewers read only; changes are audited', async () => {
    const created = await post({ ...RULE, channel: 'generic:feesapi', match: { card_brand: 'visa' }, items: { acquirer: { percent: '2.5', fixed: '30', min: 40 }, three_ds: { fixed: 5 } } });
    assert.equal(created.statusCode, 201, created.body);
    const rule = created.json();
    assert.deepEqual([rule.channel, rule.effective_from, rule.effective_to, rule.match, rule.items.acquirer, rule.items.three_ds], [
      'generic:feesapi',
      '2026-03-01',
      null,
      { card_brand: 'visa' },
      { percent: '2.5', fixed: '30', min: '40' },
      { fixed: '5' },
    ]);
    assert.equal((await post({ ...RULE, channel: 'generic:feesapi' }, viewer)).statusCode, 403, 'a viewer cannot store a rule');

    const listed = await t.request({ method: 'GET', url: '/v1/reconciliation/fee_rules?channel=generic:feesapi', key: viewer });
    assert.equal(listed.statusCode, 200);
    assert.deepEqual(listed.json().data.map((r: { id: string }) => r.id), [rule.id]);

    const early = await t.request({ method: 'PUT', url: `/v1/reconciliation/fee_rules/${rule.id}`, payload: { ...RULE, channel: 'generic:feesapi', effective_from: '2026-03-01' }, key: operator });
    assert.equal(early.statusCode, 400);
    assert.equal(early.json().error.field, 'effective_from');
    const replaced = await t.request({ method: 'PUT', url: `/v1/reconciliation/fee_rules/${rule.id}`, payload: { ...RULE, channel: 'generic:feesapi', effective_from: '2026-04-01' }, key: operator });
    assert.equal(replaced.statusCode, 201, replaced.body);
    assert.equal(replaced.json().replaces, rule.id);
    const again = await t.request({ method: 'PUT', url: `/v1/reconciliation/fee_rules/${rule.id}`, payload: { ...RULE, channel: 'generic:feesapi', effective_from: '2026-05-01' }, key: operator });
    assert.equal(again.statusCode, 409, 'a rule is replaced once');
    assert.equal(again.json().error.code, 'KS_ERR_FEE_RULE_NOT_CURRENT');

    const both = (await t.request({ method: 'GET', url: '/v1/reconciliation/fee_rules?channel=generic:feesapi' })).json().data;
    assert.deepEqual(
      both.map((r: { effective_from: string; effective_to: string | null; replaced_by: string | null }) => [r.effective_from, r.effective_to, r.replaced_by]),
      [
        ['2026-03-01', '2026-04-01', replaced.json().id],
        ['2026-04-01', null, null],
      ],
    );
    const inMarch = (await t.request({ method: 'GET', url: '/v1/reconciliation/fee_rules?channel=generic:feesapi&on=2026-03-15' })).json().data;
    assert.deepEqual(inMarch.map((r: { id: string }) => r.id), [rule.id]);

    const retired = await t.request({ method: 'POST', url: `/v1/reconciliation/fee_rules/${replaced.json().id}/retire`, payload: { effective_to: '2026-06-01' }, key: operator });
    assert.equal(retired.statusCode, 200, retired.body);
    assert.equal(retired.json().effective_to, '2026-06-01');
    assert.equal((await t.request({ method: 'POST', url: `/v1/reconciliation/fee_rules/rfee_nope/retire`, payload: { effective_to: '2026-06-01' }, key: operator })).statusCode, 404);

    const audit = await t.platform.database.pool.query(`SELECT action, target_id FROM audit_log WHERE target_type = 'fee_rule' ORDER BY id`);
    assert.deepEqual(
      audit.rows.map((r) => [r.action, r.target_id]),
      [
        ['fee_rule.created', rule.id],
        ['fee_rule.replaced', rule.id],
        ['fee_rule.retired', replaced.json().id],
      ],
    );
  });
});

describe('computed fees in matching', () => {
  const D = '2026-03-02';
  before(async () => {
    await saveMappings(t, 'feesa');
    // The file states the acquirer's fee (its scheme fee column is not mapped): the scheme fee is the rule's on both sides.
    assert.equal((await post({ ...RULE, items: { ...RULE.items, scheme: { fixed: 3 } } })).statusCode, 201);
    await uploadChannel(t, 'feesa', [
      { txn: 'F-1', order: 'F-1', date: D, amount: 1000, fee: 20 },
      { txn: 'F-2', order: 'F-2', date: D, amount: 1000, fee: 30 },
      { txn: 'F-4', order: 'F-4', date: '2026-02-27', amount: 1000, fee: 30 },
      { txn: 'F-5', order: 'F-5', type: 'refund', date: D, amount: -500, fee: 10 },
    ]);
    await uploadOurs(t, 'feesa', [
      { txn: 'F-1', order: 'F-1', date: D, amount: 1000, orderTotal: 1000, status: 'captured' },
      { txn: 'F-2', order: 'F-2', date: D, amount: 1000, orderTotal: 1000, status: 'captured' },
      { txn: 'F-4', order: 'F-4', date: '2026-02-27', amount: 1000, orderTotal: 1000, status: 'captured' },
      { txn: 'F-5', order: 'F-5', type: 'refund', date: D, amount: -500, status: 'refunded' },
    ]);
    const run = await runAt(t, 'generic:feesa', D, '2026-03-03');
    assert.equal(run.status, 'completed', JSON.stringify(run));
  });

  test('a stated fee the rule gives matches; one it does not is a fee mismatch; before the rule nothing is compared', async () => {
    const groups = await groupsByOrder(t, 'generic:feesa');
    assert.deepEqual([groups.get('F-1')?.status, groups.get('F-1')?.reasons], ['matched', []]);
    assert.deepEqual([groups.get('F-2')?.status, groups.get('F-2')?.reasons], ['discrepant', ['fee_mismatch']]);
    assert.deepEqual([groups.get('F-4')?.status, groups.get('F-4')?.reasons], ['matched', []], 'no rule in force on 2026-02-27: the stated fee is not compared');
    assert.deepEqual([groups.get('F-5')?.status, groups.get('F-5')?.reasons], ['matched', []], 'a refund is priced on its size');
    const listed = await t.request({ method: 'GET', url: '/v1/reconciliation/discrepancies?channel=generic:feesa' });
    assert.equal(listed.json().data.length, 1, listed.body);
    assert.deepEqual(listed.json().data[0].fields.fees.acquirer, { channel: 30, ours: 20 });
  });

  test('computed items are marked, with the rule that gave them; stated ones are not', async () => {
    const pool = t.platform.database.pool;
    const rule = (await pool.query(`SELECT id FROM recon_fee_rules WHERE channel = 'generic:feesa'`)).rows[0].id;
    const lines = await pool.query(
      `SELECT merchant_order_id AS o, fee_acquirer::int AS fee, fee_scheme::int AS scheme, net_amount::int AS net, fees_computed, fee_rule_id FROM recon_channel_lines WHERE channel = 'generic:feesa' ORDER BY 1`,
    );
    assert.deepEqual(
      lines.rows.map((r) => [r.o, r.fee, r.scheme, r.net, r.fees_computed, r.fee_rule_id]),
      [
        ['F-1', 20, 3, 980, ['scheme'], rule],
        ['F-2', 30, 3, 970, ['scheme'], rule],
        ['F-4', 30, null, 970, [], null],
        ['F-5', 10, 3, -510, ['scheme'], rule],
      ],
    );
    const ours = await pool.query(`SELECT order_id AS o, fee_acquirer::int AS fee, fee_scheme::int AS scheme, fees_computed, fee_rule_id FROM recon_our_transactions WHERE channel = 'generic:feesa' ORDER BY 1`);
    assert.deepEqual(
      ours.rows.map((r) => [r.o, r.fee, r.scheme, r.fees_computed, r.fee_rule_id]),
      [
        ['F-1', 20, 3, ['acquirer', 'scheme'], rule],
        ['F-2', 20, 3, ['acquirer', 'scheme'], rule],
        ['F-4', null, null, [], null],
        ['F-5', 10, 3, ['acquirer', 'scheme'], rule],
      ],
    );
    // The downloads say which items a rule computed, and which rule.
    const runId = (await pool.query(`SELECT id FROM recon_runs WHERE channel = 'generic:feesa' AND post_date = '${D}' ORDER BY started_at DESC LIMIT 1`)).rows[0].id;
    const csv = (await t.request({ method: 'GET', url: `/v1/reconciliation/runs/${runId}/downloads/ours` })).body.trim().split('\r\n');
    assert.ok(csv[0]!.endsWith(',fees_computed,fee_rule_id'), csv[0]);
    assert.ok(csv.some((l) => l.includes(',F-1,') && l.endsWith(`,acquirer;scheme,${rule}`)), csv.join('\n'));
    // The day's totals count computed fees like stated ones.
    const result = (await pool.query(`SELECT channel_totals, our_totals FROM recon_results WHERE channel = 'generic:feesa' AND post_date = '${D}'`)).rows[0];
    assert.deepEqual([result.channel_totals.CNY.scheme, result.our_totals.CNY.scheme], [9, 9]);
  });
});

test('a line still to match is priced again by the rule in force when it is matched; a settled one keeps its fees', async () => {
  const pool = t.platform.database.pool;
  await saveMappings(t, 'feesb');
  const first = await post({ ...RULE, channel: 'generic:feesb', items: { scheme: { fixed: 3 } } });
  await uploadChannel(t, 'feesb', [
    { txn: 'G-1', order: 'G-1', date: '2026-03-02', amount: 1000, fee: 0 },
    { txn: 'G-2', order: 'G-2', date: '2026-03-02', amount: 1000, fee: 0 },
  ]);
  await uploadOurs(t, 'feesb', [{ txn: 'G-1', order: 'G-1', date: '2026-03-02', amount: 1000, orderTotal: 1000, status: 'captured' }]);
  await runAt(t, 'generic:feesb', '2026-03-02', '2026-03-03');
  const scheme = async () =>
    (await pool.query(`SELECT merchant_order_id AS o, fee_scheme::int AS fee, fee_rule_id FROM recon_channel_lines WHERE channel = 'generic:feesb' ORDER BY 1`)).rows.map((r) => [r.o, r.fee, r.fee_rule_id]);
  assert.deepEqual(await scheme(), [
    ['G-1', 3, first.json().id],
    ['G-2', 3, first.json().id],
  ]);

  // The contract changed from that day on: G-2, still expected, is priced again; G-1, matched, is not.
  const second = await t.request({ method: 'PUT', url: `/v1/reconciliation/fee_rules/${first.json().id}`, payload: { ...RULE, channel: 'generic:feesb', effective_from: '2026-03-02', items: { scheme: { fixed: 4 } } } });
  assert.equal(second.statusCode, 201, second.body);
  await uploadOurs(t, 'feesb', [{ txn: 'G-2', order: 'G-2', date: '2026-03-02', amount: 1000, orderTotal: 1000, status: 'captured', fee: 1 }], true);
  await runAt(t, 'generic:feesb', '2026-03-02', '2026-03-04');
  assert.deepEqual(await scheme(), [
    ['G-1', 3, first.json().id],
    ['G-2', 4, second.json().id],
  ]);
  const groups = await groupsByOrder(t, 'generic:feesb');
  assert.deepEqual([groups.get('G-2')?.status, groups.get('G-2')?.reasons], ['discrepant', ['fee_mismatch']], 'ours states an acquirer fee of 1, the channel 0');
});
