import type { Kysely, Transaction } from 'kysely';
import type { SharedTables } from '../db/index.ts';
import { toJsonSafe } from './json.ts';

export interface AuditEntry {
  actorType: 'operator' | 'api_key' | 'system' | 'cli';
  actorId?: string | null;
  actorName?: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  details?: Record<string, unknown>;
  requestId?: string | null;
  ip?: string | null;
}

export async function writeAudit<DB extends SharedTables>(executor: Kysely<DB> | Transaction<DB>, entry: AuditEntry): Promise<void> {
  const db = executor as unknown as Kysely<SharedTables>;
  await db
    .insertInto('audit_log')
    .values({
      actor_type: entry.actorType,
      actor_id: entry.actorId ?? null,
      actor_name: entry.actorName ?? null,
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId ?? null,
      details: JSON.stringify(toJsonSafe(entry.details ?? {})),
      request_id: entry.requestId ?? null,
      ip: entry.ip ?? null,
    })
    .execute();
}
