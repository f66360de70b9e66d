// A reconciliation run is a DBOS workflow: a worker killed with SIGKILL in the middle of its match
// step loses that step's transaction whole, and the same executor, restarted, resumes the run —
// every line ends in exactly one group, every injected discrepancy is found once, nothing else.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPool, migrate, type Pool } from '../src/db/index.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { startWorker, type WorkerProcess } from './support/processes.ts';

const N = 60_000;
const CHANNEL = 'generic:crash';
const DAY = '2026-03-01';
let database: TestDatabase;
let pool: Pool;
const workers: WorkerProcess[] = [];

before(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url, 4);
  await migrate(pool);
  // Both sides of one day: every 1,000th line has no counterpart of ours, every 1,000th (+1) of
  // ours none on the channel's side, every 1,000th (+2) pair differs by one minor unit.
  await pool.query(`INSERT INTO recon_files (id, side, channel, file_name, sha256, byte_length, format, format_version, encoding, line_count, footer_status, post_dates, uploaded_by)
                    VALUES ('rfil_crash_c', 'channel', $1, 'c', repeat('c', 64), 0, 'test', 'generated', 'utf-8', $2, 'not_applicable', ARRAY[$3::date], 'test'),
                           ('rfil_crash_o', 'ours', $1, 'o', repeat('0', 64), 0, 'test', 'generated', 'utf-8', $2, 'not_applicable', ARRAY[$3::date], 'test')`, [CHANNEL, N, DAY]);
  await pool.query(
    `INSERT INTO recon_channel_lines (file_id, line_no, channel, kind, match_class, channel_transaction_id, merchant_order_id, post_date, transaction_amount, transaction_currency, settlement_amount, settlement_currency)
     SELECT 'rfil_crash_c', i + 2, $1, 'payment', 'payment', 'T' || i, 'O' || i, $2, 1000 + i % 900 + CASE WHEN i % 1000 = 2 THEN 1 ELSE 0 END, 'JPY', 1000 + i % 900, 'JPY'
       FROM generate_series(0, $3 - 1) i WHERE i % 1000 <> 1`,
    [CHANNEL, DAY, N],
  );
  await pool.query(
    `INSERT INTO recon_our_transactions (source, source_ref, file_id, channel, kind, match_class, order_id, channel_ref, amount, currency, order_amount, order_status, settled_at, post_date)
     SELECT 'file', i::text, 'rfil_crash_o', $1, 'capture', 'payment', 'O' || i, 'T' || i, 1000 + i % 900, 'JPY', 1000 + i % 900, 'captured', $2::date + time '10:00', $2
       FROM generate_series(0, $3 - 1) i WHERE i % 1000 <> 0`,
    [CHANNEL, DAY, N],
  );
});
after(async () => {
  for (const w of workers) await w.kill();
  await pool?.end();
  await database?.drop();
});

function worker(extra: Record<string, string> = {}) {
  const w = startWorker({ DATABASE_URL: database.url, EXECUTOR_ID: 'recon-crash', ...extra });
  workers.push(w);
  return w;
}

test('a run killed in its match step resumes on restart and decides every line once', { timeout: 240_000 }, async () => {
  const first = worker({ START_RECON_RUN: JSON.stringify({ channel: CHANNEL, postDate: DAY, asOf: '2026-03-09T12:00:00Z' }) });
  const runId = (await first.waitFor(/^run /)).slice(4);
  // Killed while PostgreSQL works on the match (its big INSERT of the groups is running).
  let matching = false;
  for (let i = 0; i < 2000 && !matching; i++) {
    const { rows } = await pool.query(`SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%INSERT INTO recon_match_groups%' AND query NOT LIKE '%pg_stat_activity%'`);
    matching = rows.length > 0;
    if (!matching) await sleep(10);
  }
  assert.ok(matching, 'caught the run in its match step');
  await first.kill('SIGKILL');
  const atCrash = await pool.query(`SELECT status FROM recon_runs WHERE id = $1`, [runId]);
  assert.equal(atCrash.rows[0].status, 'running');
  // The killed match's transaction is rolled back whole once its connection is gone.
  for (let i = 0; i < 200; i++) {
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%INSERT INTO recon_match_groups%' AND query NOT LIKE '%pg_stat_activity%'`);
    if (rows[0].n === 0) break;
    await sleep(50);
  }
  assert.equal((await pool.query(`SELECT count(*)::int AS n FROM recon_match_groups`)).rows[0].n, 0, 'nothing of the killed match was kept');

  // The same executor restarted: DBOS recovers the workflow and runs the match step again.
  const second = worker();
  await second.waitFor(/^ready$/);
  let status = 'running';
  for (let i = 0; i < 2400 && status === 'running'; i++) {
    status = (await pool.query(`SELECT status FROM recon_runs WHERE id = $1`, [runId])).rows[0].status;
    if (status === 'running') await sleep(50);
  }
  assert.equal(status, 'completed');

  const lines = await pool.query(
    `SELECT (SELECT count(*)::int FROM recon_channel_lines) AS lines,
            (SELECT count(*)::int FROM (SELECT unnest(channel_line_ids) FROM recon_match_groups) x) AS lines_grouped,
            (SELECT count(DISTINCT m)::int FROM (SELECT unnest(channel_line_ids) AS m FROM recon_match_groups) x) AS lines_distinct,
            (SELECT count(*)::int FROM recon_our_transactions) AS ours,
            (SELECT count(*)::int FROM (SELECT unnest(our_transaction_ids) FROM recon_match_groups) x) AS ours_grouped,
            (SELECT count(*)::int FROM recon_match_groups WHERE status = 'matched') AS matched,
            (SELECT count(*)::int FROM recon_discrepancies) AS discrepancies`,
  );
  const per = N / 1000;
  assert.deepEqual(lines.rows[0], {
    lines: N - per,
    lines_grouped: N - per,
    lines_distinct: N - per,
    ours: N - per,
    ours_grouped: N - per,
    matched: N - 3 * per,
    discrepancies: 3 * per,
  });
  const reasons = await pool.query(`SELECT array_to_string(reasons, ',') AS r, count(*)::int AS n FROM recon_match_groups WHERE status = 'discrepant' GROUP BY 1 ORDER BY 1`);
  assert.deepEqual(reasons.rows, [
    { r: 'channel_amount_differs_from_order,channel_differs_from_ours', n: per },
    { r: 'missing_on_channel_side', n: per },
    { r: 'missing_on_our_side', n: per },
  ]);
  await second.kill('SIGTERM');
});
