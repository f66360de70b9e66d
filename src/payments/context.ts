import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { ProviderRegistry } from './providers/registry.ts';
import type { PaymentsTables } from './tables.ts';

/** What the payments use cases run on. */
export interface PaymentsContext {
  db: Kysely<PaymentsTables>;
  providers: ProviderRegistry;
  logger: Logger;
  settings: {
    /** Unknown outcomes are first re-checked after this many seconds, then with back-off. */
    pendingAfterSeconds: number;
    captureMaxAttempts: number;
  };
}

export { SYSTEM, actorLabel, type Actor } from '../events/index.ts';
