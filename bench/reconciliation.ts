// bench:reconciliation — BENCH_LINES (1,000,000) channel lines against as many of our transactions,
// with known discrepancies of every kind injected, then import (COPY) + match + persist results end
// to end through a real run (the DBOS workflow). Prints the time and the peak RSS of this process,
// checks every injected discrepancy is found and nothing else, times the same match as one plain SQL
// join for comparison, and measures the parser → COPY import path separately on BENCH_PARSE_LINES
// of a real CSV (the million lines are generated in the parsers' normalised form, not parsed).
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../src/config/index.ts';
import { createPool, migrate } from '../src/db/index.ts';
import { convert } from '../src/money/index.ts';
import { startPlatform } from '../src/platform.ts';
import { benchDatabase, memorySampler } from './lib.ts';
import { copyChunks, copyIn } from '../src/reconciliation/copy-in.ts';

const N = Number(process.env.BENCH_LINES ?? 1_000_000);
const PARSE_LINES = Number(process.env.BENCH_PARSE_LINES ?? 100_000);
const CHANNEL = 'generic:bench';
const DAY = '2026-03-01';
const AS_OF = '2026-03-09'; // 8 days on: lone lines are discrepancies, not expected

/** Injected per 1000 rows, by i % 1000: each kind with the exact reasons the run must give it. */
const KINDS = [
  { k: 0, name: 'our amount ≠ order', reasons: ['our_amount_differs_from_order', 'channel_differs_from_ours'] },
  { k: 1, name: 'channel amount ≠ order', reasons: ['channel_amount_differs_from_order', 'channel_differs_from_ours'] },
  { k: 2, name: 'amount vs order status', reasons: ['amount_inconsistent_with_order_status'] },
  { k: 3, name: 'channel ≠ ours (currency)', reasons: ['channel_differs_from_ours'] },
  { k: 4, name: 'FX difference', reasons: ['fx_difference'] },
  { k: 5, name: 'fee mismatch', reasons: ['fee_mismatch'] },
  { k: 6, name: 'missing on our side', reasons: ['missing_on_our_side'] },
  { k: 7, name: 'missing on the channel side', reasons: ['missing_on_channel_side'] },
] as const;
const SPLIT = 8; // two captures of ours against one line (N:1): matched
const BY_ORDER = 9; // ours without the channel's id: matched by order number

const LINE_COLUMNS = ['file_id', 'line_no', 'channel', 'kind', 'match_class', 'channel_transaction_id', 'merchant_order_id', 'post_date', 'transaction_amount', 'transaction_currency', 'settlement_amount', 'settlement_currency', 'fx_rate', 'fx_expected_settlement', 'fee_acquirer', 'net_amount', 'raw'];
const OUR_COLUMNS = ['source', 'source_ref', 'file_id', 'channel', 'kind', 'match_class', 'order_id', 'channel_ref', 'amount', 'currency', 'order_amount', 'order_status', 'fee_acquirer', 'settled_at', 'post_date'];

const amountOf = (i: number) => 1000 + (i % 9000);
const isRefund = (i: number) => i % 100 === 50;

function* channelRows(): Generator<Array<string | number | bigint | null>> {
  for (let i = 0; i < N; i++) {
    const k = i % 1000;
    if (k === 7) continue;
    const refund = isRefund(i);
    let amount = refund ? -amountOf(i) / 2 : amountOf(i);
    if (k === 1) amount += 1;
    let currency = 'CNY';
    let settled: number | bigint = amount;
    let settledCurrency = 'CNY';
    let rate: string | null = null;
    let fxExpected: bigint | null = null;
    if (k === 3) (currency = 'USD'), (settledCurrency = 'USD');
    if (k === 4) {
      currency = 'USD';
      settledCurrency = 'CNY';
      rate = '7.1';
      fxExpected = convert(BigInt(amount), 'USD', 'CNY', rate, 'half_up');
      settled = fxExpected + 50n;
    }
    const fee = Math.floor(Math.abs(amount) * 6 / 1000);
    yield ['rfil_bench_channel', i + 2, CHANNEL, refund ? 'refund' : 'payment', refund ? 'refund' : 'payment', `${refund ? 'R' : 'T'}${i}`, `O${i}`, DAY, amount, currency, settled, settledCurrency, rate, fxExpected, fee, BigInt(settled) - BigInt(fee), '{}'];
  }
}

