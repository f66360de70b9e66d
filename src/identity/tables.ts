import type { Generated } from 'kysely';
import type { NullableTimestamp, SharedTables } from '../db/index.ts';

export interface ApiKeysTable {
  id: string;
  name: string;
  prefix: string;
  key_hash: Buffer;
  scopes: string[];
  created_at: Generated<Date>;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface OperatorsTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: 'viewer' | 'operator' | 'admin';
  created_at: Generated<Date>;
  disabled_at: NullableTimestamp;
}

export interface OperatorSessionsTable {
  id: string;
  token_hash: Buffer;
  operator_id: string;
  csrf_token: string;
  created_at: Generated<Date>;
  expires_at: Date;
  revoked_at: NullableTimestamp;
}

export interface IdentityTables extends SharedTables {
  api_keys: ApiKeysTable;
  operators: OperatorsTable;
  operator_sessions: OperatorSessionsTable;
}
