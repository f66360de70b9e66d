import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createPool, type Pool } from '../src/db/index.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { seedDeliveredPayments, captureAudit } from './support/seed-payments.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/kessai.mjs', import.meta.url));
let database: TestDatabase;
let pool: Pool;

before(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url, 3);
});
after(async () => {
  await pool?.end();
  await database?.drop();
});

const kessai = (...args: string[]) => run(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'silent' } });

describe('kessai CLI', () => {
  test('migrate reports an up-to-date database', async () => {
    const { stdout } = await kessai('migrate');
    assert.match(stdout, /up to date/);
  });

  test('api-keys create prints the key once, alone on the last line, and it works', async () => {
    const { stdout } = await kessai('api-keys', 'create', '--scopes', 'payments:read,payments:write', '--name', 'shop');
    const lines = stdout.trim().split('\n');
    const key = lines.at(-1)!;
    assert.match(key, /^ks_[0-9a-z]{40,}$/);
    assert.equal(lines.filter((l) => l.includes(key)).length, 1);
    const row = await pool.query('SELECT name, scopes FROM api_keys WHERE name = $1', ['shop']);
    assert.deepEqual(row.rows[0].scopes, ['payments:read', 'payments:write']);
    const audit = await pool.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'api_key.create' AND actor_type = 'cli'");
    assert.equal(audit.rows[0].n, 1);
  });

  test('unknown scopes and unknown commands fail clearly', async () => {
    await assert.rejects(kessai('api-keys', 'create', '--scopes', 'everything'), (e: { stderr: string }) => /Unknown scopes: everything/.test(e.stderr));
    await assert.rejects(kessai('frobnicate'), (e: { stderr: string; code: number }) => e.code === 2 && /Unknown command/.test(e.stderr));
  });

  test('a bad environment is reported before anything starts', async () => {
    await assert.rejects(
      run(process.execPath, [BIN, 'migrate'], { env: { ...process.env, PORT: 'eighty' } }),
      (e: { stderr: string }) => /PORT must be an integer/.test(e.stderr),
    );
  });

  test('capture run captures delivered orders and prints a summary', async () => {
    await seedDeliveredPayments(pool, 30, 'cli');
    const { stdout, stderr } = await kessai('capture', 'run');
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
    assert.equal(result.captured, 30);
    assert.match(stderr, /30 captured/);
    assert.equal((await captureAudit(pool, 'cli')).captured, 30);
  });

  test('payments sync settles open operations', async () => {
    const { stdout } = await kessai('payments', 'sync');
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!);
    assert.equal(typeof report.resolved, 'number');
  });
});
