// Daily FX rates in matching, end to end (files through the API, runs as DBOS workflows, real
// PostgreSQL): a cross-currency line that states no rate is checked against the day's rate, the
// group's facts say which rate; an admin's override re-runs the affected day (waiting for a run of
// that day already under way), which decides afresh what no operator touched and keeps what one is
// handling.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DBOS } from '../src/workflows/index.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { groupsByOrder, runAt, saveMappings, uploadChannel, uploadOurs } from './support/reconciliation.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
  await saveMappings(t, 'fxa');
});
after(async () => t?.close());

const D = '2026-04-01';
const CH = 'generic:fxa';

async function factsOf(order: string): Promise<{ status: string; reasons: string[]; fx: { rate: string; source: string } | null }> {
  const { rows } = await t.platform.database.pool.query(
    `SELECT g.status, g.reasons, g.facts->'fx' AS fx FROM recon_match_groups g
      WHERE g.channel = $1 AND EXISTS (SELECT 1 FROM recon_channel_lines l WHERE l.id = ANY (g.channel_line_ids) AND l.merchant_order_id = $2)`,
    [CH, order],
  );
  assert.equal(rows.length, 1, `one group for ${order}`);
  return rows[0];
}

test('the day’s rate decides FX where the line states none; an override re-runs the day', { timeout: 90_000 }, async () => {
  const rates = await t.request({ method: 'POST', url: '/v1/reconciliation/fx_rates', headers: { 'content-type': 'text/csv' }, payload: `date,base,quote,rate\n${D},USD,CNY,7.1\n` });
  assert.equal(rates.statusCode, 200, rates.body);
  assert.deepEqual(rates.json().reruns, { workflow_id: null, days: [] }, 'no lines yet: nothing to re-run');

  await uploadChannel(t, 'fxa', [
    { txn: 'X-1', order: 'X-1', date: D, amount: 1000, currency: 'USD', settled: 7100, settledCurrency: 'CNY' },
    { txn: 'X-2', order: 'X-2', date: D, amount: 1000, currency: 'USD', settled: 7200, settledCurrency: 'CNY' },
    { txn: 'X-3', order: 'X-3', date: D, amount: 1000, currency: 'EUR', settled: 7800, settledCurrency: 'CNY' },
    { txn: 'X-4', order: 'X-4', date: D, amount: 1000, currency: 'USD', settled: 7100, settledCurrency: 'CNY' },
    { txn: 'X-5', order: 'X-5', date: D, amount: 2000, currency: 'USD', settled: 14200, settledCurrency: 'CNY', rate: '7.1' },
  ]);
  await uploadOurs(t, 'fxa', [
    { txn: 'X-1', order: 'X-1', date: D, amount: 1000, currency: 'USD', orderTotal: 1000, status: 'captured' },
    { txn: 'X-2', order: 'X-2', date: D, amount: 1000, currency: 'USD', orderTotal: 1000, status: 'captured' },
    { txn: 'X-3', order: 'X-3', date: D, amount: 1000, currency: 'EUR', orderTotal: 1000, status: 'captured' },
    { txn: 'X-4', order: 'X-4', date: D, amount: 900, currency: 'USD', orderTotal: 900, status: 'captured' },
    { txn: 'X-5', order: 'X-5', date: D, amount: 2000, currency: 'USD', orderTotal: 2000, status: 'captured' },
  ]);
  const first = await runAt(t, CH, D, '2026-04-02');
  assert.equal(first.status, 'completed', JSON.stringify(first));

  assert.deepEqual(await factsOf('X-1'), { status: 'matched', reasons: [], fx: { rate: '7.1', source: 'file' } });
  assert.deepEqual(await factsOf('X-2'), { status: 'discrepant', reasons: ['fx_difference'], fx: { rate: '7.1', source: 'file' } });
  assert.deepEqual(await factsOf('X-3'), { status: 'matched', reasons: [], fx: null }, 'no EUR/CNY rate known: no FX verdict');
  assert.equal((await factsOf('X-4')).status, 'discrepant');
  assert.deepEqual(await factsOf('X-5'), { status: 'matched', reasons: [], fx: { rate: '7.1', source: 'channel' } }, 'a stated rate is the channel’s');

  // An operator takes X-4 in hand; X-2's discrepancy nobody touched.
  const open = (await t.request({ method: 'GET', url: `/v1/reconciliation/discrepancies?channel=${CH}` })).json().data as Array<{ id: string; channel_line_ids: string[]; reasons: string[] }>;
  assert.equal(open.length, 2);
  const x4 = open.find((d) => d.reasons.includes('channel_differs_from_ours'))!;
  const started = await t.request({ method: 'POST', url: '/v1/reconciliation/discrepancies/actions', payload: { ids: [x4.id], action: 'start' } });
  assert.equal(started.statusCode, 200, started.body);

  // A run of the day is under way (stands for one started by hand): the re-run waits for it.
  await t.platform.database.pool.query(`INSERT INTO recon_runs (id, channel, post_date, status, requested_by, as_of) VALUES ('rrun_busy', $1, $2, 'running', 'test', now())`, [CH, D]);

  const override = await t.request({ method: 'PUT', url: `/v1/reconciliation/fx_rates/${D}/USD/CNY`, payload: { rate: '7.2', note: 'bank confirmation' } });
  assert.equal(override.statusCode, 200, override.body);
  const reruns = override.json().reruns as { workflow_id: string; days: Array<{ channel: string; post_date: string; run_id: string }> };
  assert.deepEqual(reruns.days.map((d) => [d.channel, d.post_date]), [[CH, D]]);
  const runId = reruns.days[0]!.run_id;

  await new Promise((r) => setTimeout(r, 1500));
  const waiting = await t.platform.database.pool.query(`SELECT 1 FROM recon_runs WHERE id = $1`, [runId]);
  assert.equal(waiting.rowCount, 0, 'the re-run waits while the day is being reconciled');
  await t.platform.database.pool.query(`UPDATE recon_runs SET status = 'completed', completed_at = now() WHERE id = 'rrun_busy'`);
  // A run row with no workflow behind it (as one recorded failed before it started): no waiting forever.
  const waited = Date.now();
  await t.platform.reconciliation.waitForRun('rrun_busy');
  assert.ok(Date.now() - waited < 2000, 'waitForRun returns at once for a run without a workflow');

  const outcome = await DBOS.retrieveWorkflow<Array<{ started: boolean }>>(reruns.workflow_id).getResult();
  assert.deepEqual(outcome.map((o) => o.started), [true]);
  await t.platform.reconciliation.waitForRun(runId);
  const rerun = await t.platform.reconciliation.getRun(runId);
  assert.equal(rerun.status, 'completed', JSON.stringify(rerun));
  const summary = rerun.summary as { redo: Record<string, unknown> };
  assert.deepEqual(summary.redo, { reason: 'fx_rate_changed', groups: 4, discrepancies_removed: 1, discrepancies_kept: 1 });

  assert.deepEqual(await factsOf('X-1'), { status: 'discrepant', reasons: ['fx_difference'], fx: { rate: '7.2', source: 'manual' } }, 'the override’s rate now decides');
  assert.deepEqual(await factsOf('X-2'), { status: 'matched', reasons: [], fx: { rate: '7.2', source: 'manual' } });
  assert.deepEqual(await factsOf('X-3'), { status: 'matched', reasons: [], fx: null });
  assert.deepEqual(await factsOf('X-5'), { status: 'matched', reasons: [], fx: { rate: '7.1', source: 'channel' } });
  const x4After = await factsOf('X-4');
  assert.equal(x4After.status, 'discrepant');
  assert.ok(!x4After.reasons.includes('fx_difference'), 'the handled discrepancy is kept as it was, not decided again');

  const after = (await t.request({ method: 'GET', url: `/v1/reconciliation/discrepancies?channel=${CH}` })).json().data as Array<{ id: string; state: string; reasons: string[] }>;
  assert.deepEqual(
    after.map((d) => [d.id === x4.id ? 'X-4' : 'other', d.state, d.reasons.includes('fx_difference')]).sort(),
    [
      ['X-4', 'in_progress', false],
      ['other', 'pending', true],
    ].sort(),
    'X-2’s untouched discrepancy is gone, X-1’s is new, X-4’s is kept in hand',
  );
  const groups = await groupsByOrder(t, CH);
  assert.equal(groups.size, 5, 'every line is in exactly one group');
});

