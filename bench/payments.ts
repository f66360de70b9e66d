// bench:payments — authorizations per second through the HTTP API (Idempotency-Key on every
// request, sandbox provider with no latency, 32 concurrent clients), against a baseline measured
// in the same run: 32 concurrent bare `pg` clients writing the same rows, one transaction per step
// of each authorization, with no HTTP, validation, query builder or batching. The server runs in
// its own process.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrate, openDatabase } from '../src/db/index.ts';
import { createIdentity } from '../src/identity/index.ts';
import { benchDatabase, closedLoop, freePort, keepAliveClient } from './lib.ts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WARMUP_SECONDS = 3;

const db = await benchDatabase('payments');
const database = openDatabase(db.url, 4);
await migrate(database.pool);
const { key } = await createIdentity({ db: database.db, sessionTtlHours: 1, secureCookies: false }).createApiKey({ name: 'bench', scopes: ['payments:write'] });
await database.close();

const port = await freePort();
const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
const server = spawn(process.execPath, [...profile, fileURLToPath(new URL('../bin/kessai.mjs', import.meta.url)), 'start'], {
  env: { ...process.env, DATABASE_URL: db.url, PORT: String(port), KESSAI_SEED_DEMO: 'false', KESSAI_SCHEDULES: 'false', LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', ...(process.env.BENCH_POOL_SIZE ? { KESSAI_DB_POOL_SIZE: process.env.BENCH_POOL_SIZE } : {}) },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve, reject) => {
  server.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('Kessai is running') && resolve());
  server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
});

// A lean client, so that the load generator takes as little of the 2 cores as it can.
const client = keepAliveClient(port);
async function authorize(): Promise<void> {
  const order = randomUUID();
  const res = await client.request(
    'POST',
    '/v1/payments',
    { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': `bench-${order}` },
    JSON.stringify({ order_id: order, amount: 4280, currency: 'JPY', provider: 'sandbox', payment_method: 'pm_card_visa' }),
  );
  if (res.status !== 201) throw new Error(`status ${res.status}: ${res.body}`);
}

process.stderr.write(`warming up ${WARMUP_SECONDS}s…\n`);
await closedLoop(CONCURRENCY, WARMUP_SECONDS, authorize);
process.stderr.write(`API: ${CONCURRENCY} clients for ${SECONDS}s…\n`);
const api = await closedLoop(CONCURRENCY, SECONDS, authorize);
client.close();

// Baseline: the same rows, bare pg, one transaction per authorization for each of our steps
// (no batching across requests), and the simulated provider's statement as the sandbox makes it
// (committed asynchronously).
const pool = new pg.Pool({ connectionString: db.url, max: CONCURRENCY });
const providerPool = new pg.Pool({ connectionString: db.url, max: CONCURRENCY, options: '-c synchronous_commit=off' });
async function tx(client: pg.PoolClient, statements: Array<[string, unknown[]]>) {
  await client.query('BEGIN');
  for (const [text, values] of statements) await client.query(text, values);
  await client.query('COMMIT');
}
async function bareWrites(): Promise<void> {
  const id = randomUUID().replaceAll('-', '');
  const client = await pool.connect();
  try {
    await client.query("INSERT INTO idempotency_keys (principal, key, request_method, request_path, request_hash, state) VALUES ('bench', $1, 'POST', '/v1/payments', 'h', 'in_progress')", [id]);
    await tx(client, [
      ["INSERT INTO payments (id, order_id, provider, payment_method, currency, capture_method, status, amount, in_flight_operation_id) VALUES ($1, $1, 'sandbox', 'pm_card_visa', 'JPY', 'manual', 'pending', 4280, $2)", [`pay_${id}`, `op_${id}`]],
      ["INSERT INTO events (id, type, aggregate_id, data) VALUES ($1, 'payment.created', $2, '{}')", [`evt_a${id}`, `pay_${id}`]],
      ["INSERT INTO payment_operations (id, payment_id, kind, amount, status, next_attempt_at) VALUES ($1, $2, 'authorize', 4280, 'pending', now())", [`op_${id}`, `pay_${id}`]],
    ]);
    // The sandbox's approval of a card without a limit: the key's record and the charge in one statement.
    await providerPool.query(
      `WITH claim AS (INSERT INTO sandbox_requests (idempotency_key, operation, charge_id, response) VALUES ($1, 'authorize', $2, '{}')
                      ON CONFLICT (idempotency_key) DO NOTHING RETURNING charge_id)
       INSERT INTO sandbox_charges (id, payment_method, currency, capture_method, status, amount_authorized, amount_captured, reference)
       SELECT charge_id, 'pm_card_visa', 'JPY', 'manual', 'authorized', 4280, 0, $3 FROM claim`,
      [`op_${id}`, `sbch_${id}`, `pay_${id}`],
    );
    await tx(client, [
      ["UPDATE payments SET status = 'authorized', amount_authorized = 4280, provider_payment_id = $2, in_flight_operation_id = NULL WHERE id = $1", [`pay_${id}`, `sbch_${id}`]],
      ["UPDATE payment_operations SET status = 'succeeded', completed_at = now() WHERE id = $1", [`op_${id}`]],
      ["INSERT INTO events (id, type, aggregate_id, data) VALUES ($1, 'payment.authorized', $2, '{}')", [`evt_b${id}`, `pay_${id}`]],
    ]);
    await client.query("UPDATE idempotency_keys SET state = 'completed', response_status = 201, response_body = '{}' WHERE principal = 'bench' AND key = $1", [id]);
  } finally {
    client.release();
  }
}
process.stderr.write(`baseline: ${CONCURRENCY} bare pg clients for ${SECONDS}s…\n`);
await closedLoop(CONCURRENCY, WARMUP_SECONDS, bareWrites);
const baseline = await closedLoop(CONCURRENCY, SECONDS, bareWrites);
await pool.end();
await providerPool.end();

server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
await db.stop();

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const figures = {
  bench: 'payments',
  concurrency: CONCURRENCY,
  seconds: SECONDS,
  authorizations_per_s: round(api.perSecond),
  p50_ms: round(api.p50, 2),
  p99_ms: round(api.p99, 2),
  errors: api.errors,
  baseline_per_s: round(baseline.perSecond),
  baseline_p99_ms: round(baseline.p99, 2),
  ratio: round(api.perSecond / baseline.perSecond, 3),
  goals: { ratio: 0.5, authorizations_per_s: 800 },
};
console.log(JSON.stringify(figures));
