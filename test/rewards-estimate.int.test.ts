// The estimate answers from each process's in-memory snapshot: these tests run two Kessai
// instances on one database, change things through one and watch the other's estimate follow
// (LISTEN/NOTIFY, and a full reload after a lost connection), and count the queries the hot path
// makes: none.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { startTestApp, type TestApp } from './support/app.ts';

let a: TestApp;
let b: { url: string; child: ChildProcess; output: string[]; close(): Promise<void> };
let campaignId: string;

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** A second Kessai process on A's database (`kessai start` as an api process), on a free port. */
async function startSecondProcess(databaseUrl: string): Promise<typeof b> {
  const env = { ...process.env, DATABASE_URL: databaseUrl, KESSAI_ROLE: 'api', PORT: '0', LOG_LEVEL: 'silent', KESSAI_SEED_DEMO: 'false', KESSAI_SCHEDULES: 'false' };
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the second process did not start:\n${output.join('')}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      const m = /API\s+(http:\/\/\S+)\/v1/.exec(output.join(''));
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the second process exited (${code}):\n${output.join('')}`)));
  });
  return {
    url,
    child,
    output,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The same request to A (in-process) or B (over HTTP), answered as parsed JSON. */
type Instance = 'A' | 'B';
async function call(on: Instance, method: string, url: string, payload?: object): Promise<{ statusCode: number; body: any }> {
  if (on === 'A') {
    const res = await a.request({ method: method as 'GET', url, ...(payload ? { payload } : {}) });
    return { statusCode: res.statusCode, body: res.json() };
  }
  const res = await fetch(`${b.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${a.adminKey}`, ...(payload ? { 'content-type': 'application/json' } : {}) },
    ...(payload ? { body: JSON.stringify(payload) } : {}),
  });
  return { statusCode: res.status, body: await res.json() };
}

const ESTIMATE = { customer_id: 'cust-1', amount: 10_000, currency: 'JPY', merchant_id: 'CN-OURS', payment_method: 'card' };

async function estimateOn(on: Instance, body: Record<string, unknown> = {}) {
  const res = await call(on, 'POST', '/v1/rewards/estimate', { ...ESTIMATE, ...body });
  assert.equal(res.statusCode, 200, JSON.stringify(res.body));
  return res.body;
}

/** The rewards LISTEN connections open on A's database (one per process while connected). */
async function listeners(): Promise<number> {
  const r = await a.platform.database.pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'kessai-rewards' AND datname = current_database()");
  return r.rows[0].n;
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const pointsOf = (estimate: { campaigns: Array<{ campaign_id: string; points: number }> }, id: string) => estimate.campaigns.find((c) => c.campaign_id === id)?.points;

before(async () => {
  a = await startTestApp();
  const put = async (url: string, payload: object) => {
    const res = await a.request({ method: 'PUT', url, payload });
    assert.equal(res.statusCode, 200, res.body);
  };
  await put('/v1/rewards/merchants/mp-ours', { marketplace: 'inside', merchant_ids: [{ payment_method: 'card', merchant_id: 'CN-OURS', effective_from: '2020-01-01T00:00:00Z' }] });
  await put('/v1/rewards/customers/cust-1', { card_status: 2, stage: 30, as_of: '2026-11-01T00:00:00Z' });
  const created = await a.request({
    method: 'POST',
    url: '/v1/rewards/campaigns',
    payload: {
      name: 'Mercard on the marketplace',
      starts_at: '2020-01-01T00:00:00Z',
      ends_at: '2099-01-01T00:00:00Z',
      user_filters: { card_status: [2, 3] },
      payment_filters: { marketplace: 'inside' },
      stage_rates: [10, 20, 30, 40].map((s) => ({ min_stage: s, rate_percent: `${s / 10}.0` })),
      rounding: 'floor',
      funding_party: 'card_issuer',
    },
  });
  assert.equal(created.statusCode, 201, created.body);
  campaignId = created.json().id;
  // B starts after the data exists: its first load must find it.
  b = await startSecondProcess(a.database.url);
});
after(async () => {
  await b?.close();
  await a?.close();
});

describe('estimate', () => {
  test('points per campaign and in total, with the reasons a campaign does not apply', async () => {
    const outside = await a.request({
      method: 'POST',
      url: '/v1/rewards/campaigns',
      payload: { name: 'Elsewhere', starts_at: '2020-01-01T00:00:00Z', ends_at: '2099-01-01T00:00:00Z', payment_filters: { marketplace: 'outside' }, stage_rates: [{ min_stage: 0, rate_percent: '0.5' }], rounding: 'half_up', funding_party: 'merchant' },
    });
    const future = await a.request({
      method: 'POST',
      url: '/v1/rewards/campaigns',
      payload: { name: 'Next year', starts_at: '2098-01-01T00:00:00Z', ends_at: '2099-01-01T00:00:00Z', stage_rates: [{ min_stage: 0, rate_percent: '9' }], rounding: 'floor', funding_party: 'merchant' },
    });
    assert.equal(future.statusCode, 201);
    const e = await estimateOn('A');
    assert.equal(e.object, 'reward_estimate');
    assert.equal(e.customer_known, true);
    assert.equal(e.merchant_master_id, 'mp-ours');
    assert.equal(e.marketplace, 'inside');
    assert.equal(e.cap_blind, true);
    assert.deepEqual(
      e.campaigns.map((c: { campaign_id: string; applies: boolean; points: number; rate_percent: string | null; reasons: string[] }) => [c.campaign_id, c.applies, c.points, c.rate_percent, c.reasons]),
      [
        [campaignId, true, 300, '3.0', []],
        [outside.json().id, false, 0, '0.5', ['marketplace_not_eligible']],
      ],
      'in force only (not the one starting in 2098), ordered by id',
    );
    assert.equal(e.total_points, 300);
    const elsewhere = await estimateOn('A', { merchant_id: 'SOMEWHERE-ELSE', amount: 1234 });
    assert.deepEqual([elsewhere.merchant_master_id, elsewhere.marketplace, elsewhere.total_points], [null, 'outside', 6]);
    const stranger = await estimateOn('A', { customer_id: 'nobody' });
    assert.equal(stranger.customer_known, false);
    assert.deepEqual(stranger.campaigns.map((c: { reasons: string[] }) => c.reasons), [['customer_unknown'], ['customer_unknown', 'marketplace_not_eligible']]);
    const later = await estimateOn('A', { at: '2098-06-01T00:00:00Z' });
    assert.equal(later.campaigns.length, 3, 'at: a moment when the 2098 campaign is in force');
    const bad = await a.request({ method: 'POST', url: '/v1/rewards/estimate', payload: { ...ESTIMATE, currency: 'XYZ' } });
    assert.equal(bad.json().error.code, 'KS_ERR_CURRENCY_UNSUPPORTED');
    assert.equal(bad.json().error.field, 'currency');
    const missing = await a.request({ method: 'POST', url: '/v1/rewards/estimate', payload: { ...ESTIMATE, merchant_id: undefined } });
    assert.equal(missing.json().error.field, 'merchant_id');
  });

  test('another instance sees campaign, customer and merchant changes without a restart (NOTIFY)', async () => {
    assert.equal(pointsOf(await estimateOn('B'), campaignId), 300, 'B loaded everything at start');
    const version = (await a.request({ method: 'GET', url: `/v1/rewards/campaigns/${campaignId}` })).json().version;
    const patched = await a.request({ method: 'PATCH', url: `/v1/rewards/campaigns/${campaignId}`, payload: { expected_version: version, stage_rates: [{ min_stage: 10, rate_percent: '5.5' }] } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(pointsOf(await estimateOn('A'), campaignId), 550, 'A answers with its own change at once');
    await eventually('B to see the new rate', async () => pointsOf(await estimateOn('B'), campaignId) === 550);
    assert.equal((await estimateOn('B')).campaigns.find((c: { campaign_id: string }) => c.campaign_id === campaignId).version, version + 1);

    await a.request({ method: 'PUT', url: '/v1/rewards/customers/cust-1', payload: { card_status: 1, as_of: '2026-11-02T00:00:00Z' } });
    await eventually('B to see the card status', async () => {
      const c = (await estimateOn('B')).campaigns.find((x: { campaign_id: string }) => x.campaign_id === campaignId);
      return c.reasons.includes('card_status_not_eligible');
    });
    await a.request({ method: 'PUT', url: '/v1/rewards/customers/cust-1', payload: { card_status: 3, as_of: '2026-11-03T00:00:00Z' } });

    await a.request({ method: 'PUT', url: '/v1/rewards/merchants/mp-new', payload: { marketplace: 'inside', merchant_ids: [{ payment_method: 'wallet', merchant_id: 'ID-777', effective_from: '2020-01-01T00:00:00Z' }] } });
    await eventually('B to map the wallet merchant id to our marketplace', async () => (await estimateOn('B', { payment_method: 'wallet', merchant_id: 'ID-777' })).merchant_master_id === 'mp-new');
    assert.equal(pointsOf(await estimateOn('B', { payment_method: 'wallet', merchant_id: 'ID-777' }), campaignId), 550);
  });

  test('after a lost LISTEN connection, the reconnect reloads everything it missed', async () => {
    assert.equal(await listeners(), 2, 'A and B listen');
    await a.platform.database.pool.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'kessai-rewards' AND datname = current_database()");
    await eventually('both connections to be gone', async () => (await listeners()) === 0);
    // Changed while nobody hears it (A applies its own change directly; B must reload).
    const version = (await a.request({ method: 'GET', url: `/v1/rewards/campaigns/${campaignId}` })).json().version;
    const patched = await a.request({ method: 'PATCH', url: `/v1/rewards/campaigns/${campaignId}`, payload: { expected_version: version, stage_rates: [{ min_stage: 10, rate_percent: '7.0' }] } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(pointsOf(await estimateOn('B'), campaignId), 550, 'B has not heard of it yet');
    await eventually('B to reconnect and reload', async () => pointsOf(await estimateOn('B'), campaignId) === 700);
    await eventually('both to listen again', async () => (await listeners()) === 2);
    assert.equal(a.platform.rewards.listening, true);
    const ready = await call('B', 'GET', '/readyz');
    assert.equal(ready.body.checks.rewards_snapshot, 'ok');
  });
});

/**
 * Every statement sent through a pool from inside `attributed()` (AsyncLocalStorage follows the
 * request through Fastify's handlers and every await), so the process's background work (webhook
 * polling, the snapshot's own reloads) is not counted against the estimate.
 */
function recordQueries(pool: pg.Pool) {
  const scope = new AsyncLocalStorage<true>();
  const statements: string[] = [];
  const originalConnect = pool.connect.bind(pool);
  const originalQuery = pool.query.bind(pool);
  const text = (q: unknown) => (typeof q === 'string' ? q : ((q as { text?: string })?.text ?? String(q)));
  const note = (q: unknown) => {
    if (scope.getStore()) statements.push(text(q));
  };
  const wrapped = new WeakSet<object>();
  (pool as any).connect = async (...args: unknown[]) => {
    if (args.length > 0) return (originalConnect as any)(...args);
    const client = await originalConnect();
    if (!wrapped.has(client)) {
      wrapped.add(client);
      const q = client.query.bind(client);
      (client as any).query = (...qa: unknown[]) => (note(qa[0]), (q as any)(...qa));
    }
    return client;
  };
  (pool as any).query = (...qa: unknown[]) => (note(qa[0]), (originalQuery as any)(...qa));
  return {
    statements,
    attributed: <T,>(fn: () => Promise<T>) => scope.run(true, fn),
    stop() {
      (pool as any).connect = originalConnect;
      (pool as any).query = originalQuery;
    },
  };
}

describe('the hot path makes no database round-trip', () => {
  test('N estimates through HTTP and through the domain: no query; a read that does query is seen', async () => {
    await estimateOn('A'); // the API key is now cached (it is re-checked every 5 s, not per request)
    const recorder = recordQueries(a.platform.database.pool);
    try {
      const customers = ['cust-1', 'nobody', 'cust-2'];
      const merchants = ['CN-OURS', 'ID-777', 'SOMEWHERE-ELSE'];
      const n = 300;
      let answered = 0;
      await recorder.attributed(async () => {
        for (let i = 0; i < n; i++) {
          const e = await estimateOn('A', { customer_id: customers[i % 3], merchant_id: merchants[i % 3], payment_method: i % 2 ? 'card' : 'wallet', amount: 100 + i });
          if (e.object === 'reward_estimate') answered += 1;
        }
        for (let i = 0; i < 1000; i++) {
          a.platform.rewards.estimate({ customerId: customers[i % 3]!, amount: BigInt(i), currency: 'JPY', merchantId: merchants[i % 3]!, paymentMethod: 'card' });
        }
      });
      assert.equal(answered, n);
      // The authenticator re-reads an API key every 5 s (and notes its last use each minute): per key, not per request.
      const others = recorder.statements.filter((s) => !/api_keys/.test(s));
      assert.deepEqual(others, [], 'estimates sent queries');
      assert.ok(recorder.statements.length <= 4, `at most the key re-check: ${recorder.statements.join(' | ')}`);
      // The recorder does see queries: a campaign read goes to the database.
      // (awaited inside: inject() only starts the request when awaited)
      await recorder.attributed(async () => {
        await a.request({ method: 'GET', url: `/v1/rewards/campaigns/${campaignId}` });
      });
      assert.ok(recorder.statements.some((s) => /reward_campaign/.test(s)), `the recorder saw the campaign read: ${JSON.stringify(recorder.statements)}`);
    } finally {
      recorder.stop();
    }
  });
});

describe('an estimate is a read', () => {
  test('with an Idempotency-Key it stores nothing and writes nothing', async () => {
    const count = async (table: string) => (await a.platform.database.pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
    const [keys, audits] = [await count('idempotency_keys'), await count('audit_log')];
    for (let i = 0; i < 3; i++) {
      const res = await a.request({ method: 'POST', url: '/v1/rewards/estimate', payload: ESTIMATE, headers: { 'idempotency-key': `estimate-${i}` } });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['idempotent-replayed'], undefined);
    }
    assert.equal(await count('idempotency_keys'), keys);
    assert.equal(await count('audit_log'), audits);
  });
});
