import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.ts';
import { createLogger, startPlatform, type Platform } from '../platform.ts';
import { parseChannel } from '../reconciliation/index.ts';
import { progress } from './progress.ts';
import { FEES_USAGE, feesCommand } from './recon-fees.ts';
import { withWorkerPlatform } from './sessions.ts';

const USAGE = `Usage:
  kessai recon import --channel <wechat|alipay|stripe|adyen|paypal|generic:NAME> FILE…
  kessai recon import --side ours --channel CHANNEL --mapping NAME FILE…   (a shop's order export)
  kessai recon mapping NAME MAPPING.json                                     (save a generic column mapping)
  kessai recon run --channel CHANNEL --date YYYY-MM-DD                       (reconcile a post date now, and wait)
  kessai recon fx load RATES.csv                                             (daily rates: date,base,quote,rate)
  kessai recon fx fetch --date YYYY-MM-DD                                    (a day's rates from KESSAI_FX_RATES_URL)
  Days whose rate changed are reconciled again; both wait for those runs.
${FEES_USAGE}`;

const CLI = { type: 'cli' as const, id: null, name: 'kessai recon' };

/** The platform without DBOS: imports and mappings need only the database. */
async function withPlatform<T>(work: (platform: Platform) => Promise<T>): Promise<T> {
  const platform = await startPlatform({ ...loadConfig(), schedules: false }, { logger: createLogger({ logLevel: 'warn' }), workflows: false });
  try {
    return await work(platform);
  } finally {
    await platform.close();
  }
}

async function importFiles(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { channel: { type: 'string' }, side: { type: 'string', default: 'channel' }, mapping: { type: 'string' } } });
  if (!values.channel || positionals.length === 0) throw new Error(USAGE);
  const channel = parseChannel(values.channel, '--channel');
  if (values.side === 'ours' && !values.mapping) throw new Error('--side ours needs --mapping NAME');
  await withPlatform(async (platform) => {
    for (const path of positionals) {
      const size = (await stat(path)).size;
      const bar = progress(`${basename(path)} (${Math.round(size / 1024)} KiB)`);
      const upload = { channel, fileName: basename(path), source: createReadStream(path, { highWaterMark: 1 << 20 }), uploadedBy: 'cli', onProgress: (lines: number) => bar.update(lines, 'lines') };
      const file =
        values.side === 'ours'
          ? await platform.reconciliation.importOurTransactions({ ...upload, mappingName: values.mapping! })
          : await platform.reconciliation.importSettlementFile(upload);
      bar.done(`${file.id}: ${file.line_count} lines, ${file.format} ${file.format_version}, footer ${file.footer.status}${file.problems.length ? `, ${file.problems.length} problems` : ''}`);
      console.log(JSON.stringify(file));
    }
  });
}

async function saveMapping(args: string[]): Promise<void> {
  const [name, path] = args;
  if (!name || !path) throw new Error(USAGE);
  const mapping = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  await withPlatform(async (platform) => {
    const { name: _drop, ...rest } = mapping;
    console.log(JSON.stringify(await platform.reconciliation.saveMapping(name, rest as never, 'cli')));
  });
}

async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { channel: { type: 'string' }, date: { type: 'string' } } });
  if (!values.channel || !values.date) throw new Error(USAGE);
  const channel = parseChannel(values.channel, '--channel');
  await withWorkerPlatform(async (platform) => {
    const bar = progress(`reconcile ${channel} ${values.date}`);
    const { id } = await platform.reconciliation.startRun({ channel, postDate: values.date! }, CLI);
    await platform.reconciliation.waitForRun(id);
    const view = await platform.reconciliation.getRun(id);
    const s = view.summary as { matched?: number; discrepant?: number; expected?: number };
    bar.done(`${id} ${view.status}: ${s.matched ?? 0} matched, ${s.discrepant ?? 0} discrepant, ${s.expected ?? 0} expected${view.error ? ` (${view.error})` : ''}`);
    console.log(JSON.stringify(view));
    if (view.status !== 'completed') process.exitCode = 1;
  });
}

/** `recon fx load FILE` / `recon fx fetch --date D`: rates in, then the re-runs they start, waited for. */
async function fx(args: string[]): Promise<void> {
  const [verb, ...rest] = args;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { date: { type: 'string' } } });
  if (!(verb === 'load' && positionals.length === 1) && !(verb === 'fetch' && values.date)) throw new Error(USAGE);
  await withWorkerPlatform(async (platform) => {
    const result =
      verb === 'load'
        ? await platform.reconciliation.loadFxRates(await readFile(positionals[0]!, 'utf8'), CLI)
        : await platform.reconciliation.fetchFxRates(values.date!);
    console.error(`${result.loaded} rates loaded, ${result.changed.length} changed; ${result.reruns.days.length} days to reconcile again`);
    if (result.reruns.workflow_id) await platform.reconciliation.waitForReruns(result.reruns.workflow_id);
    for (const day of result.reruns.days) {
      await platform.reconciliation.waitForRun(day.run_id);
      const view = await platform.reconciliation.getRun(day.run_id).catch(() => null);
      console.error(`  ${day.channel} ${day.post_date}: ${day.run_id} ${view?.status ?? 'not started'}`);
      if (view?.status !== 'completed') process.exitCode = 1;
    }
    console.log(JSON.stringify(result));
  });
}

/** `kessai recon …`: import settlement files and order exports, save mappings, run a reconciliation, load FX rates, keep fee rules. */
export async function reconCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'import') return importFiles(rest);
  if (sub === 'mapping') return saveMapping(rest);
  if (sub === 'run') return run(rest);
  if (sub === 'fx') return fx(rest);
  if (sub === 'fees') return feesCommand(rest, withPlatform);
  throw new Error(USAGE);
}
