import { listen } from '../../db/index.ts';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { RewardsTables } from '../tables.ts';
import { customerOfTuple, decodeChange, REWARDS_CHANNEL, type RewardChange } from './changes.ts';
import { loadCampaign, loadCustomers, loadLiveCampaigns, loadMerchantMaster, loadMerchantMasters } from './load.ts';
import type { RewardsSnapshot } from './snapshot.ts';

export interface SnapshotSyncOptions {
  db: Kysely<RewardsTables>;
  databaseUrl: string;
  snapshot: RewardsSnapshot;
  logger: Logger;
  /** First pause before re-opening a lost LISTEN connection; doubles up to 10 s. */
  reconnectMs?: number;
}

export interface SnapshotSync {
  /** Applies a change this process has just committed (others learn it by NOTIFY). */
  apply(change: RewardChange): Promise<void>;
  /** Whether the LISTEN connection is up (while it is down, changes elsewhere are not seen). */
  readonly listening: boolean;
  close(): Promise<void>;
}

const MAX_RECONNECT_MS = 10_000;

/**
 * Keeps a snapshot fresh: a dedicated connection LISTENs on the rewards channel, and every
 * notification is applied in the order it arrived. On every (re)connection, LISTEN comes first
 * and a complete reload second, so a change committed while nobody listened is in the reload and
 * a change committed during the reload is notified and applied after it. Resolves once the first
 * reload is done.
 */
export async function startSnapshotSync(options: SnapshotSyncOptions): Promise<SnapshotSync> {
  const { db, snapshot, logger } = options;
  const baseDelay = options.reconnectMs ?? 1000;
  let closed = false;
  // One change at a time, in arrival order; a failed step schedules a complete reload.
  let queue: Promise<void> = Promise.resolve();

  const enqueue = (step: () => Promise<void>): Promise<void> => {
    if (closed) return queue;
    const run = queue.then(step).catch((err: unknown) => {
      logger.error({ err }, 'rewards snapshot update failed; reloading everything');
      if (!closed) setTimeout(() => void enqueue(reloadAll), baseDelay).unref();
    });
    queue = run;
    return run;
  };

  async function reloadAll(): Promise<void> {
    const t0 = Date.now();
    const [campaigns, customers, merchants] = [await loadLiveCampaigns(db), await loadCustomers(db), await loadMerchantMasters(db)];
    snapshot.replaceAll({ campaigns, customers, merchants });
    logger.info({ campaigns: campaigns.length, customers: customers.length, merchants: merchants.length, ms: Date.now() - t0 }, 'rewards snapshot loaded');
  }

  async function applyChange(change: RewardChange): Promise<void> {
    switch (change.kind) {
      case 'campaign':
        snapshot.putCampaign(change.id, await loadCampaign(db, change.id));
        return;
      case 'merchant': {
        const entry = await loadMerchantMaster(db, change.id);
        if (entry) snapshot.putMerchantMaster(entry);
        return;
      }
      case 'customers':
        for (const row of change.rows) snapshot.putCustomer(customerOfTuple(row));
        return;
    }
  }

  const listener = await listen({
    databaseUrl: options.databaseUrl,
    channel: REWARDS_CHANNEL,
    applicationName: 'kessai-rewards',
    logger,
    what: 'rewards snapshot (serving the last snapshot meanwhile)',
    onNotification: (payload) => {
      const change = payload ? decodeChange(payload) : null;
      if (change) void enqueue(() => applyChange(change));
      else logger.warn({ payload }, 'unknown rewards notification ignored');
    },
    // LISTEN first, reload second: nothing committed in between is lost.
    onConnected: () => enqueue(reloadAll),
    delayMs: baseDelay,
    maxDelayMs: MAX_RECONNECT_MS,
    failFirst: true,
  });

  async function close(): Promise<void> {
    closed = true;
    await listener.close();
    await queue;
  }

  if (!snapshot.ready) {
    await close();
    throw new Error('the rewards snapshot could not be loaded');
  }
  return {
    apply: (change) => enqueue(() => applyChange(change)),
    get listening() {
      return listener.listening;
    },
    close,
  };
}
