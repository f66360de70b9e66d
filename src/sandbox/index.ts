import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { sandboxRoutes } from './routes.ts';
import { createSandboxSimulator, type SandboxOptions } from './simulator.ts';

export { SandboxTransportError, type SandboxAnswer, type SandboxCharge, type SandboxSimulator } from './simulator.ts';
export { sandboxCard, sandboxCards, type SandboxCard } from './cards.ts';
export { cardSummary, type CardSummary } from './card-summary.ts';

/** The sandbox provider's simulated back end, and its inspection routes. */
export function createSandbox(pool: pg.Pool, options: SandboxOptions) {
  return {
    simulator: createSandboxSimulator(pool, options),
    routes: (app: FastifyInstance) => sandboxRoutes(app, { pool }),
  };
}
