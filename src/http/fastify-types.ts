import type { Principal, Scope } from './principal.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** No authentication (health, docs, login, signed provider webhooks). */
    public?: boolean;
    /** The scope an API key or operator role needs. */
    scope?: Scope;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}
