import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Platform } from './platform.ts';
import { writeAudit } from './events/index.ts';
import {
  installAuth,
  installErrorHandling,
  installIdempotency,
  installMetrics,
  installOpenApi,
  installOperatorAudit,
  installValidation,
} from './http/index.ts';
import { installConsole } from './http/console.ts';
import { VERSION } from './version.ts';

/** Builds the HTTP application on a running platform, without listening (tests use `inject`). */
export async function buildApp(platform: Platform): Promise<FastifyInstance> {
  const { config } = platform;
  const app = Fastify({
    loggerInstance: platform.logger as FastifyBaseLogger,
    requestIdHeader: 'x-request-id',
    genReqId: () => `req_${randomUUID().replaceAll('-', '')}`,
    bodyLimit: 1_048_576,
    trustProxy: false,
    ajv: { customOptions: { removeAdditional: false } },
  });
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...(route.config ?? {}), public: true };
  });
  // Set as the request arrives (an onSend hook would add a stage to every response); errors and
  // 404s keep it, as their handlers only add to the headers.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  installValidation(app);
  installErrorHandling(app);
  await installOpenApi(app, VERSION);
  installMetrics(app, platform.metrics);
  installAuth(app, platform.identity.authenticator);
  installIdempotency(app, platform.database.db);
  installOperatorAudit(app, (entry) => writeAudit(platform.database.db, entry));

  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    const checks = await platform.readiness();
    const ready = Object.values(checks).every((c) => c === 'ok');
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });
  app.get('/', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => reply.redirect('/console/'));
  await installConsole(app, fileURLToPath(new URL('../console/dist', import.meta.url)));

  for (const routes of platform.routes) await app.register(routes);
  await app.ready();
  return app;
}
