import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { KessaiError } from '../errors/index.ts';
import type { Authenticator } from '../http/auth.ts';
import type { Principal } from '../http/principal.ts';
import { ROLE_SCOPES } from './roles.ts';
import { sha256 } from './secrets.ts';
import type { IdentityTables } from './tables.ts';

export const SESSION_COOKIE = 'kessai_session';
/** A revoked key stops working within this many milliseconds on every process. */
const KEY_CACHE_MS = 5_000;
const LAST_USED_RESOLUTION_MS = 60_000;

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function createAuthenticator(db: Kysely<IdentityTables>): Authenticator & { forget(keyId: string): void } {
  const keyCache = new Map<string, { principal: Principal | null; until: number }>();
  const lastUsedWritten = new Map<string, number>();

  async function fromApiKey(secret: string): Promise<Principal | null> {
    const cached = keyCache.get(secret);
    if (cached && cached.until > Date.now()) return cached.principal;
    const row = await db
      .selectFrom('api_keys')
      .select(['id', 'name', 'scopes'])
      .where('key_hash', '=', sha256(secret))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const principal: Principal | null = row
      ? { type: 'api_key', id: row.id, name: row.name, scopes: new Set(row.scopes) }
      : null;
    if (keyCache.size > 10_000) keyCache.clear();
    keyCache.set(secret, { principal, until: Date.now() + KEY_CACHE_MS });
    if (row && (lastUsedWritten.get(row.id) ?? 0) + LAST_USED_RESOLUTION_MS < Date.now()) {
      lastUsedWritten.set(row.id, Date.now());
      void db.updateTable('api_keys').set({ last_used_at: new Date() }).where('id', '=', row.id).execute().catch(() => {});
    }
    return principal;
  }

  async function fromSession(token: string): Promise<Principal | null> {
    const row = await db
      .selectFrom('operator_sessions as s')
      .innerJoin('operators as o', 'o.id', 's.operator_id')
      .select(['o.id', 'o.username', 'o.display_name', 'o.role', 's.csrf_token', 's.expires_at'])
      .where('s.token_hash', '=', sha256(token))
      .where('s.revoked_at', 'is', null)
      .where('o.disabled_at', 'is', null)
      .executeTakeFirst();
    if (!row) return null;
    if (row.expires_at.getTime() < Date.now()) throw new KessaiError('KS_ERR_SESSION_EXPIRED');
    return {
      type: 'operator',
      id: row.id,
      name: row.display_name,
      role: row.role,
      scopes: new Set(ROLE_SCOPES[row.role]),
      csrfToken: row.csrf_token,
    };
  }

  return {
    async authenticate(request: FastifyRequest) {
      const auth = request.headers.authorization;
      if (auth !== undefined) {
        const m = /^Bearer\s+(\S+)$/i.exec(auth);
        const principal = m ? await fromApiKey(m[1]!) : null;
        if (!principal) throw new KessaiError('KS_ERR_INVALID_API_KEY');
        return principal;
      }
      const token = readCookie(request.headers.cookie, SESSION_COOKIE);
      return token ? fromSession(token) : null;
    },
    forget(keyId: string) {
      for (const [secret, entry] of keyCache) if (entry.principal?.id === keyId) keyCache.delete(secret);
    },
  };
}
