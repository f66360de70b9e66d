// `kessai recon`: import a bill with progress, refuse it the second time naming the first import,
// and reconcile its day, all as a user would run them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/kessai.mjs', import.meta.url));
const BILL = fileURLToPath(new URL('./fixtures/settlement/wechat-tradebill-all.csv', import.meta.url));
let database: TestDatabase;

before(async () => {
  database = await createTestDatabase();
});
after(async () => database?.drop());

const kessai = (...args: string[]) => kessaiWith({}, ...args);
const kessaiWith = (env: Record<string, string>, ...args: string[]) =>
  run(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'silent', KESSAI_SCHEDULES: 'false', ...env } });

test('recon import, the same file again, and recon run', { timeout: 180_000 }, async () => {
  const first = await kessai('recon', 'import', '--channel', 'wechat', BILL);
  const file = JSON.parse(first.stdout.trim().split('\n').at(-1)!);
  assert.match(file.id, /^rfil_/);
  assert.equal(file.footer.status, 'passed');
  assert.match(first.stderr, /lines, wechat\.tradebill\.all/);

  await assert.rejects(kessai('recon', 'import', '--channel', 'wechat', BILL), (err: { stderr: string; code: number }) => {
    assert.equal(err.code, 1);
    assert.match(err.stderr, new RegExp(`imported for wechat already as ${file.id}`));
    return true;
  });

  const reconciled = await kessai('recon', 'run', '--channel', 'wechat', '--date', '2024-03-01');
  const view = JSON.parse(reconciled.stdout.trim().split('\n').at(-1)!);
  assert.equal(view.status, 'completed');
  assert.equal(view.result.line_count, file.line_count);
});

test('recon fx load a CSV file, and recon fx fetch a day from the HTTP source', { timeout: 180_000 }, async () => {
  const file = join(tmpdir(), `kessai-rates-${process.pid}.csv`);
  await writeFile(file, 'date,base,quote,rate\n2024-03-01,USD,CNY,7.19\n2024-03-01,EUR,CNY,7.81\n');
  const loaded = await kessai('recon', 'fx', 'load', file);
  assert.deepEqual(JSON.parse(loaded.stdout.trim().split('\n').at(-1)!).loaded, 2);
  assert.match(loaded.stderr, /2 rates loaded, 2 changed/);

  await writeFile(file, 'date,base,quote,rate\n2024-03-01,USD,CNY,seven\n');
  await assert.rejects(kessai('recon', 'fx', 'load', file), (err: { stderr: string; code: number }) => {
    assert.equal(err.code, 1);
    assert.match(err.stderr, /line 2/);
    return true;
  });

  const asked: string[] = [];
  const source = createServer((req, res) => {
    asked.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/csv' }).end('date,base,quote,rate\n2024-03-02,USD,CNY,7.2\n');
  });
  await new Promise<void>((r) => source.listen(0, '127.0.0.1', () => r()));
  try {
    const url = `http://127.0.0.1:${(source.address() as { port: number }).port}/rates/{date}.csv`;
    const fetched = await kessaiWith({ KESSAI_FX_RATES_URL: url }, 'recon', 'fx', 'fetch', '--date', '2024-03-02');
    assert.equal(JSON.parse(fetched.stdout.trim().split('\n').at(-1)!).loaded, 1);
    assert.deepEqual(asked, ['/rates/2024-03-02.csv']);
    await assert.rejects(kessai('recon', 'fx', 'fetch', '--date', '2024-03-02'), (err: { stderr: string }) => /KESSAI_FX_RATES_URL/.test(err.stderr));
  } finally {
    source.close();
  }
});

test('recon fees add, list, replace and retire, with the API’s checks and an audit entry each', { timeout: 180_000 }, async () => {
  const rule = { channel: 'generic:clifees', effective_from: '2026-03-01', items: { acquirer: { percent: '2', fixed: 0 } }, rounding: 'half_up', note: 'contract 2026' };
  const file = join(tmpdir(), `kessai-fee-rule-${process.pid}.json`);
  await writeFile(file, JSON.stringify(rule));
  const added = JSON.parse((await kessai('recon', 'fees', 'add', file)).stdout.trim());
  assert.match(added.id, /^rfee_/);
  assert.equal(added.channel, 'generic:clifees');

  const listed = JSON.parse((await kessai('recon', 'fees', 'list', '--channel', 'generic:clifees')).stdout.trim());
  assert.deepEqual(listed.map((r: { id: string }) => r.id), [added.id]);
  assert.deepEqual(JSON.parse((await kessai('recon', 'fees', 'list', '--channel', 'generic:clifees', '--on', '2026-02-28')).stdout.trim()), []);

  // Refused as the API refuses it: the code and the field, exit 1, nothing stored.
  await writeFile(file, JSON.stringify({ ...rule, items: { stamp: { fixed: 1 } } }));
  await assert.rejects(kessai('recon', 'fees', 'add', file), (err: { stderr: string; code: number }) => {
    assert.equal(err.code, 1);
    assert.match(err.stderr, /KS_ERR_FEE_RULE_INVALID: .*\(field items\.stamp\)/);
    return true;
  });

  await writeFile(file, JSON.stringify({ ...rule, effective_from: '2026-05-01', items: { acquirer: { percent: '1.8', fixed: 0 } } }));
  const replaced = JSON.parse((await kessai('recon', 'fees', 'replace', added.id, file)).stdout.trim());
  assert.notEqual(replaced.id, added.id);
  const retired = JSON.parse((await kessai('recon', 'fees', 'retire', replaced.id, '--to', '2026-09-01')).stdout.trim());
  assert.equal(retired.effective_to, '2026-09-01');
  const all = JSON.parse((await kessai('recon', 'fees', 'list', '--channel', 'generic:clifees')).stdout.trim());
  assert.equal(all.length, 2);

  await assert.rejects(kessai('recon', 'fees', 'retire', replaced.id), (err: { stderr: string }) => /kessai recon fees retire ID --to/.test(err.stderr));

  const pool = new pg.Pool({ connectionString: database.url });
  try {
    const { rows } = await pool.query(`SELECT action, actor_type, actor_name FROM audit_log WHERE target_type = 'fee_rule' ORDER BY id`);
    assert.ok(rows.length >= 3, 'created, replaced and retired are audited');
    assert.equal(rows[0].action, 'fee_rule.created');
    assert.ok(rows.every((r) => r.actor_type === 'cli' && r.actor_name === 'kessai recon fees'));
  } finally {
    await pool.end();
  }
});
