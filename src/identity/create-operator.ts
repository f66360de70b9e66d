import { sql, type Kysely } from 'kysely';
import { newId } from '../db/index.ts';
import { KessaiError } from '../errors/index.ts';
import { ROLES, type Role } from './roles.ts';
import { hashPassword } from './secrets.ts';
import type { IdentityTables } from './tables.ts';

export interface OperatorView {
  id: string;
  username: string;
  display_name: string;
  role: Role;
}

export async function createOperator(
  db: Kysely<IdentityTables>,
  input: { username: string; password: string; role: Role; displayName?: string },
): Promise<OperatorView> {
  if (!(ROLES as readonly string[]).includes(input.role)) {
    throw new KessaiError('KS_ERR_VALIDATION', `role must be one of ${ROLES.join(', ')}`, { field: 'role' });
  }
  if (input.password.length < 10) {
    throw new KessaiError('KS_ERR_VALIDATION', 'password must have at least 10 characters', { field: 'password' });
  }
  const id = newId('op');
  const password_hash = await hashPassword(input.password);
  const display_name = input.displayName ?? input.username;
  const row = await db
    .insertInto('operators')
    .values({ id, username: input.username, display_name, password_hash, role: input.role })
    .onConflict((oc) => oc.expression(sql`lower(username)`).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) throw new KessaiError('KS_ERR_OPERATOR_EXISTS', `Operator ${input.username} exists`, { field: 'username' });
  return { id, username: input.username, display_name, role: input.role };
}
