// `kessai recon`: import a bill with progress, refuse it the second time naming the first import,
// and reconcile its day, all as a user would run them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/kessai.mjs', import.meta.url));
const BILL = fileURLToPath(new URL('./fixtures/settlement/wechat-tradebill-all.csv', import.meta.url));
let database: TestDatabase;

before(async () => {
  database = await createTestDatabase();
});
after(async () => database?.drop());

const kessai = (...args: string[]) => run(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'silent', KESSAI_SCHEDULES: 'false' } });

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
