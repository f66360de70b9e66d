import { hash } from 'node:crypto';
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

/** A key's SHA-256 (base64): the cache's key; the table holds the same digest as bytes. */
const keyHashOf = (key: string): string => hash('sha256', key, 'base64');

/** The API key of an `Authorization: Bearer …` header; undefined if the header is not one. */
function bearerKey(header: string): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header)?.[1];
}

export function createAuthenticator(db: Kysely<IdentityTables>): Authenticator & { forget(keyId: string): void } {
  // By the key's SHA-256 (what the table stores), never the key itself: a heap dump shows no key.
  const keyCache = new Map<string, { principal: Principal | null; until: number }>();
  const lastUsedWritten = new Map<string, number>();

  async function fromApiKey(keyHash: string): Promise<Principal | null> {
    const row = await db
      .selectFrom('api_keys')
      .select(['id', 'name', 'scopes'])
      .where('key_hash', '=', Buffer.from(keyHash, 'base64'))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const principal: Principal | null = row
      ? { type: 'api_key', id: row.id, name: row.name, scopes: new Set(row.scopes) }
      : null;
    if (keyCache.size > 10_000) keyCache.clear();
    keyCache.set(keyHash, { principal, until: Date.now() + KEY_CACHE_MS });
    return principal;
  }

  /** Records use at most once a minute per key, off the request's path. */
  function noteUse(principal: Principal, now: number): void {
    if ((lastUsedWritten.get(principal.id) ?? 0) + LAST_USED_RESOLUTION_MS >= now) return;
    lastUsedWritten.set(principal.id, now);
    void db.updateTable('api_keys').set({ last_used_at: new Date(now) }).where('id', '=', principal.id).execute().catch(() => {});
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
    cached(request: FastifyRequest) {
      const auth = request.headers.authorization;
      if (auth === undefined) return undefined;
      const key = bearerKey(auth);
      if (key === undefined) throw new KessaiError('KS_ERR_INVALID_API_KEY');
      const cached = keyCache.get(keyHashOf(key));
      const now = Date.now();
      if (cached === undefined || cached.until <= now) return undefined;
      if (!cached.principal) throw new KessaiError('KS_ERR_INVALID_API_KEY');
      noteUse(cached.principal, now);
      return cached.principal;
    },
    async authenticate(request: FastifyRequest) {
      const auth = request.headers.authorization;
      if (auth !== undefined) {
        const key = bearerKey(auth);
        const principal = key === undefined ? null : await fromApiKey(keyHashOf(key));
        if (!principal) throw new KessaiError('KS_ERR_INVALID_API_KEY');
        noteUse(principal, Date.now());
        return principal;
      }
      const token = readCookie(request.headers.cookie, SESSION_COOKIE);
      return token ? fromSession(token) : null;
    },
    forget(keyId: string) {
      for (const [keyHash, entry] of keyCache) if (entry.principal?.id === keyId) keyCache.delete(keyHash);
    },
  };
}
