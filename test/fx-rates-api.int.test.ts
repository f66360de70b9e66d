// The FX rates API: a CSV upload (operators), the list, an admin's override (audited); a bad
// file names its line and column and keeps nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './support/app.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

test('upload, list, override by an admin only, and a bad file', async () => {
  const { key: operatorKey } = await t.platform.identity.createApiKey({ name: 'ops', scopes: ['reconciliation:read', 'reconciliation:write'] });
  const upload = (body: string, key = operatorKey) => t.request({ method: 'POST', url: '/v1/reconciliation/fx_rates', payload: body, headers: { 'content-type': 'text/csv' }, key });
  const ok = await upload('date,base,quote,rate\n2026-11-20,USD,JPY,154.235\n2026-11-20,EUR,JPY,162.1\n');
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(ok.json().loaded, 2);

  const bad = await upload('date,base,quote,rate\n2026-11-21,USD,JPY,155\n2026-11-21,EUR,JPY,abc\n');
  assert.equal(bad.statusCode, 422, bad.body);
  assert.equal(bad.json().error.code, 'KS_ERR_FX_RATES_MALFORMED');
  assert.equal(bad.json().error.line, 3);
  assert.equal(bad.json().error.column_name, 'rate');

  const override = (key: string) =>
    t.request({ method: 'PUT', url: '/v1/reconciliation/fx_rates/2026-11-20/USD/JPY', payload: { rate: '153.9', note: 'bank confirmation' }, key });
  assert.equal((await override(operatorKey)).statusCode, 403, 'only admins override');
  const done = await override(t.adminKey);
  assert.equal(done.statusCode, 200, done.body);
  assert.deepEqual(done.json(), { before: '154.235', after: '153.9', changed: true, reruns: { workflow_id: null, days: [] } }, 'no lines of the pair that day: nothing to re-run');

  const list = (await t.request({ method: 'GET', url: '/v1/reconciliation/fx_rates?from=2026-11-20&to=2026-11-21', key: operatorKey })).json().data;
  assert.deepEqual(
    list.map((r: { date: string; base: string; source: string; rate: string }) => `${r.date} ${r.base} ${r.source} ${r.rate}`).sort(),
    ['2026-11-20 EUR file 162.1', '2026-11-20 USD file 154.235', '2026-11-20 USD manual 153.9'],
  );
  assert.equal(await t.platform.reconciliation.fxRate('2026-11-20', 'USD', 'JPY').then((r) => r?.rate), '153.9');
});
