import type { Kysely, Transaction } from 'kysely';
import { newId, type SharedTables } from '../db/index.ts';
import { toJsonSafe } from './json.ts';

export interface DomainEvent {
  id: string;
  type: string;
  aggregateId: string;
  data: Record<string, unknown>;
  actor: string | null;
  createdAt: Date;
}

/** Any Kysely view over a schema that includes the shared tables, or a transaction on one. */
type Executor<DB extends SharedTables = SharedTables> = Kysely<DB> | Transaction<DB>;

export interface NewEvent {
  type: string;
  aggregateId: string;
  data: Record<string, unknown>;
  actor?: string | null;
}

/**
 * Appends an event in the caller's transaction, so the event exists if and only if the change
 * it describes was committed (the outbox pattern).
 */
export async function appendEvent<DB extends SharedTables>(executor: Executor<DB>, event: NewEvent): Promise<string> {
  return (await appendEvents(executor, [event]))[0]!;
}

/** Several events in one statement, in order (batches write their timelines this way). */
export async function appendEvents<DB extends SharedTables>(executor: Executor<DB>, events: NewEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const db = executor as unknown as Kysely<SharedTables>;
  const rows = events.map((event) => ({
    id: newId('evt'),
    type: event.type,
    aggregate_id: event.aggregateId,
    data: JSON.stringify(toJsonSafe(event.data)),
    actor: event.actor ?? null,
  }));
  await db.insertInto('events').values(rows).execute();
  return rows.map((r) => r.id);
}

export async function listEvents<DB extends SharedTables>(executor: Executor<DB>, aggregateId: string): Promise<DomainEvent[]> {
  const db = executor as unknown as Kysely<SharedTables>;
  const rows = await db
    .selectFrom('events')
    .selectAll()
    .where('aggregate_id', '=', aggregateId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    aggregateId: r.aggregate_id,
    data: r.data,
    actor: r.actor,
    createdAt: r.created_at,
  }));
}
