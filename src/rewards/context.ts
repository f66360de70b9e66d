import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { RewardChange } from './snapshot/changes.ts';
import type { RewardsSnapshot } from './snapshot/snapshot.ts';
import type { RewardsTables } from './tables.ts';

/** What the rewards use cases run on. */
export interface RewardsContext {
  db: Kysely<RewardsTables>;
  logger: Logger;
  /** This process's in-memory copy for the estimate. */
  snapshot: RewardsSnapshot;
  /**
   * Called after a change commits, so this process's snapshot has it before the response goes
   * out (other processes learn it from the NOTIFY sent in the transaction).
   */
  changed(change: RewardChange): Promise<void>;
}

export type Trx = Transaction<RewardsTables>;

export { SYSTEM, actorLabel, type Actor } from '../events/index.ts';

/** Limits that keep every figure a safe JSON integer and every list reasonable. */
export const LIMITS = {
  /** Points (caps, budgets, minimum amounts in minor units). */
  maxPoints: 1_000_000_000_000_000,
  maxStage: 1_000_000,
  maxCardStatus: 32_767,
  maxRates: 200,
  maxListed: 10_000,
  maxMerchantIds: 1_000,
} as const;

/** Ids of customers, merchants and masters: what other systems use, within reason. */
export const EXTERNAL_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$';
export const PAYMENT_METHOD_PATTERN = '^[a-z][a-z0-9_.-]{0,31}$';

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

export function isExclusionViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e.code === '23P01' && (constraint === undefined || e.constraint === constraint);
}
