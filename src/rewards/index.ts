import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { withDomainTables, type Db } from '../db/index.ts';
import type { RewardsContext } from './context.ts';
import { estimatePoints, type EstimateInput } from './estimate-points.ts';
import { importCustomers, type CustomerImportOptions, type CustomerImportRow } from './import-customers.ts';
import { campaignsRoutes } from './routes/campaigns-routes.ts';
import { customersRoutes } from './routes/customers-routes.ts';
import { estimateRoutes } from './routes/estimate-routes.ts';
import { merchantsRoutes } from './routes/merchants-routes.ts';
import type { RewardChange } from './snapshot/changes.ts';
import { startSnapshotSync, type SnapshotSync } from './snapshot/keep-fresh.ts';
import { RewardsSnapshot } from './snapshot/snapshot.ts';
import type { RewardsTables } from './tables.ts';

export { REWARD_REASONS, POINTS_ROUNDING, type RewardReason, type RewardCustomer, type ResolvedMerchant } from './model.ts';
export type { Estimate, EstimateInput } from './estimate-points.ts';
export type { CustomerImportOptions, CustomerImportRow, CustomerImportReport } from './import-customers.ts';
export { parseCustomersCsv } from './customers-csv.ts';

export interface RewardsDeps {
  db: Db;
  logger: Logger;
  /** For the snapshot's LISTEN connection (needed by `start`; CLI sessions do without). */
  databaseUrl?: string;
  /** Pause before re-opening a lost LISTEN connection (doubles up to 10 s). */
  reconnectMs?: number;
}

/**
 * Points rebate campaigns (docs/rewards.md): campaigns with immutable versions, the local copy of
 * customers' card status and stage, the merchant master, and the estimate answered from an
 * in-memory snapshot. `start` loads the snapshot and keeps it fresh (processes that serve HTTP);
 * until then the estimate answers 503.
 */
export function createRewards(deps: RewardsDeps) {
  const snapshot = new RewardsSnapshot();
  let sync: SnapshotSync | null = null;
  const ctx: RewardsContext = {
    db: withDomainTables<RewardsTables>(deps.db),
    logger: deps.logger.child({ component: 'rewards' }),
    snapshot,
    // Without a running sync (CLI sessions, workers) there is no snapshot to update.
    changed: async (change: RewardChange) => sync?.apply(change),
  };
  return {
    context: ctx,
    /** Loads the snapshot and LISTENs for changes; resolves when the first load is done. */
    async start(): Promise<void> {
      if (!deps.databaseUrl) throw new Error('createRewards: start() needs databaseUrl');
      sync ??= await startSnapshotSync({ db: ctx.db, databaseUrl: deps.databaseUrl, snapshot, logger: ctx.logger, ...(deps.reconnectMs !== undefined ? { reconnectMs: deps.reconnectMs } : {}) });
    },
    async stop(): Promise<void> {
      const s = sync;
      sync = null;
      await s?.close();
    },
    /**
     * For readiness: `ok` once loaded. A lost LISTEN connection does not make the process unready
     * (the snapshot still answers, and is reloaded whole on reconnect); `listening` tells it apart.
     */
    status(): 'ok' | 'loading' | 'not started' {
      if (!sync) return 'not started';
      return snapshot.ready ? 'ok' : 'loading';
    },
    get listening(): boolean {
      return sync?.listening ?? false;
    },
    /** Cap-blind points for a payment, from memory (no database round-trip). */
    estimate: (input: EstimateInput) => estimatePoints(snapshot, input),
    /** Bulk update of customers' card status and stage (the CLI import); same rule as the API. */
    importCustomers: (rows: CustomerImportRow[], options?: CustomerImportOptions) => importCustomers(ctx, rows, options),
    async routes(app: FastifyInstance): Promise<void> {
      await campaignsRoutes(app, ctx);
      await customersRoutes(app, ctx);
      await merchantsRoutes(app, ctx);
      await estimateRoutes(app, ctx);
    },
  };
}

export type Rewards = ReturnType<typeof createRewards>;
