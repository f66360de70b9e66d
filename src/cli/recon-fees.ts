import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Platform } from '../platform.ts';

export const FEES_USAGE = `  kessai recon fees list [--channel CHANNEL] [--on YYYY-MM-DD]               (fee rules; --on: those in force that day)
  kessai recon fees add RULE.json                                            (a new rule: the API's body)
  kessai recon fees replace ID RULE.json                                     (a rule replaced from the new one's start)
  kessai recon fees retire ID --to YYYY-MM-DD                                (a rule ended)`;

const CLI = { type: 'cli' as const, id: null, name: 'kessai recon fees' };

async function readRule(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not JSON: ${(err as Error).message}`);
  }
}

/**
 * `kessai recon fees …`: the fee rules the matcher prices unstated fees with, kept as the API keeps
 * them (the same checks and error codes, an audit entry per change, by the CLI).
 */
export async function feesCommand(args: string[], withPlatform: <T>(work: (platform: Platform) => Promise<T>) => Promise<T>): Promise<void> {
  const [verb, ...rest] = args;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { channel: { type: 'string' }, on: { type: 'string' }, to: { type: 'string' } } });
  const rules = (platform: Platform) => platform.reconciliation.feeRules;
  let work: ((platform: Platform) => Promise<unknown>) | undefined;
  if (verb === 'list' && positionals.length === 0) {
    work = (p) => rules(p).list({ ...(values.channel ? { channel: values.channel } : {}), ...(values.on ? { on: values.on } : {}) });
  } else if (verb === 'add' && positionals.length === 1) {
    const body = await readRule(positionals[0]!);
    work = (p) => rules(p).create(body, CLI);
  } else if (verb === 'replace' && positionals.length === 2) {
    const body = await readRule(positionals[1]!);
    work = (p) => rules(p).replace(positionals[0]!, body, CLI);
  } else if (verb === 'retire' && positionals.length === 1 && values.to) {
    work = (p) => rules(p).retire(positionals[0]!, values.to!, CLI);
  }
  if (!work) throw new Error(`Usage:\n${FEES_USAGE}`);
  console.log(JSON.stringify(await withPlatform(work)));
}
