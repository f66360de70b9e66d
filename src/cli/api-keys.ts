import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.ts';
import { writeAudit } from '../events/index.ts';
import { createIdentity } from '../identity/index.ts';
import { createLogger, openPlatformDatabase } from '../platform.ts';

export async function apiKeysCommand(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { scopes: { type: 'string' }, name: { type: 'string' } },
  });
  if (positionals[0] !== 'create' || !values.scopes) {
    throw new Error('Usage: kessai api-keys create --scopes payments:read,payments:write [--name NAME]');
  }
  const config = loadConfig();
  const { database, embedded } = await openPlatformDatabase(config, createLogger({ logLevel: 'warn' }));
  try {
    const identity = createIdentity({ db: database.db, sessionTtlHours: 1, secureCookies: false });
    const scopes = values.scopes.split(',').map((s) => s.trim()).filter(Boolean);
    const created = await identity.createApiKey({ name: values.name ?? 'cli', scopes });
    await writeAudit(database.db, { actorType: 'cli', action: 'api_key.create', targetType: 'api_key', targetId: created.id, details: { scopes } });
    console.log(`Created API key ${created.id} (${created.name}) with scopes ${created.scopes.join(', ')}.`);
    console.log('Store it now: it is not shown again.');
    console.log(created.key);
  } finally {
    await database.close();
    await embedded?.stop();
  }
}
