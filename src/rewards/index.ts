import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { withDomainTables, type Db } from '../db/index.ts';
import { DBOS } from '../workflows/index.ts';
import type { RewardsContext } from './context.ts';
import { estimatePoints, type EstimateInput } from './estimate-points.ts';
import { expirePoints } from './grants/expire-points.ts';
import { consumePaymentsOutbox, startOutboxConsumer, type PaymentLookup } from './grants/consume-outbox.ts';
import { parseInboundEvent, type RewardInboundEvent } from './grants/inbound.ts';
import { ingestEvent } from './grants/ingest.ts';
import { startNatsConsumer, type NatsSettings } from './grants/nats-consumer.ts';
import { liabilityReport } from './liability/liability-report.ts';
import { importCustomers, type CustomerImportOptions, type CustomerImportRow } from './import-customers.ts';
import { campaignsRoutes } from './routes/campaigns-routes.ts';
import { customersRoutes } from './routes/customers-routes.ts';
import { estimateRoutes } from './routes/estimate-routes.ts';
import { eventsRoutes } from './routes/events-routes.ts';
import { liabilityRoutes } from './routes/liability-routes.ts';
import { merchantsRoutes } from './routes/merchants-routes.ts';
import type { RewardChange } from './snapshot/changes.ts';
import { startSnapshotSync, type SnapshotSync } from './snapshot/keep-fresh.ts';
import { RewardsSnapshot } from './snapshot/snapshot.ts';
import type { RewardsTables } from './tables.ts';

export { REWARD_REASONS, POINTS_ROUNDING, type RewardReason, type RewardCustomer, type ResolvedMerchant } from './model.ts';
export type { Estimate, EstimateInput } from './estimate-points.ts';
export type { CustomerImportOptions, CustomerImportRow, CustomerImportReport } from './import-customers.ts';
export { parseCustomersCsv } from './customers-csv.ts';
export type { PaymentFacts, PaymentLookup, OutboxReport } from './grants/consume-outbox.ts';
export type { RewardInboundEvent, SettledEvent, RefundedEvent } from './grants/inbound.ts';
export type { IngestResult } from './grants/ingest.ts';
export type { ExpiryReport } from './grants/expire-points.ts';
export { signEventBody, EVENTS_SIGNATURE_HEADER } from './grants/signature.ts';

export interface RewardsSettings {
  /** A point's value in yen (exact decimal string), for the liability report. */
  pointValueYen: string;
  /** The shared secret of `POST /v1/events`; unset: the route answers 404. */
  eventsSecret: string | undefined;
  eventsToleranceSeconds: number;
  /** How often `startConsumers` reads the payments outbox. */
  outboxPollMs: number;
  /** NATS JetStream; null: off. */
  nats: NatsSettings | null;
}

const DEFAULT_SETTINGS: RewardsSettings = { pointValueYen: '1', eventsSecret: undefined, eventsToleranceSeconds: 300, outboxPollMs: 1000, nats: null };

export interface RewardsDeps {
  db: Db;
  logger: Logger;
  /** For the snapshot's LISTEN connection (needed by `start`; CLI sessions do without). */
  databaseUrl?: string;
  /** Pause before re-opening a lost LISTEN connection (doubles up to 10 s). */
  reconnectMs?: number;
  /** How the payments outbox consumer learns a payment's customer, merchant and currency. */
  payments?: PaymentLookup;
  settings?: Partial<RewardsSettings>;
  /** Cron of the point expiry job (docs/rewards.md#point-expiry), run by workers; null: none. */
  expirySchedule?: string | null;
}

/**
 * Points rebate campaigns (docs/rewards.md): campaigns with immutable versions, the local copy of
 * customers' card status and stage, the merchant master, and the estimate answered from an
 * in-memory snapshot. `start` loads the snapshot and keeps it fresh (processes that serve HTTP);
 * until then the estimate answers 503.
 */
export function createRewards(deps: RewardsDeps) {
  const snapshot = new RewardsSnapshot();
  const settings: RewardsSettings = { ...DEFAULT_SETTINGS, ...deps.settings };
  let sync: SnapshotSync | null = null;
  const consumers: Array<{ stop(): Promise<void> }> = [];
  const lookup: PaymentLookup = deps.payments ?? (async () => {
    throw new Error('createRewards: no payments lookup');
  });
  const ctx: RewardsContext = {
    db: withDomainTables<RewardsTables>(deps.db),
    logger: deps.logger.child({ component: 'rewards' }),
    snapshot,
    // Without a running sync (CLI sessions, workers) there is no snapshot to update.
    changed: async (change: RewardChange) => sync?.apply(change),
  };
  // Registered before DBOS launches (the composition root creates domains first), when scheduled.
  const expiry = deps.expirySchedule
    ? DBOS.registerWorkflow(
        async () => {
          await DBOS.runStep(async () => expirePoints(ctx, new Date()), { name: 'expire-points' });
        },
        { name: 'rewards.expiry' },
      )
    : null;
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
      for (const c of consumers.splice(0)) await c.stop();
    },
    /**
     * Worker side: reads the payments outbox every `outboxPollMs`, and NATS JetStream when
     * configured (docs/rewards.md#event-sources); schedules the point expiry job.
     */
    async startConsumers(): Promise<void> {
      if (consumers.length > 0) return;
      consumers.push(startOutboxConsumer(ctx, lookup, settings.outboxPollMs));
      if (settings.nats) consumers.push(await startNatsConsumer(ctx, settings.nats));
      if (expiry && deps.expirySchedule) await DBOS.applySchedules([{ scheduleName: 'rewards.expiry', workflowFn: expiry, schedule: deps.expirySchedule }]);
    },
    /** One pass over the payments outbox (tests and tools; workers poll with `startConsumers`). */
    consumeOutbox: (options?: { limit?: number }) => consumePaymentsOutbox(ctx, lookup, options),
    /** A settlement or refund event from any source: applied once, in any order. */
    ingest: (event: RewardInboundEvent) => ingestEvent(ctx, event),
    /** Parses an event as `POST /v1/events` and NATS take it. */
    parseEvent: (json: unknown, source: 'http' | 'nats') => parseInboundEvent(json, source),
    /** Expires the points due at `at` (default now): what the scheduled job runs. */
    expirePoints: (at?: Date) => expirePoints(ctx, at),
    liability: (from: Date, to: Date) => liabilityReport(ctx, from, to, settings.pointValueYen),
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
      await liabilityRoutes(app, ctx, { pointValueYen: settings.pointValueYen });
      // Its own scope: the signature is over the raw body, so this scope keeps bodies raw.
      await app.register(async (scope) => eventsRoutes(scope, ctx, { secret: settings.eventsSecret, toleranceSeconds: settings.eventsToleranceSeconds }));
    },
  };
}

export type Rewards = ReturnType<typeof createRewards>;
