import { loadConfig } from '../config/index.ts';
import { createLogger, openPlatformDatabase } from '../platform.ts';

export async function migrateCommand(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ logLevel: 'warn' });
  const { database, embedded, applied } = await openPlatformDatabase(config, logger);
  console.log(applied.length ? `Applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}` : 'The database is up to date.');
  await database.close();
  await embedded?.stop();
}
