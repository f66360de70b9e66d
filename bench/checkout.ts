// bench:checkout — checkouts per second end to end through the HTTP API (sandbox provider with
// no latency, 32 concurrent customers, each POST answering when the order is placed), against a
// baseline measured in the same run: a bare DBOS workflow with the same number of no-op steps
// (7, as a completed checkout has), started and awaited by 32 concurrent callers.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate, openDatabase } from '../src/db/index.ts';
import { createIdentity } from '../src/identity/index.ts';
import { DBOS, launchWorkflows, shutdownWorkflows } from '../src/workflows/index.ts';
import { benchDatabase, closedLoop, freePort, keepAliveClient } from './lib.ts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WARMUP_SECONDS = 3;
const CARTS = Number(process.env.BENCH_CARTS ?? 30_000);
const SKUS = 200;
const STEPS = 7;

const db = await benchDatabase('checkout');
// BENCH_UNIX_SOCKET=1: the server talks to PostgreSQL over its Unix socket instead of loopback TCP.
const serverDbUrl = process.env.BENCH_UNIX_SOCKET ? db.url.replace('@127.0.0.1:', '@%2Ftmp:') : db.url;
const database = openDatabase(db.url, 4);
await migrate(database.pool);
const { key } = await createIdentity({ db: database.db, sessionTtlHours: 1, secureCookies: false }).createApiKey({ name: 'bench', scopes: ['checkout:write', 'catalog:read'] });
// Many SKUs (as a shop has), one shipping rule, and carts of one or two lines, loaded in bulk.
await database.pool.query(`INSERT INTO products (sku, name, price, currency, weight_grams, stock_available)
  SELECT 'B-' || i, 'Bench item ' || i, 500 + i * 10, 'JPY', 250, 1000000 FROM generate_series(1, ${SKUS}) i`);
await database.pool.query(`INSERT INTO shipping_rules (id, region, currency, free_shipping_threshold) VALUES ('shr_bench', 'JP-13', 'JPY', 20000)`);
await database.pool.query(`INSERT INTO shipping_rule_bands (rule_id, position, up_to_grams, fee) VALUES ('shr_bench', 0, 2000, 800), ('shr_bench', 1, NULL, 1200)`);
await database.pool.query(`INSERT INTO carts (id, currency, region) SELECT 'cart_bench' || i, 'JPY', 'JP-13' FROM generate_series(1, ${CARTS}) i`);
await database.pool.query(`INSERT INTO cart_lines (cart_id, sku, quantity)
  SELECT 'cart_bench' || i, 'B-' || (1 + i % ${SKUS}), 1 + i % 2 FROM generate_series(1, ${CARTS}) i
  UNION ALL SELECT 'cart_bench' || i, 'B-' || (1 + (i * 7 + 3) % ${SKUS}), 1 FROM generate_series(1, ${CARTS}) i WHERE i % 3 = 0 AND (i * 7 + 3) % ${SKUS} <> i % ${SKUS}`);
await database.pool.query('ANALYZE');
await database.close();

const port = await freePort();
const mailDir = mkdtempSync(join(tmpdir(), 'kessai-bench-mail-'));
const server = spawn(process.execPath, [fileURLToPath(new URL('../bin/kessai.mjs', import.meta.url)), 'start'], {
  env: {
    ...process.env,
    DATABASE_URL: serverDbUrl,
    PORT: String(port),
    KESSAI_SEED_DEMO: 'false',
    KESSAI_SCHEDULES: 'false',
    KESSAI_MAIL_DIR: mailDir,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    ...(process.env.BENCH_POOL_SIZE ? { KESSAI_DB_POOL_SIZE: process.env.BENCH_POOL_SIZE } : {}),
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve, reject) => {
  server.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('Kessai is running') && resolve());
  server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
});

// A lean client, so that the load generator takes as little of the 2 cores as it can.
const client = keepAliveClient(port);
let next = 0;
const body = JSON.stringify({
  customer: { email: 'bench@example.com', name: 'Bench Customer' },
  shipping_address: { name: 'Bench Customer', line1: '1-2-3 Chiyoda', city: 'Tokyo', postal_code: '100-0001', country: 'JP' },
  payment_method: 'pm_card_visa',
});
async function checkout(): Promise<void> {
  next += 1;
  if (next > CARTS) throw new Error('out of carts: raise BENCH_CARTS');
  const res = await client.request('POST', `/v1/carts/cart_bench${next}/checkout`, { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': `bench-${next}` }, body);
  if (res.status !== 201) throw new Error(`status ${res.status}: ${res.body}`);
}

process.stderr.write(`warming up ${WARMUP_SECONDS}s…\n`);
await closedLoop(CONCURRENCY, WARMUP_SECONDS, checkout);
process.stderr.write(`API: ${CONCURRENCY} customers for ${SECONDS}s…\n`);
const api = await closedLoop(CONCURRENCY, SECONDS, checkout);
client.close();
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
rmSync(mailDir, { recursive: true, force: true });

// Baseline: a bare DBOS workflow of STEPS no-op steps, on the same database, nothing else running.
const noop = DBOS.registerWorkflow(
  async () => {
    for (let i = 0; i < STEPS; i++) await DBOS.runStep(async () => i, { name: `noop-${i}` });
    return STEPS;
  },
  { name: 'bench.noopCheckout' },
);
await launchWorkflows({ lockPool: openDatabase(db.url, 1).pool, databaseUrl: db.url, role: 'all', applicationVersion: 'bench', executorId: 'bench-baseline', logLevel: 'error', poolSize: Number(process.env.BENCH_POOL_SIZE ?? 20) });
const bare = async () => {
  await (await DBOS.startWorkflow(noop)()).getResult();
};
process.stderr.write(`baseline: ${CONCURRENCY} callers of a ${STEPS}-step no-op DBOS workflow for ${SECONDS}s…\n`);
await closedLoop(CONCURRENCY, WARMUP_SECONDS, bare);
const baseline = await closedLoop(CONCURRENCY, SECONDS, bare);
await shutdownWorkflows();
await db.stop();

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
console.log(
  JSON.stringify({
    bench: 'checkout',
    concurrency: CONCURRENCY,
    seconds: SECONDS,
    checkouts_per_s: round(api.perSecond),
    p50_ms: round(api.p50, 2),
    p99_ms: round(api.p99, 2),
    errors: api.errors,
    baseline_workflow_steps: STEPS,
    baseline_workflows_per_s: round(baseline.perSecond),
    baseline_p99_ms: round(baseline.p99, 2),
    ratio: round(api.perSecond / baseline.perSecond, 3),
    goals: { checkouts_per_s: 200, p99_ms: 250 },
  }),
);
process.exit(0);
