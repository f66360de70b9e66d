// The configurable HTTP source of daily FX rates (KESSAI_FX_RATES_URL), fetched by the daily tick
// before it reconciles yesterday, so that day's cross-currency lines are checked against them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startTestApp } from './support/app.ts';
import { groupsByOrder, saveMappings, uploadChannel, uploadOurs } from './support/reconciliation.ts';

test('the daily tick fetches yesterday’s rates from the HTTP source before reconciling that day', { timeout: 90_000 }, async () => {
  const asked: string[] = [];
  const source = createServer((req, res) => {
    asked.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/csv' }).end('date,base,quote,rate\n2026-05-01,USD,CNY,7.1\n');
  });
  await new Promise<void>((r) => source.listen(0, '127.0.0.1', () => r()));
  const port = (source.address() as { port: number }).port;
  // One platform per test process (DBOS is process-wide): this file's own.
  const app = await startTestApp({ KESSAI_FX_RATES_URL: `http://127.0.0.1:${port}/fx?day={date}` });
  try {
    await saveMappings(app, 'fxd');
    const day = '2026-05-01';
    await uploadChannel(app, 'fxd', [
      { txn: 'D-1', order: 'D-1', date: day, amount: 1000, currency: 'USD', settled: 7100, settledCurrency: 'CNY' },
      { txn: 'D-2', order: 'D-2', date: day, amount: 1000, currency: 'USD', settled: 7000, settledCurrency: 'CNY' },
    ]);
    await uploadOurs(app, 'fxd', [
      { txn: 'D-1', order: 'D-1', date: day, amount: 1000, currency: 'USD', orderTotal: 1000, status: 'captured' },
      { txn: 'D-2', order: 'D-2', date: day, amount: 1000, currency: 'USD', orderTotal: 1000, status: 'captured' },
    ]);
    const started = await app.platform.reconciliation.runDailyTick(new Date('2026-05-02T03:30:00Z'));
    assert.deepEqual(asked, ['/fx?day=2026-05-01'], 'yesterday’s rates asked for');
    assert.ok(started.includes('rrun_daily_generic_fxd_2026-05-01'), JSON.stringify(started));
    await app.platform.reconciliation.waitForRun('rrun_daily_generic_fxd_2026-05-01');
    const groups = await groupsByOrder(app, 'generic:fxd');
    assert.deepEqual([groups.get('D-1')?.status, groups.get('D-2')?.status, groups.get('D-2')?.reasons], ['matched', 'discrepant', ['fx_difference']]);
    assert.deepEqual(started.filter((id) => id.startsWith('rrun_fxsweep_')), [], 'the day was reconciled after its rates came: not stale');
  } finally {
    await app.close();
    source.close();
  }
});
