import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.ts';
import { createLogger, startPlatform, type Platform } from '../platform.ts';
import { parseChannel } from '../reconciliation/index.ts';
import { progress } from './progress.ts';
import { withWorkerPlatform } from './sessions.ts';

const USAGE = `Usage:
  kessai recon import --channel <wechat|alipay|stripe|adyen|paypal|generic:NAME> FILE…
  kessai recon import --side ours --channel CHANNEL --mapping NAME FILE…   (a shop's order export)
  kessai recon mapping NAME MAPPING.json                                     (save a generic column mapping)
  kessai recon run --channel CHANNEL --date YYYY-MM-DD                       (reconcile a post date now, and wait)`;

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

/** `kessai recon …`: import settlement files and order exports, save mappings, run a reconciliation. */
export async function reconCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'import') return importFiles(rest);
  if (sub === 'mapping') return saveMapping(rest);
  if (sub === 'run') return run(rest);
  throw new Error(USAGE);
}
