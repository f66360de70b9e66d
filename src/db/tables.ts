import type { ColumnType, Generated } from 'kysely';

/** A bigint column: read as bigint, written as bigint or a safe integer. */
export type Int8 = ColumnType<bigint, bigint | number, bigint | number>;
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string | null>;
export type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
export type Json<T = unknown> = ColumnType<T, string | T, string | T>;
/** A jsonb column with a database default: optional on insert, written as serialized JSON. */
export type JsonWithDefault<T> = ColumnType<T, string | undefined, string>;

export interface EventsTable {
  id: string;
  seq: Generated<bigint>;
  type: string;
  aggregate_id: string;
  data: Json<Record<string, unknown>>;
  actor: string | null;
  created_at: Generated<Date>;
  dispatched_at: NullableTimestamp;
}

export interface AuditLogTable {
  id: Generated<bigint>;
  at: Generated<Date>;
  actor_type: 'operator' | 'api_key' | 'system' | 'cli';
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: Json<Record<string, unknown>>;
  request_id: string | null;
  ip: string | null;
}

export interface IdempotencyKeysTable {
  principal: string;
  key: string;
  request_method: string;
  request_path: string;
  request_hash: string;
  state: 'in_progress' | 'completed';
  response_status: number | null;
  response_body: string | null;
  created_at: Generated<Date>;
  completed_at: NullableTimestamp;
}

/** Tables of the shared plumbing. Domains extend this with their own via `db.withTables<…>()`. */
export interface SharedTables {
  events: EventsTable;
  audit_log: AuditLogTable;
  idempotency_keys: IdempotencyKeysTable;
}
