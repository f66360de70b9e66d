import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTestApp, type TestApp } from './support/app.ts';
import { ingestEvent, postCampaign, putRewardCustomer, uid } from './support/rewards.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/kessai.mjs', import.meta.url));
let t: TestApp;
let dir: string;

before(async () => {
  t = await startTestApp();
  dir = mkdtempSync(join(tmpdir(), 'kessai-rewards-cli-'));
});
after(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const kessai = (...args: string[]) => run(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: t.database.url, LOG_LEVEL: 'silent' } });

function csv(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('kessai rewards customers import', () => {
  test('loads many customers in batches; a running process’s estimate sees them (NOTIFY); a re-run changes nothing', async () => {
    const created = await t.request({
      method: 'POST',
      url: '/v1/rewards/campaigns',
      payload: { name: 'Any', starts_at: '2020-01-01T00:00:00Z', ends_at: '2099-01-01T00:00:00Z', user_filters: { card_status: [2] }, stage_rates: [{ min_stage: 10, rate_percent: '1.0' }], rounding: 'floor', funding_party: 'issuer' },
    });
    assert.equal(created.statusCode, 201, created.body);
    const n = 2000;
    const lines = ['customer_id,card_status,stage,as_of', ...Array.from({ length: n }, (_, i) => `cli-${i},2,${10 + (i % 30)},2026-11-01T00:00:00Z`)];
    // The same customer twice in the file: the newer row wins, whatever the order.
    lines.push('cli-0,,40,2026-11-02T00:00:00Z', 'cli-0,,11,2026-10-01T00:00:00Z');
    const file = csv('customers.csv', `${lines.join('\n')}\n`);
    const { stdout } = await kessai('rewards', 'customers', 'import', file);
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!);
    assert.deepEqual(report, { rows: n + 2, applied: n + 1, ignored: 1, batches: 5 });

    const stage = await t.platform.database.pool.query("SELECT stage, version::int FROM reward_customers WHERE id = 'cli-0'");
    assert.deepEqual(stage.rows[0], { stage: 40, version: 2 });
    const estimate = async (customerId: string) =>
      (await t.request({ method: 'POST', url: '/v1/rewards/estimate', payload: { customer_id: customerId, amount: 10_000, currency: 'JPY', merchant_id: 'M', payment_method: 'card' } })).json();
    const until = Date.now() + 5000;
    while ((await estimate(`cli-${n - 1}`)).total_points !== 100) {
      assert.ok(Date.now() < until, 'the running process heard of the import');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(t.platform.rewards.estimate({ customerId: 'cli-0', amount: 10_000n, currency: 'JPY', merchantId: 'M', paymentMethod: 'card' }).customer?.stage, 40);

    const again = JSON.parse((await kessai('rewards', 'customers', 'import', file)).stdout.trim().split('\n').at(-1)!);
    assert.deepEqual(again, { rows: n + 2, applied: 0, ignored: n + 2, batches: 5 });
    const audit = await t.platform.database.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'reward_customers.import' AND actor_type = 'cli'");
    assert.equal(audit.rows[0].n, 2);
  });

  test('a bad line stops the import before anything is written, naming the line', async () => {
    const file = csv('bad.csv', 'customer_id,stage,as_of\nbad-1,10,2026-11-01T00:00:00Z\nbad-2,ten,2026-11-01T00:00:00Z\n');
    await assert.rejects(kessai('rewards', 'customers', 'import', file), (e: { stderr: string }) => /line 3, stage/.test(e.stderr));
    const rows = await t.platform.database.pool.query("SELECT count(*)::int AS n FROM reward_customers WHERE id LIKE 'bad-%'");
    assert.equal(rows.rows[0].n, 0);
    await assert.rejects(kessai('rewards', 'customers'), (e: { stderr: string }) => /Usage: kessai rewards customers import/.test(e.stderr));
  });
});

describe('kessai rewards expire', () => {
  test('expires the points due now, once; running it again expires nothing', async () => {
    const campaign = await postCampaign(t, { stage_rates: [{ min_stage: 30, rate_percent: '3.0' }], points_expire_after_days: 1 });
    const customerId = await putRewardCustomer(t, 30);
    const now = new Date().toISOString();
    const paymentId = `pay-${uid()}`;
    const settled = await ingestEvent(t, 'payment.settled', { payment_id: paymentId, customer_id: customerId, amount: 10_000, currency: 'JPY', merchant_id: 'M-1', payment_method: campaign.method, paid_at: now, settled_at: now });
    assert.equal(settled.outcome, 'processed');
    // Due already (as if granted two days ago).
    const due = await t.platform.database.pool.query(`UPDATE reward_grants SET expires_at = now() - interval '1 day' WHERE payment_id = $1 AND expires_at IS NOT NULL`, [paymentId]);
    assert.equal(due.rowCount, 1, 'the campaign’s grant carries an expiry');
    const first = await kessai('rewards', 'expire');
    assert.deepEqual(JSON.parse(first.stdout.trim().split('\n').at(-1)!), { grants: 1, points: 300 });
    assert.match(first.stderr, /300 points of 1 grants expired/);
    const again = await kessai('rewards', 'expire');
    assert.deepEqual(JSON.parse(again.stdout.trim().split('\n').at(-1)!), { grants: 0, points: 0 });
    const audit = await t.platform.database.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'reward_points.expire'`);
    assert.equal(audit.rows[0].n, 2);
  });
});
