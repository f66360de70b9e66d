// bench:capture — the capture batch over 100,000 authorized, delivered sandbox payments: time to
// capture them all through the DBOS queue (rate limit from KESSAI_CAPTURE_RATE), and the memory
// of the process doing it, sampled every second (flat means no growth with the batch's size).
import pino from 'pino';
import { loadConfig } from '../src/config/index.ts';
import { createPool, migrate } from '../src/db/index.ts';
import { startPlatform } from '../src/platform.ts';
import { captureAudit, seedDeliveredPayments } from '../test/support/seed-payments.ts';
import { benchDatabase } from './lib.ts';

const COUNT = Number(process.env.BENCH_PAYMENTS ?? 100_000);

const db = await benchDatabase('capture');
const pool = createPool(db.url, 4);
await migrate(pool);
process.stderr.write(`seeding ${COUNT} authorized, delivered payments…\n`);
await seedDeliveredPayments(pool, COUNT, 'bench');
await pool.query('VACUUM ANALYZE');

const config = { ...loadConfig({ ...process.env, DATABASE_URL: db.url, KESSAI_SCHEDULES: 'false', LOG_LEVEL: 'warn' }), role: 'worker' as const };
const platform = await startPlatform(config, { logger: pino({ level: 'warn' }) });

const samples: number[] = [];
const sampler = setInterval(() => samples.push(process.memoryUsage().rss), 1000);
const started = performance.now();
const handle = await platform.payments.captureBatch.start('capb_bench');
const progress = setInterval(() => {
  void platform.payments.captureBatch.progress('capb_bench').then((p) => process.stderr.write(`  ${p.done}/${COUNT} captured (${((performance.now() - started) / 1000).toFixed(0)}s)\n`));
}, 10_000);
const result = await handle.getResult();
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
clearInterval(progress);

const audit = await captureAudit(pool, 'bench');
await platform.close();
await pool.end();
await db.stop();

const mb = (b: number) => Math.round(b / 1_048_576);
const firstHalf = samples.slice(0, Math.max(1, Math.floor(samples.length / 2)));
const secondHalf = samples.slice(Math.floor(samples.length / 2));
console.log(
  JSON.stringify({
    bench: 'capture',
    payments: COUNT,
    seconds: Math.round(seconds * 10) / 10,
    captures_per_s: Math.round(result.captured / seconds),
    captured: result.captured,
    flagged: result.flagged,
    double_captures: audit.double_captures,
    books_mismatched: audit.mismatched,
    rss_mb: { min: mb(Math.min(...samples)), max: mb(Math.max(...samples)), first_half_max: mb(Math.max(...firstHalf)), second_half_max: mb(Math.max(...secondHalf)) },
    rate_limit_per_s: config.capture.ratePerSecond.sandbox,
    goals: { seconds: 120 },
  }),
);
