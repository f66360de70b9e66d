// An FX rate change for day D reaches a group that a later day's run made: an order paid in two
// channel lines, one on D and one on D+1, settled together by D+1's run. D's re-run cannot see
// the D+1 line, so the change re-runs D+1 as well, and D+1's re-run takes the group apart and
// decides it with the new rate (files through the API, runs as DBOS workflows, real PostgreSQL).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DBOS } from '../src/workflows/index.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { groupsByOrder, runAt, saveMappings, uploadChannel, uploadOurs } from './support/reconciliation.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
  await saveMappings(t, 'fxl');
});
after(async () => t?.close());

const D = '2026-05-01';
const D1 = '2026-05-02';
const CH = 'generic:fxl';

test('a rate change of day D re-runs the later day whose run settled D’s line, and the group is decided with the new rate', { timeout: 120_000 }, async () => {
  const rates = await t.request({ method: 'POST', url: '/v1/reconciliation/fx_rates', headers: { 'content-type': 'text/csv' }, payload: `date,base,quote,rate\n${D},USD,CNY,7.1\n${D1},USD,CNY,7.1\n` });
  assert.equal(rates.statusCode, 200, rates.body);

  // Day D: the first part of order S-1 arrives; nothing of ours yet, so it waits (expected).
  await uploadChannel(t, 'fxl', [{ txn: 'S-1a', order: 'S-1', date: D, amount: 600, currency: 'USD', settled: 4260, settledCurrency: 'CNY' }], 'day1.csv');
  assert.equal((await runAt(t, CH, D, D1)).status, 'completed');
  assert.equal((await groupsByOrder(t, CH)).get('S-1')?.status, 'expected');

  // Day D+1: the second part and our capture of the whole order; D+1's run settles all three together.
  await uploadChannel(t, 'fxl', [{ txn: 'S-1b', order: 'S-1', date: D1, amount: 400, currency: 'USD', settled: 2840, settledCurrency: 'CNY' }], 'day2.csv');
  await uploadOurs(t, 'fxl', [{ txn: 'S-1', order: 'S-1', date: D1, amount: 1000, currency: 'USD', orderTotal: 1000, status: 'captured' }]);
  assert.equal((await runAt(t, CH, D1, '2026-05-03')).status, 'completed');
  const settled = (await groupsByOrder(t, CH)).get('S-1')!;
  assert.deepEqual([settled.status, settled.lines, settled.ours], ['matched', 2, 1], JSON.stringify(settled));

  // D's rate is overridden: S-1a (checked at D's rate) no longer agrees with what was settled.
  const override = await t.request({ method: 'PUT', url: `/v1/reconciliation/fx_rates/${D}/USD/CNY`, payload: { rate: '7.2', note: 'bank confirmation' } });
  assert.equal(override.statusCode, 200, override.body);
  const reruns = override.json().reruns as { workflow_id: string; days: Array<{ channel: string; post_date: string; run_id: string }> };
  assert.deepEqual(reruns.days.map((d) => [d.channel, d.post_date]), [[CH, D], [CH, D1]], 'D, and D+1 whose run settled D’s line');
  await DBOS.retrieveWorkflow(reruns.workflow_id).getResult();
  for (const day of reruns.days) {
    await t.platform.reconciliation.waitForRun(day.run_id);
    const run = await t.platform.reconciliation.getRun(day.run_id);
    assert.equal(run.status, 'completed', JSON.stringify(run));
  }
  const d1Run = await t.platform.reconciliation.getRun(reruns.days[1]!.run_id);
  assert.equal((d1Run.summary as { redo: { groups: number } }).redo.groups, 1, 'D+1’s re-run took the group apart');

  const decided = (await groupsByOrder(t, CH)).get('S-1')!;
  assert.equal(decided.status, 'discrepant', JSON.stringify(decided));
  assert.ok(decided.reasons.includes('fx_difference'), JSON.stringify(decided.reasons));
  assert.deepEqual([decided.lines, decided.ours], [2, 1]);

  const { rows } = await t.platform.database.pool.query(
    `SELECT m.id, count(*)::int AS groups FROM recon_channel_lines m
       JOIN recon_match_groups g ON g.channel = m.channel AND m.id = ANY (g.channel_line_ids)
      WHERE m.channel = $1 GROUP BY m.id`,
    [CH],
  );
  assert.deepEqual(rows.map((r) => r.groups), [1, 1], 'each line in exactly one group');
  const open = (await t.request({ method: 'GET', url: `/v1/reconciliation/discrepancies?channel=${CH}` })).json().data as Array<{ reasons: string[] }>;
  assert.equal(open.length, 1);
  assert.ok(open[0]!.reasons.includes('fx_difference'));
});
