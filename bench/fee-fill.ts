// bench fee fill — BENCH_LINES (1,000,000) channel lines and as many of our transactions, none
// stating a scheme fee, priced by a stored fee rule (percent + fixed, by card brand) through the
// database-backed engine, as the match step calls it. Prints the time, the peak RSS of this process
// and checks that every line and transaction got the fee the rule gives.
// Run: BENCH_LINES=100000 node_modules/.bin/node bench/fee-fill.ts
import { Kysely, PostgresDialect } from 'kysely';
import { createPool, migrate } from '../src/db/index.ts';
import { databaseFeeRules } from '../src/reconciliation/fees/db-fee-engine.ts';
import type { FeeRuleTables } from '../src/reconciliation/fees/fee-rule-store.ts';
import { benchDatabase } from './lib.ts';

const N = Number(process.env.BENCH_LINES ?? 1_000_000);
const CHANNEL = 'generic:feebench';
const DAY = '2026-03-01';

const samples: number[] = [];
const sampler = setInterval(() => samples.push(process.memoryUsage().rss), 100);
const db = await benchDatabase('fees');
const pool = createPool(db.url, 4);
await migrate(pool);
const kysely = new Kysely<FeeRuleTables>({ dialect: new PostgresDialect({ pool }) });

await pool.query(`INSERT INTO recon_files (id, side, channel, file_name, sha256, byte_length, format, format_version, encoding, line_count, footer_status, uploaded_by)
                  VALUES ('rfil_fees', 'channel', $1, 'x', repeat('0', 64), 0, 'bench', '1', 'utf-8', $2, 'not_applicable', 'bench')`, [CHANNEL, N]);
await pool.query(
  `INSERT INTO recon_channel_lines (file_id, line_no, channel, kind, match_class, channel_transaction_id, post_date, transaction_amount, transaction_currency,
                                    settlement_amount, settlement_currency, fee_acquirer, net_amount, card_brand)
   SELECT 'rfil_fees', i, $1, 'payment', 'payment', 'T' || i, $2::date, 1000 + i % 5000, 'JPY', 1000 + i % 5000, 'JPY', 10, 990 + i % 5000,
          CASE WHEN i % 2 = 0 THEN 'visa' ELSE 'mastercard' END
     FROM generate_series(1, $3::int) i`,
  [CHANNEL, DAY, N],
);
await pool.query(
  `INSERT INTO recon_our_transactions (source, source_ref, channel, kind, match_class, channel_ref, amount, currency, settled_at, post_date)
   SELECT 'file', i::text, $1, 'capture', 'payment', 'T' || i, 1000 + i % 5000, 'JPY', $2::date, $2::date FROM generate_series(1, $3::int) i`,
  [CHANNEL, DAY, N],
);
await pool.query(
  `INSERT INTO recon_fee_rules (id, channel, effective_from, match, items, rounding, created_by) VALUES
     ('rfee_all', $1, '2026-01-01', '{}', '{"scheme": {"percent": "0.5"}}', 'half_up', 'bench'),
     ('rfee_visa', $1, '2026-01-01', '{"card_brand": "visa"}', '{"scheme": {"percent": "0.7", "fixed": "3"}}', 'half_up', 'bench')`,
  [CHANNEL],
);
await pool.query('ANALYZE recon_channel_lines; ANALYZE recon_our_transactions');

const engine = databaseFeeRules(kysely);
const client = await pool.connect();
const t0 = performance.now();
await client.query('BEGIN');
await client.query(`CREATE TEMP TABLE recon_final (side text, member bigint) ON COMMIT DROP`);
const changed = await engine.fillMissingFees(client, { channel: CHANNEL, lines: { from: DAY, to: DAY }, ours: { from: DAY, to: DAY } });
await client.query('COMMIT');
const ms = performance.now() - t0;
// A second pass over the same window finds nothing to change (stated and computed values compare equal).
await client.query('BEGIN');
await client.query(`CREATE TEMP TABLE recon_final (side text, member bigint) ON COMMIT DROP`);
const again = await engine.fillMissingFees(client, { channel: CHANNEL, lines: { from: DAY, to: DAY }, ours: { from: DAY, to: DAY } });
await client.query('COMMIT');
client.release();

// Every fee as the rule gives it, checked in SQL (round: half away from zero, as half_up): visa 0.7 % + 3, others 0.5 %;
// ours take the brand of the channel line they share an id with.
const wrong = await pool.query<{ n: number }>(
  `WITH expect AS (
     SELECT l.fee_scheme, CASE WHEN l.card_brand = 'visa' THEN round(l.transaction_amount * 0.007 + 3) ELSE round(l.transaction_amount * 0.005) END AS want
       FROM recon_channel_lines l WHERE l.channel = $1
     UNION ALL
     SELECT o.fee_scheme, CASE WHEN o.source_ref::int % 2 = 0 THEN round(o.amount * 0.007 + 3) ELSE round(o.amount * 0.005) END
       FROM recon_our_transactions o WHERE o.channel = $1
   )
   SELECT count(*)::int AS n FROM expect WHERE fee_scheme IS DISTINCT FROM want`,
  [CHANNEL],
);
clearInterval(sampler);
const peak = Math.max(...samples, process.memoryUsage().rss);
const result = { bench: 'fee-fill', lines: N, ours: N, changed, changed_again: again, seconds: Math.round(ms / 10) / 100, wrong: wrong.rows[0]!.n, rss_mb: Math.round(peak / 1048576), ok: changed === 2 * N && again === 0 && wrong.rows[0]!.n === 0 };
process.stdout.write(`${JSON.stringify(result)}\n`);
await kysely.destroy();
await db.stop();
if (!result.ok) process.exitCode = 1;
