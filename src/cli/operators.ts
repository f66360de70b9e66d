import { parseArgs } from 'node:util';
import { newSecret } from '../db/index.ts';
import { writeAudit } from '../events/index.ts';
import { createIdentity, ROLES, type Role } from '../identity/index.ts';
import { withDatabase } from './sessions.ts';

export async function operatorsCommand(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { username: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } },
  });
  const role = values.role as Role | undefined;
  const username = values.username;
  if (positionals[0] !== 'create' || !username || !role || !ROLES.includes(role)) {
    throw new Error('Usage: kessai operators create --username U --role viewer|operator|admin [--password P] [--name "Display Name"]');
  }
  await withDatabase(async (database) => {
    const identity = createIdentity({ db: database.db, sessionTtlHours: 1, secureCookies: false });
    const password = values.password ?? newSecret('pw', 12);
    const op = await identity.createOperator({ username, password, role, ...(values.name ? { displayName: values.name } : {}) });
    await writeAudit(database.db, { actorType: 'cli', action: 'operator.create', targetType: 'operator', targetId: op.id, details: { role } });
    console.log(`Created operator ${op.username} (${op.role}).`);
    if (!values.password) console.log(`Password: ${password}`);
  });
}
