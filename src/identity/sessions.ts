import type { Kysely } from 'kysely';
import { newId, newSecret } from '../db/index.ts';
import { KessaiError } from '../errors/index.ts';
import { hashPassword, sha256, verifyPassword } from './secrets.ts';
import type { IdentityTables } from './tables.ts';
import type { OperatorView } from './create-operator.ts';

export interface Session {
  token: string;
  csrfToken: string;
  expiresAt: Date;
  operator: OperatorView;
}

// Verifying against a real hash when the user does not exist keeps the timing the same.
let dummyHash: Promise<string> | undefined;

export async function logIn(
  db: Kysely<IdentityTables>,
  input: { username: string; password: string },
  ttlHours: number,
): Promise<Session> {
  const operator = await db
    .selectFrom('operators')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', [eb.ref('username')]), '=', input.username.toLowerCase()))
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  const ok = await verifyPassword(input.password, operator?.password_hash ?? (await (dummyHash ??= hashPassword(newSecret('dummy')))));
  if (!operator || !ok) throw new KessaiError('KS_ERR_INVALID_CREDENTIALS');
  const token = newSecret('kss', 32);
  const csrfToken = newSecret('csrf', 16);
  const expiresAt = new Date(Date.now() + ttlHours * 3_600_000);
  await db
    .insertInto('operator_sessions')
    .values({ id: newId('ses'), token_hash: sha256(token), operator_id: operator.id, csrf_token: csrfToken, expires_at: expiresAt })
    .execute();
  return {
    token,
    csrfToken,
    expiresAt,
    operator: { id: operator.id, username: operator.username, display_name: operator.display_name, role: operator.role },
  };
}

export async function logOut(db: Kysely<IdentityTables>, token: string): Promise<void> {
  await db
    .updateTable('operator_sessions')
    .set({ revoked_at: new Date() })
    .where('token_hash', '=', sha256(token))
    .where('revoked_at', 'is', null)
    .execute();
}
