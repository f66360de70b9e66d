import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { CheckoutTables } from './tables.ts';

/** What the catalog and checkout use cases run on. */
export interface CheckoutContext {
  db: Kysely<CheckoutTables>;
  logger: Logger;
}

export type Trx = Transaction<CheckoutTables>;

export { SYSTEM, actorLabel, type Actor } from '../events/index.ts';

/** Limits that keep every total a safe JSON integer (docs/catalog.md). */
export const LIMITS = {
  /** Units of one SKU available at once. */
  maxStock: 1_000_000_000,
  /** Grams per unit. */
  maxWeightGrams: 100_000_000,
  /** Units per cart line. */
  maxQuantity: 9_999,
  /** Distinct SKUs per cart. */
  maxLines: 100,
  /** Weight bands per shipping rule. */
  maxBands: 20,
} as const;

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e.code === '23505' && (constraint === undefined || e.constraint === constraint);
}
