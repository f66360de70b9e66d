import type { FastifyInstance } from 'fastify';
import { withDomainTables, type Db } from '../db/index.ts';
import { createAuthenticator } from './authenticate-request.ts';
import { createApiKey } from './create-api-key.ts';
import { createOperator } from './create-operator.ts';
import { identityRoutes } from './routes.ts';
import type { IdentityTables } from './tables.ts';

export { ROLES, ROLE_SCOPES, type Role } from './roles.ts';
export type { CreatedApiKey } from './create-api-key.ts';
export type { OperatorView } from './create-operator.ts';

export function createIdentity(deps: { db: Db; sessionTtlHours: number; secureCookies: boolean }) {
  const db = withDomainTables<IdentityTables>(deps.db);
  const authenticator = createAuthenticator(db);
  return {
    authenticator,
    createApiKey: (input: { name: string; scopes: string[] }) => createApiKey(db, input),
    createOperator: (input: Parameters<typeof createOperator>[1]) => createOperator(db, input),
    async countOperators(): Promise<number> {
      const row = await db.selectFrom('operators').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    routes: (app: FastifyInstance) =>
      identityRoutes(app, { db, sessionTtlHours: deps.sessionTtlHours, secureCookies: deps.secureCookies, forgetKey: (id) => authenticator.forget(id) }),
  };
}

export type Identity = ReturnType<typeof createIdentity>;
