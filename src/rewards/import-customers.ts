import { appendEvent } from '../events/index.ts';
import { SYSTEM, actorLabel, type Actor, type RewardsContext } from './context.ts';
import type { CustomerUpdate } from './customer-update.ts';
import type { RewardCustomer } from './model.ts';
import { customerTuple, notifyChange } from './snapshot/changes.ts';
import { applyCustomerUpdate, toRewardCustomer } from './update-customer.ts';

export interface CustomerImportRow extends CustomerUpdate {
  customerId: string;
}

export interface CustomerImportReport {
  rows: number;
  /** Rows that changed something. */
  applied: number;
  /** Rows older than what was held for every field they sent. */
  ignored: number;
  batches: number;
}

/**
 * Loads many customer updates (the `kessai rewards customers import` CLI) with the same rule as
 * the API, in transactions of `batchSize` rows: each batch commits with one event and the
 * notifications of the customers it changed, so a failure part-way leaves whole batches applied
 * and re-running the file is harmless (updates already applied are ignored as not newer).
 */
export interface CustomerImportOptions {
  batchSize?: number;
  actor?: Actor;
  /** After each batch: rows done so far. */
  onProgress?: (done: number) => void;
}

export async function importCustomers(ctx: RewardsContext, rows: CustomerImportRow[], options: CustomerImportOptions = {}): Promise<CustomerImportReport> {
  const batchSize = options.batchSize ?? 500;
  const label = actorLabel(options.actor ?? SYSTEM);
  const report: CustomerImportReport = { rows: rows.length, applied: 0, ignored: 0, batches: 0 };
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    const changed = await ctx.db.transaction().execute(async (trx) => {
      const latest = new Map<string, RewardCustomer>();
      let applied = 0;
      // In file order, so a customer listed twice ends with the newer of its rows.
      for (const row of batch) {
        const r = await applyCustomerUpdate(trx, row.customerId, row);
        if (r.applied.length === 0) continue;
        applied += 1;
        latest.set(row.customerId, toRewardCustomer(r.row));
      }
      if (latest.size > 0) {
        await appendEvent(trx, { type: 'reward_customers.imported', aggregateId: 'reward_customers', data: { rows: batch.length, applied }, actor: label });
        await notifyChange(trx, { kind: 'customers', rows: [...latest.values()].map(customerTuple) });
      }
      report.applied += applied;
      report.ignored += batch.length - applied;
      return [...latest.values()];
    });
    report.batches += 1;
    options.onProgress?.(start + batch.length);
    if (changed.length > 0) await ctx.changed({ kind: 'customers', rows: changed.map(customerTuple) });
  }
  return report;
}
