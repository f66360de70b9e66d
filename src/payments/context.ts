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

/** Who asked for a change, for events and the audit log. */
export interface Actor {
  type: 'api_key' | 'operator' | 'system' | 'cli';
  id: string | null;
  name: string | null;
}

export const SYSTEM: Actor = { type: 'system', id: null, name: 'kessai' };

export function actorLabel(actor: Actor): string {
  return actor.type === 'system' ? 'system' : `${actor.type}:${actor.id ?? ''}`;
}
