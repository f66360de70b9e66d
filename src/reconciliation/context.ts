import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Pool } from '../db/index.ts';
import type { MoneyMovement, MoneyMovementQuery } from '../payments/index.ts';
import type { FeeRuleEngine } from './fee-rules.ts';
import type { ReconciliationTables } from './tables.ts';

export { SYSTEM, actorLabel, type Actor } from '../events/index.ts';

/** The payments domain as the reconciliation sees it: settled money movements, read-only. */
export type MoneyMovementSource = (query: MoneyMovementQuery) => Promise<{ data: MoneyMovement[]; nextCursor: string | null }>;

export interface ReconciliationSettings {
  /** A line with no counterpart waits this many days as `expected` before it is a discrepancy. */
  lookBackDays: number;
  /** Uploads larger than this are refused (the CLI has no limit: it streams from disk). */
  maxUploadBytes: number;
  /** The channel a payment provider's money settles through (default: the provider's own name). */
  channelOfProvider: Readonly<Record<string, string>>;
  /** Our side's post date is the settled time's date at this offset (`+09:00`, `Z`). */
  ourTimeZone: string;
}

export interface ReconciliationContext {
  db: Kysely<ReconciliationTables>;
  /** For COPY and the matcher's multi-statement transactions. */
  pool: Pool;
  logger: Logger;
  movements: MoneyMovementSource;
  feeRules: FeeRuleEngine;
  /** The run's clock (tests move it instead of sleeping). */
  now: () => Date;
  settings: ReconciliationSettings;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e.code === '23505' && (constraint === undefined || e.constraint === constraint);
}
