import { sql, type Transaction } from 'kysely';
import type { RewardCustomer } from '../model.ts';
import type { RewardsTables } from '../tables.ts';

/** The NOTIFY channel every process's snapshot LISTENs on. */
export const REWARDS_CHANNEL = 'kessai_rewards';

/** A customer as a notification carries it: id, card status, stage, version (decimal text). */
export type CustomerTuple = [string, number | null, number | null, string];

/**
 * What changed, as announced to every process. Campaigns and merchant masters are re-read by
 * id (they are small and rare); customers travel with their data, since there can be many and
 * the receiver needs nothing else to apply them.
 */
export type RewardChange =
  | { kind: 'campaign'; id: string }
  | { kind: 'merchant'; id: string }
  | { kind: 'customers'; rows: CustomerTuple[] };

/** PostgreSQL refuses payloads of 8000 bytes or more; customer batches stay well below. */
const MAX_PAYLOAD_BYTES = 7000;

/**
 * Announces a change in the caller's transaction: PostgreSQL delivers it at commit, and only if
 * the transaction commits, so a snapshot never learns of a change that did not happen.
 */
export async function notifyChange(trx: Transaction<RewardsTables>, change: RewardChange): Promise<void> {
  for (const payload of encodeChange(change)) await sql`SELECT pg_notify(${REWARDS_CHANNEL}, ${payload})`.execute(trx);
}

export function customerTuple(c: RewardCustomer): CustomerTuple {
  return [c.id, c.cardStatus, c.stage, c.version.toString()];
}

/** One payload, or several for many customers. */
export function encodeChange(change: RewardChange): string[] {
  if (change.kind !== 'customers') return [JSON.stringify(change)];
  const payloads: string[] = [];
  let batch: CustomerTuple[] = [];
  let size = 0;
  for (const row of change.rows) {
    const bytes = Buffer.byteLength(JSON.stringify(row)) + 1;
    if (batch.length > 0 && size + bytes > MAX_PAYLOAD_BYTES) {
      payloads.push(JSON.stringify({ kind: 'customers', rows: batch }));
      batch = [];
      size = 0;
    }
    batch.push(row);
    size += bytes;
  }
  if (batch.length > 0) payloads.push(JSON.stringify({ kind: 'customers', rows: batch }));
  return payloads;
}

/** null for a payload this version does not understand (a newer process may send more kinds). */
export function decodeChange(payload: string): RewardChange | null {
  try {
    const change = JSON.parse(payload) as RewardChange;
    if ((change.kind === 'campaign' || change.kind === 'merchant') && typeof change.id === 'string') return change;
    if (change.kind === 'customers' && Array.isArray(change.rows)) return change;
  } catch {
    // fall through
  }
  return null;
}

export function customerOfTuple([id, cardStatus, stage, version]: CustomerTuple): RewardCustomer {
  return { id, cardStatus, stage, version: BigInt(version) };
}
