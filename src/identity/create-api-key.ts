import type { Kysely } from 'kysely';
import { newId, newSecret } from '../db/index.ts';
import { KessaiError } from '../errors/index.ts';
import { isScope, type Scope } from '../http/principal.ts';
import { sha256 } from './secrets.ts';
import type { IdentityTables } from './tables.ts';

export interface CreatedApiKey {
  id: string;
  name: string;
  scopes: Scope[];
  prefix: string;
  /** The secret itself: shown once, never stored. */
  key: string;
}

export async function createApiKey(db: Kysely<IdentityTables>, input: { name: string; scopes: string[] }): Promise<CreatedApiKey> {
  const unknown = input.scopes.filter((s) => !isScope(s));
  if (input.scopes.length === 0 || unknown.length > 0) {
    throw new KessaiError('KS_ERR_VALIDATION', unknown.length ? `Unknown scopes: ${unknown.join(', ')}` : 'At least one scope is required', {
      field: 'scopes',
    });
  }
  const key = newSecret('ks', 30);
  const id = newId('key');
  const prefix = key.slice(0, 10);
  const scopes = [...new Set(input.scopes)] as Scope[];
  await db
    .insertInto('api_keys')
    .values({ id, name: input.name, prefix, key_hash: sha256(key), scopes })
    .execute();
  return { id, name: input.name, scopes, prefix, key };
}
