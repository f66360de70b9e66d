// bench:estimate — points estimates per second and p99 at 50 connections (HTTP/1.1 keep-alive),
// against a bare Fastify route answering a constant JSON body of the same size, measured in the
// same run. Each server is its own process (`kessai start` with KESSAI_ROLE=api; this file with
// --bare for the baseline); the load generator is this process: 50 keep-alive TCP connections,
// one closed loop each (see `load`). The two are measured one after the other, same duration, after
// a warm-up each. The last line printed is one JSON object with the figures.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { migrate, openDatabase } from '../src/db/index.ts';
import { createIdentity } from '../src/identity/index.ts';
import { createRewards } from '../src/rewards/index.ts';
import { benchDatabase, freePort, percentile } from './lib.ts';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 10_000);

if (process.argv[2] === '--bare') {
  // The baseline server: one route, a constant body, nothing else.
  const { default: Fastify } = await import('fastify');
  const body = process.env.BARE_BODY!;
  const app = Fastify({ logger: false });
  app.post('/v1/rewards/estimate', async (_request, reply) => reply.header('content-type', 'application/json; charset=utf-8').send(body));
  await app.listen({ port: Number(process.argv[3]), host: '127.0.0.1' });
  console.log('bare server ready');
} else {
  await main();
}

async function main(): Promise<void> {
  const db = await benchDatabase('estimate');
  const database = openDatabase(db.url, 4);
  await migrate(database.pool);
  const identity = createIdentity({ db: database.db, sessionTtlHours: 1, secureCookies: false });
  const admin = (await identity.createApiKey({ name: 'bench admin', scopes: ['admin'] })).key;
  const reader = (await identity.createApiKey({ name: 'bench storefront', scopes: ['rewards:read'] })).key;
  const rewards = createRewards({ db: database.db, logger: pino({ level: 'silent' }) });
  const asOf = new Date('2026-01-01T00:00:00Z');
  await rewards.importCustomers(Array.from({ length: CUSTOMERS }, (_, i) => ({ customerId: `cus-${i}`, cardStatus: 2 + (i % 2), stage: 10 * (1 + (i % 4)), asOf })));
  await database.close();

  const port = await freePort();
  const server = await startProcess([fileURLToPath(new URL('../bin/kessai.mjs', import.meta.url)), 'start'], 'Kessai is running', {
    DATABASE_URL: db.url,
    PORT: String(port),
    KESSAI_ROLE: 'api',
    KESSAI_SEED_DEMO: 'false',
    KESSAI_SCHEDULES: 'false',
    KESSAI_SANDBOX: 'false',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  try {
    // Campaigns like the seed's: the marketplace one, an "everywhere but these shops" one, a listed one.
    const campaigns = [
      { name: 'Mercard on the marketplace', user_filters: { card_status: [2, 3] }, payment_filters: { marketplace: 'inside' } },
      { name: 'Elsewhere, except', payment_filters: { marketplace: 'outside', merchants: { master_ids: ['m-excluded'], invert: true } } },
      { name: 'Listed shops', payment_filters: { merchants: { master_ids: ['m-ours', 'm-2'] }, min_amount: { amount: 1000, currency: 'JPY' } } },
    ];
    for (const c of campaigns) {
      await call(agent, port, 'POST', '/v1/rewards/campaigns', admin, {
        ...c,
        starts_at: '2026-01-01T00:00:00Z',
        ends_at: '2099-01-01T00:00:00Z',
        stage_rates: [
          { min_stage: 10, rate_percent: '1.0' },
          { min_stage: 20, rate_percent: '2.0' },
          { min_stage: 30, rate_percent: '3.0' },
          { min_stage: 40, rate_percent: '4.0' },
        ],
        rounding: 'floor',
        caps: { per_customer_month: 5000, budget: 1_000_000_000 },
        funding_party: 'card_issuer',
      });
    }
    await call(agent, port, 'PUT', '/v1/rewards/merchants/m-ours', admin, {
      marketplace: 'inside',
      merchant_ids: [
        { payment_method: 'card', merchant_id: 'CN-OURS', effective_from: '2020-01-01T00:00:00Z' },
        { payment_method: 'wallet', merchant_id: 'VISA-4411', effective_from: '2020-01-01T00:00:00Z' },
      ],
    });
    const body = (i: number) => ({ customer_id: `cus-${i % CUSTOMERS}`, amount: 1000 + (i % 50_000), currency: 'JPY', merchant_id: i % 3 === 0 ? 'CN-OURS' : 'CN-ELSEWHERE', payment_method: 'card' });
    const sample = await call(agent, port, 'POST', '/v1/rewards/estimate', reader, body(7));
    const sampleBody = JSON.stringify(sample);

    // What the server burns with no request at all (timers, pollers): part of every CPU/request figure.
    const idle0 = cpuMicros(server);
    await new Promise((r) => setTimeout(r, 3000));
    const idleCpuPercent = (cpuMicros(server) - idle0) / 30_000;
    const bench = (path: string, key: string | null) => load(agent, port, path, key, body);
    await bench('/v1/rewards/estimate', reader).warm;
    const estimateCpu0 = cpuMicros(server);
    const estimate = await bench('/v1/rewards/estimate', reader).measured;
    const estimateCpuUs = (cpuMicros(server) - estimateCpu0) / estimate.count;

    const barePort = await freePort();
    const bare = await startProcess([fileURLToPath(import.meta.url), '--bare', String(barePort)], 'bare server ready', { BARE_BODY: sampleBody });
    let baseline: Awaited<ReturnType<typeof load>['measured']>;
    let bareCpuUs = 0;
    try {
      const bareAgent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
      await load(bareAgent, barePort, '/v1/rewards/estimate', null, body).warm;
      const bareCpu0 = cpuMicros(bare);
      baseline = await load(bareAgent, barePort, '/v1/rewards/estimate', null, body).measured;
      bareCpuUs = (cpuMicros(bare) - bareCpu0) / baseline.count;
      bareAgent.destroy();
    } finally {
      bare.kill('SIGTERM');
    }
    const result = {
      bench: 'estimate',
      connections: CONNECTIONS,
      seconds: SECONDS,
      customers: CUSTOMERS,
      campaigns: campaigns.length,
      body_bytes: Buffer.byteLength(sampleBody),
      estimate_rps: Math.round(estimate.rps),
      bare_rps: Math.round(baseline.rps),
      baseline_rps: Math.round(baseline.rps),
      ratio: Math.round((estimate.rps / baseline.rps) * 1000) / 1000,
      p50_ms: round2(estimate.p50),
      p99_ms: round2(estimate.p99),
      bare_p99_ms: round2(baseline.p99),
      // Server CPU (user + system) per answered request: unlike requests/s, barely moved by other load on the machine.
      cpu_us_per_request: Math.round(estimateCpuUs),
      bare_cpu_us_per_request: Math.round(bareCpuUs),
      idle_cpu_percent: round2(idleCpuPercent),
      cpu_ratio: Math.round((bareCpuUs / estimateCpuUs) * 1000) / 1000,
      errors: estimate.errors + baseline.errors,
      goal: { ratio: 0.8, p99_ms: 10 },
    };
    console.log(
      `estimate: ${result.estimate_rps}/s p99 ${result.p99_ms} ms ${result.cpu_us_per_request} µs CPU/req; ` +
        `bare: ${result.bare_rps}/s p99 ${result.bare_p99_ms} ms ${result.bare_cpu_us_per_request} µs CPU/req; ratio ${result.ratio}`,
    );
    console.log(JSON.stringify(result));
  } finally {
    agent.destroy();
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await db.stop();
  }
}

/** A child's CPU time so far (user + system, µs), from /proc (Linux); 0 elsewhere. */
function cpuMicros(child: ChildProcess): number {
  try {
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / 100;
  } catch {
    return 0;
  }
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

async function startProcess(args: string[], ready: string, env: Record<string, string>): Promise<ChildProcess> {
  // BENCH_PROFILE_DIR: CPU profiles of the servers, to see where a request's time goes.
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes(ready) && resolve());
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  return child;
}

function request(agent: http.Agent, port: number, method: string, path: string, key: string | null, payload: unknown): Promise<{ status: number; body: string }> {
  const data = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) };
    if (key) headers.authorization = `Bearer ${key}`;
    if (method !== 'POST' || !path.endsWith('/estimate')) headers['idempotency-key'] = randomUUID();
    const req = http.request({ agent, host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}

async function call(agent: http.Agent, port: number, method: string, path: string, key: string, payload: unknown): Promise<unknown> {
  const res = await request(agent, port, method, path, key, payload);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body}`);
  return JSON.parse(res.body);
}

/**
 * `CONNECTIONS` closed loops, each on its own keep-alive TCP connection, with requests encoded
 * in advance (1,000 different bodies) and responses read by their Content-Length: a generator
 * as cheap as can be, so that on a small machine it takes as little CPU from the servers as
 * possible (node's http client costs several times more per request). A warm-up, then the run.
 */
function load(_agent: http.Agent, port: number, path: string, key: string | null, body: (i: number) => unknown) {
  const requests = Array.from({ length: 1000 }, (_, i) => {
    const data = JSON.stringify(body(i));
    const auth = key ? `authorization: Bearer ${key}\r\n` : '';
    return Buffer.from(`POST ${path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n${auth}content-type: application/json\r\ncontent-length: ${Buffer.byteLength(data)}\r\n\r\n${data}`);
  });
  const run = async (seconds: number) => {
    const latencies: number[] = [];
    let errors = 0;
    let n = 0;
    const started = performance.now();
    const end = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, () =>
        new Promise<void>((resolve, reject) => {
          const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
          let buffer: Buffer = Buffer.alloc(0);
          let t0 = 0;
          const send = () => {
            if (performance.now() >= end) {
              socket.end();
              resolve();
              return;
            }
            t0 = performance.now();
            socket.write(requests[n++ % requests.length]!);
          };
          socket.on('connect', send);
          socket.on('error', reject);
          socket.on('data', (chunk: Buffer) => {
            buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
            const headEnd = buffer.indexOf('\r\n\r\n');
            if (headEnd < 0) return;
            const head = buffer.subarray(0, headEnd).toString('latin1');
            const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
            if (buffer.length < headEnd + 4 + length) return;
            if (head.startsWith('HTTP/1.1 200')) latencies.push(performance.now() - t0);
            else errors++;
            buffer = buffer.subarray(headEnd + 4 + length);
            send();
          });
        }),
      ),
    );
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return { count: latencies.length, rps: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors };
  };
  return {
    get warm() {
      return run(WARMUP_SECONDS);
    },
    get measured() {
      return run(SECONDS);
    },
  };
}
