import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { KessaiError } from '../errors/index.ts';
import { writeAudit } from '../events/index.ts';
import { SCOPES } from '../http/principal.ts';
import { errorResponseSchema } from '../http/error-handler.ts';
import { SESSION_COOKIE, readCookie } from './authenticate-request.ts';
import { createApiKey } from './create-api-key.ts';
import { createOperator } from './create-operator.ts';
import { ROLES } from './roles.ts';
import { logIn, logOut } from './sessions.ts';
import type { IdentityTables } from './tables.ts';

const operatorSchema = {
  type: 'object',
  properties: { id: { type: 'string' }, username: { type: 'string' }, display_name: { type: 'string' }, role: { type: 'string', enum: [...ROLES] } },
} as const;

export interface IdentityRouteOptions {
  db: Kysely<IdentityTables>;
  sessionTtlHours: number;
  secureCookies: boolean;
  forgetKey(keyId: string): void;
}

export async function identityRoutes(app: FastifyInstance, opts: IdentityRouteOptions): Promise<void> {
  const { db } = opts;

  app.post<{ Body: { username: string; password: string } }>(
    '/v1/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['operators'],
        summary: 'Log an operator in; sets the session cookie and returns the CSRF token',
        body: {
          type: 'object',
          required: ['username', 'password'],
          additionalProperties: false,
          properties: { username: { type: 'string', minLength: 1, maxLength: 200 }, password: { type: 'string', minLength: 1, maxLength: 1000 } },
        },
        response: {
          200: { type: 'object', properties: { operator: operatorSchema, csrf_token: { type: 'string' }, expires_at: { type: 'string' } } },
          401: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      try {
        const session = await logIn(db, request.body, opts.sessionTtlHours);
        await writeAudit(db, { actorType: 'operator', actorId: session.operator.id, actorName: session.operator.username, action: 'operator.login', requestId: request.id, ip: request.ip });
        const maxAge = opts.sessionTtlHours * 3600;
        reply.header(
          'set-cookie',
          `${SESSION_COOKIE}=${session.token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${opts.secureCookies ? '; Secure' : ''}`,
        );
        return { operator: session.operator, csrf_token: session.csrfToken, expires_at: session.expiresAt.toISOString() };
      } catch (err) {
        if (err instanceof KessaiError && err.code === 'KS_ERR_INVALID_CREDENTIALS') {
          await writeAudit(db, { actorType: 'operator', actorName: request.body.username, action: 'operator.login_failed', requestId: request.id, ip: request.ip });
        }
        throw err;
      }
    },
  );

  app.post('/v1/auth/logout', { schema: { tags: ['operators'], summary: 'End the operator session' } }, async (request, reply) => {
    const token = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (token) await logOut(db, token);
    reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    return reply.status(204).send();
  });

  app.get('/v1/auth/me', { schema: { tags: ['operators'], summary: 'Who is calling, with scopes' } }, async (request) => {
    const p = request.principal!;
    return { type: p.type, id: p.id, name: p.name, role: p.role ?? null, scopes: [...p.scopes].sort(), csrf_token: p.csrfToken ?? null };
  });

  app.post<{ Body: { name: string; scopes: string[] } }>(
    '/v1/api_keys',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Create an API key; the key is in this response only',
        body: {
          type: 'object',
          required: ['name', 'scopes'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, scopes: { type: 'array', minItems: 1, items: { type: 'string', enum: [...SCOPES] } } },
        },
      },
    },
    async (request, reply) => {
      const created = await createApiKey(db, request.body);
      const p = request.principal!;
      await writeAudit(db, { actorType: p.type, actorId: p.id, actorName: p.name, action: 'api_key.create', targetType: 'api_key', targetId: created.id, details: { scopes: created.scopes }, requestId: request.id, ip: request.ip });
      return reply.status(201).send(created);
    },
  );

  app.get('/v1/api_keys', { config: { scope: 'admin' }, schema: { tags: ['admin'], summary: 'List API keys (never their secrets)' } }, async () => {
    const rows = await db.selectFrom('api_keys').select(['id', 'name', 'prefix', 'scopes', 'created_at', 'last_used_at', 'revoked_at']).orderBy('id', 'desc').execute();
    return { data: rows };
  });

  app.post<{ Params: { id: string } }>(
    '/v1/api_keys/:id/revoke',
    { config: { scope: 'admin' }, schema: { tags: ['admin'], summary: 'Revoke an API key', params: { type: 'object', properties: { id: { type: 'string' } } } } },
    async (request) => {
      const row = await db.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', request.params.id).where('revoked_at', 'is', null).returning(['id', 'revoked_at']).executeTakeFirst();
      if (!row) throw new KessaiError('KS_ERR_NOT_FOUND', 'No such active API key');
      opts.forgetKey(row.id);
      const p = request.principal!;
      await writeAudit(db, { actorType: p.type, actorId: p.id, actorName: p.name, action: 'api_key.revoke', targetType: 'api_key', targetId: row.id, requestId: request.id, ip: request.ip });
      return row;
    },
  );

  app.post<{ Body: { username: string; password: string; role: (typeof ROLES)[number]; display_name?: string } }>(
    '/v1/operators',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Create an operator account',
        body: {
          type: 'object',
          required: ['username', 'password', 'role'],
          additionalProperties: false,
          properties: {
            username: { type: 'string', minLength: 1, maxLength: 200 },
            password: { type: 'string', minLength: 10, maxLength: 1000 },
            role: { type: 'string', enum: [...ROLES] },
            display_name: { type: 'string', maxLength: 200 },
          },
        },
      },
    },
    async (request, reply) => {
      const { display_name, ...rest } = request.body;
      const op = await createOperator(db, { ...rest, ...(display_name ? { displayName: display_name } : {}) });
      return reply.status(201).send(op);
    },
  );
}
