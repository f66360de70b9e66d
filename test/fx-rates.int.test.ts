// Daily FX rates on a real PostgreSQL: loading is all or nothing, a manual override wins over
// loaded rates (also over a later reload), is audited with the rate it replaced, and asks for
// the affected day to be reconciled again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kysely, PostgresDialect } from 'kysely';
import { createPool, type Pool } from '../src/db/index.ts';
import type { Actor } from '../src/events/index.ts';
import { loadRates, overrideRate, rateFor, type FxContext } from '../src/reconciliation/fx/fx-rates.ts';
import type { FxTables } from '../src/reconciliation/fx/fx-tables.ts';
import { parseRatesCsv } from '../src/reconciliation/fx/parse-rates-csv.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let database: TestDatabase;
let pool: Pool;
let ctx: FxContext;
const reruns: Array<Array<{ date: string; base: string; quote: string }>> = [];
const admin: Actor = { type: 'operator', id: 'op_admin', name: 'Ada' };

before(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url, 4);
  ctx = { db: new Kysely<FxTables>({ dialect: new PostgresDialect({ pool }) }), onRatesChanged: async (changes) => void reruns.push(changes) };
});
after(async () => {
  await ctx?.db.destroy();
  await database?.drop();
});

test('load, override, reload, restore', async () => {
  const first = await loadRates(ctx, parseRatesCsv('date,base,quote,rate\n2026-11-20,USD,JPY,154.2350\n2026-11-21,USD,JPY,155.1\n'), 'file', admin);
  assert.equal(first.loaded, 2);
  assert.equal(first.changed.length, 2);
  assert.deepEqual(await rateFor(ctx, '2026-11-20', 'USD', 'JPY'), { rate: '154.2350', source: 'file' });

  const same = await loadRates(ctx, parseRatesCsv('date,base,quote,rate\n2026-11-20,USD,JPY,154.235\n'), 'file', admin);
  assert.deepEqual(same.changed, [], 'the same rate written differently changes nothing');

  reruns.length = 0;
  const o = await overrideRate(ctx, { date: '2026-11-20', base: 'USD', quote: 'JPY' }, '153.9', 'bank confirmation', admin);
  assert.deepEqual([o.before, o.after, o.changed], ['154.235', '153.9', true]);
  assert.deepEqual(reruns, [[{ date: '2026-11-20', base: 'USD', quote: 'JPY' }]]);
  const audit = await pool.query(`SELECT action, actor_id, details FROM audit_log WHERE target_id = '2026-11-20:USD/JPY'`);
  assert.equal(audit.rows.length, 1);
  assert.equal(audit.rows[0].action, 'fx_rate.overridden');
  assert.equal(audit.rows[0].actor_id, 'op_admin');
  assert.equal(audit.rows[0].details.previous_rate, '154.235');
  assert.equal(audit.rows[0].details.note, 'bank confirmation');

  reruns.length = 0;
  const reload = await loadRates(ctx, parseRatesCsv('date,base,quote,rate\n2026-11-20,USD,JPY,160\n'), 'file', admin);
  assert.deepEqual(reload.changed, [], 'the override keeps winning');
  assert.deepEqual(await rateFor(ctx, '2026-11-20', 'USD', 'JPY'), { rate: '153.9', source: 'manual' });
  assert.deepEqual(reruns, []);

  const restored = await overrideRate(ctx, { date: '2026-11-20', base: 'USD', quote: 'JPY' }, null, 'taken back', admin);
  assert.deepEqual([restored.before, restored.after], ['153.9', '160']);
  assert.deepEqual(await rateFor(ctx, '2026-11-20', 'USD', 'JPY'), { rate: '160', source: 'file' });
});

test('a bad line keeps nothing of the file', async () => {
  assert.throws(() => parseRatesCsv('date,base,quote,rate\n2026-12-01,EUR,JPY,162\n2026-12-02,EUR,JPY,-1\n'), /line 3, column rate/);
  assert.equal(await rateFor(ctx, '2026-12-01', 'EUR', 'JPY'), null);
});

test('the HTTP source: the day in the URL, rates loaded as source http; a failing source is a clear error', async () => {
  const { createServer } = await import('node:http');
  const { fetchRates } = await import('../src/reconciliation/fx/fetch-rates.ts');
  const asked: string[] = [];
  const server = createServer((req, res) => {
    asked.push(req.url ?? '');
    if (req.url?.includes('2026-11-25')) return void res.writeHead(503).end();
    res.writeHead(200, { 'content-type': 'text/csv' }).end('date,base,quote,rate\n2026-11-24,EUR,JPY,161.5\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}/rates?day={date}`;
  try {
    const loaded = await fetchRates(ctx, base, '2026-11-24');
    assert.equal(loaded.loaded, 1);
    assert.deepEqual(await rateFor(ctx, '2026-11-24', 'EUR', 'JPY'), { rate: '161.5', source: 'http' });
    await assert.rejects(fetchRates(ctx, base, '2026-11-25'), /KS_ERR_FX_SOURCE_UNAVAILABLE|answered 503/);
    assert.deepEqual(asked, ['/rates?day=2026-11-24', '/rates?day=2026-11-25']);
  } finally {
    server.close();
  }
});
