import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPool, migrate, type Pool } from '../src/db/index.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { startWorker, type WorkerProcess } from './support/processes.ts';
import { captureAudit, seedDeliveredPayments } from './support/seed-payments.ts';

let database: TestDatabase;
let pool: Pool;
const workers: WorkerProcess[] = [];

before(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url, 5);
  await migrate(pool);
});
after(async () => {
  for (const w of workers) await w.kill();
  await pool?.end();
  await database?.drop();
});

function worker(executorId: string, extra: Record<string, string> = {}) {
  const w = startWorker({ DATABASE_URL: database.url, EXECUTOR_ID: executorId, SANDBOX_LATENCY_MS: '3', KESSAI_CAPTURE_RETRY_BASE_MS: '20', ...extra });
  workers.push(w);
  return w;
}

async function capturedCount(prefix: string): Promise<number> {
  return (await captureAudit(pool, prefix)).captured;
}

describe('capture batch across processes', () => {
  test('a worker killed with SIGKILL mid-batch resumes on restart without a double capture', async () => {
    await seedDeliveredPayments(pool, 400, 'crash');
    const first = worker('crash-worker', { START_BATCH: 'capb_crash' });
    await first.waitFor(/^ready$/);
    for (let i = 0; i < 400 && (await capturedCount('crash')) < 60; i++) await sleep(25);
    await first.kill('SIGKILL');
    const atCrash = await capturedCount('crash');
    assert.ok(atCrash > 0 && atCrash < 400, `killed mid-batch (captured ${atCrash})`);

    // Same executor id: DBOS recovers the batch and its chunks where they stopped.
    const second = worker('crash-worker');
    await second.waitFor(/^ready$/);
    for (let i = 0; i < 1200 && (await capturedCount('crash')) < 400; i++) await sleep(50);
    const audit = await captureAudit(pool, 'crash');
    assert.deepEqual(audit, { payments: 400, captured: 400, double_captures: 0, mismatched: 0, open_ops: 0 });
    await second.kill('SIGTERM');
  });

  test('two worker processes share one batch’s queued chunks', async () => {
    await seedDeliveredPayments(pool, 300, 'shared');
    // Two chunks at a time each: six chunks cannot all go to one process.
    const slow = { KESSAI_CAPTURE_CONCURRENCY: '2', KESSAI_CAPTURE_CALL_PARALLELISM: '2', SANDBOX_LATENCY_MS: '20' };
    const a = worker('shared-a', slow);
    const b = worker('shared-b', slow);
    await Promise.all([a.waitFor(/^ready$/), b.waitFor(/^ready$/)]);
    const starter = worker('shared-starter', { START_BATCH: 'capb_shared', KESSAI_ROLE: 'api', ...slow });
    const line = await starter.waitFor(/^result /, 120_000);
    const result = JSON.parse(line.slice('result '.length));
    assert.equal(result.captured, 300);
    const audit = await captureAudit(pool, 'shared');
    assert.deepEqual(audit, { payments: 300, captured: 300, double_captures: 0, mismatched: 0, open_ops: 0 });
    const executors = await pool.query<{ executor_id: string; n: number }>(
      `SELECT executor_id, count(*)::int AS n FROM dbos.workflow_status WHERE name = 'payments.captureChunk' AND queue_name IS NOT NULL
        AND workflow_uuid LIKE 'capb_shared%' GROUP BY executor_id`,
    );
    const ids = executors.rows.map((r) => r.executor_id).sort();
    assert.deepEqual(ids, ['shared-a', 'shared-b'], `chunks ran on ${JSON.stringify(executors.rows)}`);
    for (const w of [a, b, starter]) await w.kill('SIGTERM');
  });
});
