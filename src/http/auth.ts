import type { FastifyInstance, FastifyRequest } from 'fastify';
import { KessaiError } from '../errors/index.ts';
import { hasScope, type Principal, type Scope } from './principal.ts';

export interface Authenticator {
  /** Resolves the caller from the request (Bearer API key or session cookie), or null. */
  authenticate(request: FastifyRequest): Promise<Principal | null>;
  /**
   * The caller from memory alone, when it is known there (a recently verified API key);
   * undefined: ask `authenticate`. Throws as `authenticate` would for a key known to be invalid.
   */
  cached?(request: FastifyRequest): Principal | undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every route is private unless its config says `public: true`; a route's `scope` is checked
 * against the key's scopes or the operator's role, on the server, for every request.
 */
export function installAuth(app: FastifyInstance, authenticator: Authenticator): void {
  app.decorateRequest('principal', null);

  const admit = (request: FastifyRequest, principal: Principal | null, scope: Scope | undefined): void => {
    if (!principal) throw new KessaiError('KS_ERR_UNAUTHENTICATED', 'Send an API key as "Authorization: Bearer …" or log in');
    request.principal = principal;
    if (principal.type === 'operator' && !SAFE_METHODS.has(request.method)) {
      if (request.headers['x-kessai-csrf'] !== principal.csrfToken) throw new KessaiError('KS_ERR_CSRF');
    }
    if (scope && !hasScope(principal, scope)) {
      throw new KessaiError('KS_ERR_FORBIDDEN', `This needs the ${scope} scope`, { scope });
    }
  };

  // A callback hook, not an async one: a key verified moments ago (the common case) is admitted
  // without a promise; only a cache miss waits for the database.
  app.addHook('onRequest', (request, _reply, done) => {
    // routeOptions is built afresh on every read: read it once.
    const route = request.routeOptions;
    const config = route.config;
    if (config.public || route.url === undefined) return done();
    let principal: Principal | undefined;
    try {
      principal = authenticator.cached?.(request);
      if (principal !== undefined) admit(request, principal, config.scope);
    } catch (err) {
      return done(err as Error);
    }
    if (principal !== undefined) return done();
    authenticator.authenticate(request).then(
      (p) => {
        try {
          admit(request, p, config.scope);
        } catch (err) {
          return done(err as Error);
        }
        done();
      },
      (err: Error) => done(err),
    );
  });
}
