import type { FastifyInstance } from 'fastify';
import { KessaiError } from '../../errors/index.ts';
import type { PaymentsContext } from '../context.ts';
import { receiveProviderWebhook } from '../receive-provider-webhook.ts';
import { errors } from './schemas.ts';

/** Incoming provider webhooks: public, authenticated by the provider's signature over the raw body. */
export async function providerWebhooksRoutes(app: FastifyInstance, ctx: PaymentsContext): Promise<void> {
  // Signatures are over the exact bytes received, so this scope keeps bodies raw.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post<{ Params: { provider: string }; Body: Buffer }>(
    '/v1/providers/:provider/webhooks',
    {
      config: { public: true },
      schema: {
        tags: ['payments'],
        summary: 'Receive a provider webhook (signature-verified)',
        params: { type: 'object', properties: { provider: { type: 'string' } } },
        response: { 400: errors[400], 404: errors[404] },
      },
    },
    async (request) => {
      if (!ctx.providers.has(request.params.provider) || !ctx.providers.get(request.params.provider).parseWebhook) {
        throw new KessaiError('KS_ERR_NOT_FOUND', `No webhooks for provider ${request.params.provider}`);
      }
      return receiveProviderWebhook(ctx, request.params.provider, request.body, request.headers);
    },
  );
}
