import type { FastifyInstance, FastifyRequest } from 'fastify';
import { KessaiError } from '../errors/index.ts';
import { hasScope, type Principal } from './principal.ts';

export interface Authenticator {
  /** Resolves the caller from the request (Bearer API key or session cookie), or null. */
  authenticate(request: FastifyRequest): Promise<Principal | null>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every route is private unless its config says `public: true`; a route's `scope` is checked
 * against the key's scopes or the operator's role, on the server, for every request.
 */
export function installAuth(app: FastifyInstance, authenticator: Authenticator): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (config.public || request.routeOptions.url === undefined) return;
    const principal = await authenticator.authenticate(request);
    if (!principal) throw new KessaiError('KS_ERR_UNAUTHENTICATED', 'Send an API key as "Authorization: Bearer …" or log in');
    request.principal = principal;
    if (principal.type === 'operator' && !SAFE_METHODS.has(request.method)) {
      if (request.headers['x-kessai-csrf'] !== principal.csrfToken) throw new KessaiError('KS_ERR_CSRF');
    }
    if (config.scope && !hasScope(principal, config.scope)) {
      throw new KessaiError('KS_ERR_FORBIDDEN', `This needs the ${config.scope} scope`, { scope: config.scope });
    }
  });
}
