import { withDatabase } from './sessions.ts';

export async function migrateCommand(): Promise<void> {
  await withDatabase(async (_database, applied) => {
    console.log(applied.length ? `Applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}` : 'The database is up to date.');
  });
}
