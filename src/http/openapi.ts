import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

export async function installOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Kessai API',
        version,
        description:
          'Payments operations: payments and their lifecycle, order changes, capture, webhooks. ' +
          'Amounts are integers in minor units of an ISO 4217 currency. Every mutating call accepts an ' +
          '`Idempotency-Key` header; a replay returns the first response.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key, `ks_…`' },
          session: { type: 'apiKey', in: 'cookie', name: 'kessai_session' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
}