function* ourRows(): Generator<Array<string | number | null>> {
  for (let i = 0; i < N; i++) {
    const k = i % 1000;
    if (k === 6) continue;
    const refund = isRefund(i);
    const order = amountOf(i);
    const amount = refund ? -order / 2 : order;
    const fee = Math.floor(Math.abs(amount) * 6 / 1000) + (k === 5 ? 1 : 0);
    const currency = k === 4 ? 'USD' : 'CNY';
    const status = k === 2 ? 'voided' : refund ? 'partially_refunded' : 'captured';
    const ref = k === BY_ORDER ? null : `${refund ? 'R' : 'T'}${i}`;
    const kind = refund ? 'refund' : 'capture';
    const cls = refund ? 'refund' : 'payment';
    if (k === SPLIT && !refund) {
      const part = Math.floor(order / 3);
      yield ['file', `${i}a`, 'rfil_bench_ours', CHANNEL, kind, cls, `O${i}`, ref, part, currency, order, status, Math.floor(part * 6 / 1000), `${DAY}T10:00:00Z`, DAY];
      yield ['file', `${i}b`, 'rfil_bench_ours', CHANNEL, kind, cls, `O${i}`, ref, order - part, currency, order, status, fee - Math.floor(part * 6 / 1000), `${DAY}T10:00:00Z`, DAY];
      continue;
    }
    yield ['file', String(i), 'rfil_bench_ours', CHANNEL, kind, cls, `O${i}`, ref, k === 0 ? amount - 1 : amount, currency, order, status, fee, `${DAY}T10:00:00Z`, DAY];
  }
}

const seconds = (ms: number) => Math.round(ms / 10) / 100;

const db = await benchDatabase('reconciliation');
const memory = memorySampler();
const setupPool = createPool(db.url, 2);
await migrate(setupPool);
await setupPool.end();
const config = { ...loadConfig({ ...process.env, DATABASE_URL: db.url, KESSAI_SCHEDULES: 'false', LOG_LEVEL: 'warn', KESSAI_DB_POOL_SIZE: '8' }), role: 'worker' as const };
const platform = await startPlatform(config, { logger: pino({ level: 'warn' }) });
const pool = platform.database.pool;
const rss0 = process.memoryUsage().rss;
process.stderr.write(`generating and importing ${N} channel lines and our transactions…\n`);

// Import: both sides copied at once, each in one transaction with its file row (as an import does).
const t0 = performance.now();
async function copySide(fileId: string, side: 'channel' | 'ours', table: string, columns: string[], rows: Iterable<Array<string | number | bigint | null>>) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const count = await copyIn(client, table, columns, copyChunks(rows, (r) => r));
    await client.query(
      `INSERT INTO recon_files (id, side, channel, file_name, sha256, byte_length, format, format_version, encoding, line_count, footer_status, post_dates, uploaded_by)
       VALUES ($1, $2, $3, $1, $6, 0, 'bench', 'generated', 'utf-8', $4, 'not_applicable', ARRAY[$5::date], 'bench')`,
      [fileId, side, CHANNEL, count, DAY, createHash('sha256').update(fileId).digest('hex')],
    );
    await client.query('COMMIT');
    return count;
  } finally {
    client.release();
  }
}
const [lineCount, ourCount] = await Promise.all([
  copySide('rfil_bench_channel', 'channel', 'recon_channel_lines', LINE_COLUMNS, channelRows()),
  copySide('rfil_bench_ours', 'ours', 'recon_our_transactions', OUR_COLUMNS, ourRows()),
]);
const importMs = performance.now() - t0;
await pool.query('ANALYZE recon_channel_lines; ANALYZE recon_our_transactions');
process.stderr.write(`  imported ${lineCount} lines and ${ourCount} of ours in ${seconds(importMs)} s; matching…\n`);

// Match + persist: the run as the API starts it (DBOS workflow), clock 8 days on.
const t1 = performance.now();
const { id: runId } = await platform.reconciliation.startRun({ channel: CHANNEL, postDate: DAY, asOf: new Date(`${AS_OF}T12:00:00Z`) }, { type: 'system', id: null, name: 'bench' });
await platform.reconciliation.waitForRun(runId);
const matchMs = performance.now() - t1;
const run = await platform.reconciliation.getRun(runId);
if (run.status !== 'completed') throw new Error(`run ${runId} ${run.status}: ${run.error}`);
const totalMs = importMs + matchMs;
process.stderr.write(`  run ${runId} in ${seconds(matchMs)} s\n`);

