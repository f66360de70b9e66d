import type { Principal, Scope } from './principal.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** No authentication (health, docs, login, signed provider webhooks). */
    public?: boolean;
    /** The scope an API key or operator role needs. */
    scope?: Scope;
    /** A POST that only reads (a calculation): no idempotency record, no audit row. */
    readOnly?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}
