import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { writeAudit } from '../events/index.ts';
import { createLogger } from '../platform.ts';
import { createRewards, parseCustomersCsv } from '../rewards/index.ts';
import { progress } from './progress.ts';
import { withDatabase } from './sessions.ts';

const USAGE = `Usage: kessai rewards customers import FILE.csv  (columns: customer_id, as_of, card_status and/or stage)
       kessai rewards expire                     (expire the points due now, as the daily job does; safe to repeat)`;

/**
 * `kessai rewards customers import FILE.csv`: loads customers' card status and stage into the
 * rewards copy with the API's rule (a field only takes a newer `as_of`). The whole file is read
 * and checked first, so a bad line stops the import before anything is written; running
 * processes hear of every change through NOTIFY.
 */
export async function rewardsCommand(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { 'batch-size': { type: 'string' } } });
  const [what, action, file] = positionals;
  if (what === 'expire' && positionals.length === 1) return expireNow();
  if (what !== 'customers' || action !== 'import' || !file) throw new Error(USAGE);
  const rows = parseCustomersCsv(await readFile(file, 'utf8'));
  const batchSize = values['batch-size'] ? Number(values['batch-size']) : 500;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('--batch-size must be a positive integer');
  await withDatabase(async (database) => {
    const rewards = createRewards({ db: database.db, logger: createLogger({ logLevel: 'warn' }) });
    const bar = progress('rewards customers import', rows.length);
    const report = await rewards.importCustomers(rows, { batchSize, actor: { type: 'cli', id: null, name: 'cli' }, onProgress: (done) => bar.update(done) });
    bar.done(`${report.applied} applied, ${report.ignored} ignored as not newer`);
    await writeAudit(database.db, { actorType: 'cli', action: 'reward_customers.import', targetType: 'file', targetId: file, details: { ...report } });
    console.log(JSON.stringify(report));
  });
}

/**
 * `kessai rewards expire`: the daily expiry now (after an outage, or to check a campaign's
 * setting). Each grant's points expire once, however often it runs, so it is safe to repeat.
 */
async function expireNow(): Promise<void> {
  await withDatabase(async (database) => {
    const rewards = createRewards({ db: database.db, logger: createLogger({ logLevel: 'warn' }) });
    const report = await rewards.expirePoints(new Date());
    await writeAudit(database.db, { actorType: 'cli', action: 'reward_points.expire', targetType: null, targetId: null, details: { ...report } });
    console.error(`${report.points} points of ${report.grants} grants expired`);
    console.log(JSON.stringify(report));
  });
}