// Check: every injected kind found with exactly its reasons; nothing else discrepant or waiting.
const { rows: found } = await pool.query<{ reasons: string; k: number; n: number; status: string }>(
  `SELECT g.status, array_to_string(g.reasons, ',') AS reasons,
          (substr(coalesce((SELECT merchant_order_id FROM recon_channel_lines WHERE id = g.channel_line_ids[1]),
                           (SELECT order_id FROM recon_our_transactions WHERE id = g.our_transaction_ids[1])), 2)::int % 1000) AS k,
          count(*)::int AS n
     FROM recon_match_groups g WHERE g.channel = $1 AND g.status <> 'matched' GROUP BY 1, 2, 3`,
  [CHANNEL],
);
const injectedPer = (k: number) => Math.floor(N / 1000) + (N % 1000 > k ? 1 : 0);
const problems: string[] = [];
let injected = 0;
let foundRight = 0;
for (const kind of KINDS) {
  const want = injectedPer(kind.k);
  injected += want;
  const got = found.filter((f) => f.k === kind.k && f.status === 'discrepant' && f.reasons === [...kind.reasons].join(',')).reduce((a, f) => a + f.n, 0);
  foundRight += got;
  if (got !== want) problems.push(`${kind.name}: ${got} of ${want} found with reasons ${kind.reasons.join(',')}`);
}
const falseOnes = found.filter((f) => !KINDS.some((kind) => kind.k === f.k && f.status === 'discrepant' && f.reasons === kind.reasons.join(','))).reduce((a, f) => a + f.n, 0);
if (falseOnes > 0) problems.push(`${falseOnes} groups not injected: ${JSON.stringify(found.filter((f) => !KINDS.some((kind) => kind.k === f.k)).slice(0, 5))}`);
const discrepancies = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM recon_discrepancies WHERE channel = $1`, [CHANNEL])).rows[0]!.n;
if (discrepancies !== injected) problems.push(`${discrepancies} discrepancies recorded, ${injected} injected`);

// The same match as one plain SQL join (both directions, amounts compared), timed in this run.
const t2 = performance.now();
const { rows: join } = await pool.query<{ pairs: number; differ: number; only_channel: number; only_ours: number }>(
  `SELECT count(*) FILTER (WHERE l.id IS NOT NULL AND o.id IS NOT NULL)::int AS pairs,
          count(*) FILTER (WHERE l.transaction_amount <> o.amount OR l.transaction_currency <> o.currency)::int AS differ,
          count(*) FILTER (WHERE o.id IS NULL)::int AS only_channel, count(*) FILTER (WHERE l.id IS NULL)::int AS only_ours
     FROM (SELECT * FROM recon_channel_lines WHERE channel = $1 AND post_date = $2) l
     FULL JOIN (SELECT * FROM recon_our_transactions WHERE channel = $1 AND post_date = $2) o
       ON o.channel_ref = l.channel_transaction_id AND o.match_class = l.match_class`,
  [CHANNEL, DAY],
);
const joinMs = performance.now() - t2;

// The parser path, measured separately: a real CSV through the generic parser and COPY.
await platform.reconciliation.saveMapping(
  'benchparse',
  { columns: { channelTransactionId: 'txn', merchantOrderId: 'order', postDate: 'date', transactionAmount: 'amount', transactionCurrency: 'currency', acquirerFee: 'fee' }, amountFormat: 'decimal', signConvention: 'signed', dateFormat: 'YYYY-MM-DD' } as never,
  'bench',
);
function* csv(): Generator<string> {
  yield 'txn,order,date,amount,currency,fee\n';
  let chunk = '';
  for (let i = 0; i < PARSE_LINES; i++) {
    chunk += `P${i},PO${i},${DAY},${amountOf(i) / 100},CNY,0.0${i % 10}\n`;
    if (chunk.length > 65536) yield chunk, (chunk = '');
  }
  yield chunk;
}
const t3 = performance.now();
const parsed = await platform.reconciliation.importSettlementFile({ channel: 'generic:benchparse', fileName: 'parse.csv', source: Readable.from(csv(), { objectMode: false }), uploadedBy: 'bench' });
const parseMs = performance.now() - t3;

const peak = memory.stop();
await platform.close();
await db.stop();

const mb = (b: number) => Math.round(b / 1_048_576);
const perLineUs = (parseMs * 1000) / parsed.line_count;
console.log(`import ${seconds(importMs)} s + match and persist ${seconds(matchMs)} s = ${seconds(totalMs)} s; plain SQL join ${seconds(joinMs)} s (×${(matchMs / joinMs).toFixed(1)}); peak memory ${peak.total_mb ?? '?'} MiB (bench ${peak.bench_mb} + PostgreSQL ${peak.postgres_mb ?? '?'})`);
console.log(`parser → COPY: ${parsed.line_count} lines in ${seconds(parseMs)} s (${perLineUs.toFixed(1)} µs/line; ${seconds((perLineUs * N) / 1000)} s for ${N} lines)`);
if (problems.length) console.log(`PROBLEMS:\n  ${problems.join('\n  ')}`);
console.log(
  JSON.stringify({
    bench: 'reconciliation',
    lines: lineCount,
    ours: ourCount,
    seconds: { import: seconds(importMs), match_and_persist: seconds(matchMs), total: seconds(totalMs), sql_join: seconds(joinMs) },
    match_vs_sql_join: Math.round((matchMs / joinMs) * 10) / 10,
    rss_mb: { before: mb(rss0), peak: peak.bench_mb },
    // The bench process and the embedded PostgreSQL together (null when DATABASE_URL names another server).
    peak_memory_mb: { total: peak.total_mb, bench: peak.bench_mb, postgres: peak.postgres_mb },
    injected,
    found: foundRight,
    false_discrepancies: falseOnes,
    ok: problems.length === 0,
    run: { matched: run.summary.matched, discrepant: run.summary.discrepant, expected: run.summary.expected },
    sql_join: join[0],
    parser_copy: { lines: parsed.line_count, seconds: seconds(parseMs), us_per_line: Math.round(perLineUs * 10) / 10 },
    goals: { seconds: 10, peak_memory_mb: 1536 },
  }),
);
if (problems.length) process.exitCode = 1;