/**
 * The daily tick of `tick` re-runs day D alone through the sweep, which then decides X-1 as
 * `x1`; the tick of the day after finds nothing stale.
 */
async function sweepRerunsTheDay(tick: string, nextTick: string, x1: Awaited<ReturnType<typeof factsOf>>, why: string) {
  const started = await t.platform.reconciliation.runDailyTick(new Date(`${tick}T03:30:00Z`));
  const sweep = started.filter((id) => id.startsWith('rrun_fxsweep_'));
  assert.deepEqual(sweep, [`rrun_fxsweep_generic_fxa_${D}_${tick}`]);
  await t.platform.reconciliation.waitForRun(sweep[0]!);
  assert.equal((await t.platform.reconciliation.getRun(sweep[0]!)).status, 'completed');
  assert.deepEqual(await factsOf('X-1'), x1, why);
  const again = await t.platform.reconciliation.runDailyTick(new Date(`${nextTick}T03:30:00Z`));
  assert.deepEqual(again.filter((id) => id.startsWith('rrun_fxsweep_')), [], 'a day re-run since its rate changed is not stale');
}

test('a re-run lost to a crash (the rate committed, its workflow never started) is made by the next daily tick', { timeout: 90_000 }, async () => {
  // The override of the first test, changed again the way a process would leave it had it died
  // right after the commit: the rate is new, no re-run was started.
  await t.platform.database.pool.query(`UPDATE fx_rates SET rate = 7.1, loaded_at = now() WHERE rate_date = $1 AND base = 'USD' AND quote = 'CNY' AND source = 'manual'`, [D]);
  await sweepRerunsTheDay('2026-04-03', '2026-04-04', { status: 'matched', reasons: [], fx: { rate: '7.1', source: 'manual' } }, 'decided again with the rate now in force');
});

test('an override taken back, its re-run lost to a crash, is re-run by the next daily tick', { timeout: 90_000 }, async () => {
  // What overrideRate commits when an override is removed, with no re-run started after it: the
  // file's rate is in force again with its older loaded_at, so only the removal's event dates the change.
  const pool = t.platform.database.pool;
  await pool.query(`DELETE FROM fx_rates WHERE rate_date = $1 AND base = 'USD' AND quote = 'CNY' AND source = 'manual'`, [D]);
  await pool.query(`INSERT INTO events (id, type, aggregate_id, data, actor) VALUES ('evt_fxsweep_removed', 'fx_rate.override_removed', $1, $2, 'test')`, [
    `fx:${D}:USD/CNY`,
    JSON.stringify({ date: D, pair: 'USD/CNY', previous_rate: '7.1', rate: '7.1', override: null, note: 'back to the file' }),
  ]);
  await sweepRerunsTheDay('2026-04-05', '2026-04-06', { status: 'matched', reasons: [], fx: { rate: '7.1', source: 'file' } }, 'decided again with the file’s rate');
});
