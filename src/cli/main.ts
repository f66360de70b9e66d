import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.ts';
import { KessaiError } from '../errors/index.ts';

const USAGE = `Usage: kessai <command> [options]

Commands:
  start                              run the platform (API, workers, console)
  migrate                            apply pending database migrations
  api-keys create --scopes a,b [--name NAME]
                                     create an API key; the key is printed once, on the last line
  operators create --username U --role viewer|operator|admin [--password P]
                                     create a console operator (a password is generated if none)
  capture run                        capture every delivered order's payment now
  payments sync                      resolve pending payments by asking their providers now
  rewards customers import FILE.csv  load customers' card status and stage (customer_id, as_of,
                                     card_status, stage); older values than those held are ignored
  rewards expire                     expire the points due now (the daily job; safe to repeat)
  recon import --channel CHANNEL FILE…
                                     import settlement files (wechat, alipay, stripe, adyen, paypal,
                                     generic:NAME); atomic, a file imported before is refused
  recon run --channel CHANNEL --date YYYY-MM-DD
                                     reconcile a channel's post date now (see kessai recon help)
  recon fx load RATES.csv | recon fx fetch --date YYYY-MM-DD
                                     daily FX rates from a file or KESSAI_FX_RATES_URL

Environment: PORT, DATABASE_URL, KESSAI_DATA_DIR, KESSAI_ROLE (all|api|worker), LOG_LEVEL, … (see README)`;

type Command = (args: string[]) => Promise<void>;

const commands: Record<string, () => Promise<Command>> = {
  start: async () => (await import('../main.ts')).start,
  migrate: async () => (await import('./migrate.ts')).migrateCommand,
  'api-keys': async () => (await import('./api-keys.ts')).apiKeysCommand,
  operators: async () => (await import('./operators.ts')).operatorsCommand,
  capture: async () => (await import('./capture.ts')).captureCommand,
  payments: async () => (await import('./payments.ts')).paymentsCommand,
  rewards: async () => (await import('./rewards.ts')).rewardsCommand,
  recon: async () => (await import('./recon.ts')).reconCommand,
};

async function main(argv: string[]): Promise<void> {
  const { positionals } = parseArgs({ args: argv, strict: false, allowPositionals: true });
  const name = positionals[0];
  if (!name || name === 'help' || argv.includes('--help') && !name) {
    console.log(USAGE);
    return;
  }
  const load = commands[name];
  if (!load) {
    console.error(`Unknown command ${JSON.stringify(name)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  loadConfig(); // fail fast, before any connection, on a bad environment
  const command = await load();
  await command(argv.slice(argv.indexOf(name) + 1));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof KessaiError) console.error(`${err.code}: ${err.message}${typeof err.details.field === 'string' ? ` (field ${err.details.field})` : ''}`);
  else if (err instanceof ConfigError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
