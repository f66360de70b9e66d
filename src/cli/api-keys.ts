import { parseArgs } from 'node:util';
import { writeAudit } from '../events/index.ts';
import { createIdentity } from '../identity/index.ts';
import { withDatabase } from './sessions.ts';

export async function apiKeysCommand(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { scopes: { type: 'string' }, name: { type: 'string' } },
  });
  const requested = values.scopes;
  if (positionals[0] !== 'create' || !requested) {
    throw new Error('Usage: kessai api-keys create --scopes payments:read,payments:write [--name NAME]');
  }
  await withDatabase(async (database) => {
    const identity = createIdentity({ db: database.db, sessionTtlHours: 1, secureCookies: false });
    const scopes = requested.split(',').map((s) => s.trim()).filter(Boolean);
    const created = await identity.createApiKey({ name: values.name ?? 'cli', scopes });
    await writeAudit(database.db, { actorType: 'cli', action: 'api_key.create', targetType: 'api_key', targetId: created.id, details: { scopes } });
    console.log(`Created API key ${created.id} (${created.name}) with scopes ${created.scopes.join(', ')}.`);
    console.log('Store it now: it is not shown again.');
    console.log(created.key);
  });
}
