import pg from 'pg';
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
  let client: pg.Client | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let delay = baseDelay;
  let started = false;
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

  const reconnectLater = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void connect().catch(() => {});
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, MAX_RECONNECT_MS);
  };

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: options.databaseUrl, application_name: 'kessai-rewards' });
    c.on('notification', (msg) => {
      const change = msg.channel === REWARDS_CHANNEL && msg.payload ? decodeChange(msg.payload) : null;
      if (change) void enqueue(() => applyChange(change));
      else logger.warn({ payload: msg.payload }, 'unknown rewards notification ignored');
    });
    c.on('error', (err) => logger.warn({ err }, 'rewards snapshot connection failed; serving the last snapshot until it is back'));
    c.on('end', () => {
      if (client !== c) return;
      client = null;
      reconnectLater();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${REWARDS_CHANNEL}`);
    } catch (err) {
      await c.end().catch(() => {});
      // The first attempt's failure fails the start; later ones are retried.
      if (!closed && started) {
        logger.warn({ err }, 'could not LISTEN for rewards changes; retrying');
        reconnectLater();
      }
      throw err;
    }
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
    delay = baseDelay;
    await enqueue(reloadAll);
  }

  async function close(): Promise<void> {
    closed = true;
    if (timer) clearTimeout(timer);
    const c = client;
    client = null;
    await c?.end().catch(() => {});
    await queue;
  }

  await connect();
  started = true;
  if (!snapshot.ready) {
    await close();
    throw new Error('the rewards snapshot could not be loaded');
  }
  return {
    apply: (change) => enqueue(() => applyChange(change)),
    get listening() {
      return client !== null;
    },
    close,
  };
}
