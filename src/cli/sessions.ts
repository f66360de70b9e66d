import { loadConfig } from '../config/index.ts';
import type { Database } from '../db/index.ts';
import { createLogger, openPlatformDatabase, startPlatform, type Platform } from '../platform.ts';

/** A short CLI session on the database only (migrated first), closed whatever happens. */
export async function withDatabase<T>(work: (database: Database, applied: string[]) => Promise<T>): Promise<T> {
  const { database, embedded, applied } = await openPlatformDatabase(loadConfig(), createLogger({ logLevel: 'warn' }));
  try {
    return await work(database, applied);
  } finally {
    await database.close();
    await embedded?.stop();
  }
}

/** A CLI session as a worker process (it helps with queued work), schedules off, closed after. */
export async function withWorkerPlatform<T>(work: (platform: Platform) => Promise<T>): Promise<T> {
  const config = { ...loadConfig(), schedules: false, role: 'worker' as const };
  const platform = await startPlatform(config, { logger: createLogger({ logLevel: 'warn' }) });
  try {
    return await work(platform);
  } finally {
    await platform.close();
  }
}
