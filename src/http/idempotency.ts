import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { groupCommit, type Db } from '../db/index.ts';
import { KessaiError } from '../errors/index.ts';
import { asArray, isMutatingMethod, isMutatingRoute } from './route-hooks.ts';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** An in-progress key older than this belonged to a request that died; it may be taken over. */
const STALE_AFTER_SECONDS = 300;

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { principal: string; key: string } | null;
  }
}

function requestHash(request: FastifyRequest): string {
  return createHash('sha256')
    .update(request.method)
    .update('\0')
    .update(request.url)
    .update('\0')
    .update(JSON.stringify(request.body ?? null))
    .digest('hex');
}

/**
 * `Idempotency-Key` on every mutating route: the first response is stored and replayed for the
 * same key; the same key with a different request is rejected (422); a request still running
 * under the key gets 409. Keys are scoped to the caller. Server errors (5xx) are not stored, so
 * the client can retry them.
 */
export function installIdempotency(app: FastifyInstance, db: Db): void {
  app.decorateRequest('idempotency', null);
  const { claim, complete } = idempotencyRecords(db);

  // Only the routes that keep idempotency records get the hooks: reads and read-only POSTs (the
  // product page's estimate) do not pay for them on every request.
  app.addHook('onRoute', (route) => {
    if (!isMutatingRoute(route)) return;
    route.preHandler = [...asArray(route.preHandler), takeKey];
    route.onSend = [...asArray(route.onSend), storeResponse];
  });

  async function takeKey(request: FastifyRequest, reply: FastifyReply) {
    if (!isMutatingMethod(request.method) || !request.principal) return;
    const header = request.headers['idempotency-key'];
    if (header === undefined) return;
    const key = Array.isArray(header) ? header[0]! : header;
    if (!KEY_PATTERN.test(key)) {
      throw new KessaiError('KS_ERR_IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key must be 1 to 255 visible ASCII characters', {
        field: 'Idempotency-Key',
      });
    }
    const principal = request.principal.id;
    const hash = requestHash(request);
    const inserted = await claim({ principal, key, method: request.method, path: request.url, hash });
    if (inserted) {
      request.idempotency = { principal, key };
      return;
    }
    const existing = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('principal', '=', principal)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!existing) throw new KessaiError('KS_ERR_IDEMPOTENCY_KEY_IN_USE', 'Retry: the earlier request with this key just finished');
    if (existing.request_hash !== hash) {
      throw new KessaiError('KS_ERR_IDEMPOTENCY_KEY_REUSED', undefined, { field: 'Idempotency-Key' });
    }
    if (existing.state === 'in_progress') {
      const ageSeconds = (Date.now() - existing.created_at.getTime()) / 1000;
      if (ageSeconds < STALE_AFTER_SECONDS) throw new KessaiError('KS_ERR_IDEMPOTENCY_KEY_IN_USE');
      const taken = await db
        .updateTable('idempotency_keys')
        .set({ created_at: new Date() })
        .where('principal', '=', principal)
        .where('key', '=', key)
        .where('state', '=', 'in_progress')
        .where('created_at', '=', existing.created_at)
        .returning('key')
        .executeTakeFirst();
      if (!taken) throw new KessaiError('KS_ERR_IDEMPOTENCY_KEY_IN_USE');
      request.idempotency = { principal, key };
      return;
    }
    reply.header('idempotent-replayed', 'true');
    reply.header('content-type', 'application/json; charset=utf-8');
    return reply.status(existing.response_status ?? 200).send(existing.response_body ?? '');
  }

  async function storeResponse(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
    const idem = request.idempotency;
    if (!idem) return payload;
    request.idempotency = null;
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
    const query = db.deleteFrom('idempotency_keys').where('principal', '=', idem.principal).where('key', '=', idem.key);
    if (reply.statusCode >= 500 || body === null) {
      await query.execute();
    } else {
      await complete({ principal: idem.principal, key: idem.key, status: reply.statusCode, body });
    }
    return payload;
  }
}

interface Claim {
  principal: string;
  key: string;
  method: string;
  path: string;
  hash: string;
}

interface Completion {
  principal: string;
  key: string;
  status: number;
  body: string;
}

const recordKey = (r: { principal: string; key: string }) => `${r.principal}\0${r.key}`;

/**
 * The records' two writes, claiming a key and storing its response, by group commit
 * (`groupCommit`): under load, one statement claims (or completes) the keys of many requests.
 * Each is one autocommitted statement, as it would be alone; one request's key never shares a
 * statement with itself (a retry racing its original), so each learns whether it was first.
 */
function idempotencyRecords(db: Db) {
  const limits = { batch: 64, inFlight: 2, keyOf: recordKey } as const;
  const claim = groupCommit<Claim, boolean>({
    ...limits,
    async run(claims: Claim[]): Promise<boolean[]> {
      const rows = await db
        .insertInto('idempotency_keys')
        .values(claims.map((c) => ({ principal: c.principal, key: c.key, request_method: c.method, request_path: c.path, request_hash: c.hash, state: 'in_progress' })))
        .onConflict((oc) => oc.doNothing())
        .returning(['principal', 'key'])
        .execute();
      const inserted = new Set(rows.map(recordKey));
      return claims.map((c) => inserted.has(recordKey(c)));
    },
  });
  const complete = groupCommit<Completion, void>({
    ...limits,
    async run(items: Completion[]): Promise<void[]> {
      await sql`
        UPDATE idempotency_keys AS k
           SET state = 'completed', response_status = v.status, response_body = v.body, completed_at = now()
          FROM jsonb_to_recordset(${JSON.stringify(items)}::jsonb) AS v(principal text, key text, status integer, body text)
         WHERE k.principal = v.principal AND k.key = v.key
           -- By the primary key: the planner cannot see how many rows the JSON holds and would scan.
           AND k.principal = ANY(${[...new Set(items.map((i) => i.principal))]}::text[]) AND k.key = ANY(${items.map((i) => i.key)}::text[])`.execute(db);
      return items.map(() => undefined);
    },
  });
  return { claim, complete };
}
