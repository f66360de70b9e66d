import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createCheckout, type Checkout } from './checkout/index.ts';
import type { KessaiConfig } from './config/index.ts';
import { createPool, migrate, openDatabase, startEmbeddedPostgres, type Database, type EmbeddedDatabase } from './db/index.ts';
import { createMetricsRegistry } from './http/index.ts';
import { createMailer, createOpsChannel } from './notify/index.ts';
import type { StepBoundary } from './checkout/index.ts';
import { createIdentity, type Identity } from './identity/index.ts';
import { createPayments, createSandboxProvider, createStripeProvider, type PaymentProvider, type Payments } from './payments/index.ts';
import { createReconciliation, type Reconciliation } from './reconciliation/index.ts';
import { createRewards, type Rewards } from './rewards/index.ts';
import { createSandbox } from './sandbox/index.ts';
import { createWebhooks, type Webhooks } from './webhooks/index.ts';
import { launchWorkflows, shutdownWorkflows } from './workflows/index.ts';
import { VERSION } from './version.ts';

/** Everything a running Kessai process is made of; `app.ts` serves it over HTTP. */
export interface Platform {
  config: KessaiConfig;
  logger: Logger;
  database: Database;
  databaseUrl: string;
  metrics: Registry;
  identity: Identity;
  payments: Payments;
  checkout: Checkout;
  rewards: Rewards;
  reconciliation: Reconciliation;
  webhooks: Webhooks;
  routes: Array<(app: FastifyInstance) => Promise<void>>;
  readiness(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Skip DBOS (for commands such as `migrate` that need only the database). */
  workflows?: boolean;
  executorId?: string;
  /** Called at every checkout step's start and end (tests crash the process there). */
  onCheckoutStep?: (boundary: StepBoundary) => void | Promise<void>;
}

export function createLogger(config: Pick<KessaiConfig, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, base: { service: 'kessai' } });
}

/** Connects (or starts the embedded PostgreSQL) and applies pending migrations. */
export async function openPlatformDatabase(
  config: KessaiConfig,
  logger: Logger,
): Promise<{ database: Database; url: string; embedded: EmbeddedDatabase | undefined; applied: string[] }> {
  let url = config.databaseUrl;
  let embedded: EmbeddedDatabase | undefined;
  if (!url) {
    embedded = await startEmbeddedPostgres(config.dataDir, config.embeddedPgPort, (msg) => logger.info(msg));
    url = embedded.url;
  }
  const database = openDatabase(url, config.dbPoolSize, 'kessai', { prepareStatements: config.dbPrepareStatements });
  const applied = await migrate(database.pool, (msg) => logger.info(msg));
  return { database, url, embedded, applied };
}

export async function startPlatform(config: KessaiConfig, options: StartOptions = {}): Promise<Platform> {
  const logger = options.logger ?? createLogger(config);
  const { database, url, embedded } = await openPlatformDatabase(config, logger);
  const metrics = createMetricsRegistry();
  const identity = createIdentity({ db: database.db, sessionTtlHours: config.console.sessionTtlHours, secureCookies: config.console.secureCookies });

  const providers: PaymentProvider[] = [];
  let sandboxPool: ReturnType<typeof createPool> | undefined;
  const routes: Platform['routes'] = [identity.routes];
  if (config.sandbox.enabled) {
    // The simulator stands for an external provider; surviving a PostgreSQL crash is not part of
    // what it simulates, so its own books are committed asynchronously (still atomically).
    sandboxPool = createPool(url, Math.max(4, Math.ceil(config.dbPoolSize / 2)), 'kessai-sandbox', { asynchronousCommit: true, prepareStatements: config.dbPrepareStatements });
    const sandbox = createSandbox(sandboxPool, { latencyMs: config.sandbox.latencyMs, faultRate: config.sandbox.faultRate });
    providers.push(createSandboxProvider(sandbox.simulator));
    routes.push(sandbox.routes);
  }
  if (config.stripe.apiKey) {
    providers.push(
      createStripeProvider({
        apiKey: config.stripe.apiKey,
        timeoutMs: config.stripe.timeoutMs,
        ...(config.stripe.apiBase ? { apiBase: config.stripe.apiBase } : {}),
        ...(config.stripe.webhookSecret ? { webhookSecret: config.stripe.webhookSecret } : {}),
      }),
    );
  }
  const payments = createPayments({
    db: database.db,
    logger,
    providers,
    pendingAfterSeconds: config.janitor.pendingAfterSeconds,
    capture: {
      ratePerSecond: config.capture.ratePerSecond,
      maxAttempts: config.capture.maxAttempts,
      retryBaseMs: config.capture.retryBaseMs,
      workerConcurrency: config.capture.workerConcurrency,
      callParallelism: config.capture.callParallelism,
    },
    schedules: config.schedules ? { capture: config.capture.schedule, janitor: config.janitor.schedule } : null,
  });
  routes.push(payments.routes);
  const checkout = createCheckout({
    db: database.db,
    logger,
    payments: {
      openPayment: payments.openPayment,
      authorizePayment: payments.authorizePayment,
      cancelOrder: payments.cancelOrder,
      getPayment: payments.getPayment,
      providerNames: () => payments.providers.names(),
    },
    mailer: createMailer(config.mail),
    ops: createOpsChannel({ webhookUrl: config.opsWebhookUrl, logger }),
    settings: { waitMs: config.checkout.waitMs, authorizationChecks: config.checkout.authorizationChecks, authorizationCheckBaseMs: config.checkout.authorizationCheckMs, publicUrl: config.publicUrl },
    orphanAfterSeconds: config.checkout.orphanAfterSeconds,
    orphanSchedule: config.schedules ? config.janitor.schedule : null,
    ...(options.onCheckoutStep ? { onStep: options.onCheckoutStep } : {}),
  });
  routes.push(checkout.routes);
  const rewards = createRewards({
    db: database.db,
    logger,
    databaseUrl: url,
    // A capture event's customer and merchant are the payment's metadata (docs/rewards.md#event-sources).
    payments: payments.getPayment,
    // Points expire just after midnight in Tokyo (15:05 UTC) (docs/rewards.md#point-expiry).
    expirySchedule: config.schedules ? '5 15 * * *' : null,
    settings: {
      pointValueYen: config.rewards.pointValueYen,
      eventsSecret: config.rewards.eventsSecret,
      eventsToleranceSeconds: config.rewards.eventsToleranceSeconds,
      outboxPollMs: config.rewards.outboxPollMs,
      nats: config.rewards.natsUrl
        ? { url: config.rewards.natsUrl, stream: config.rewards.natsStream, subject: config.rewards.natsSubject, durable: config.rewards.natsDurable }
        : null,
    },
  });
  routes.push(rewards.routes);
  const reconciliation = createReconciliation({
    db: database.db,
    pool: database.pool,
    logger,
    movements: payments.listMoneyMovements,
    evidenceDir: join(config.dataDir, 'evidence'),
    ops: createOpsChannel({ webhookUrl: config.opsWebhookUrl, logger }),
    publicUrl: config.publicUrl,
    fxRatesUrl: config.fxRatesUrl,
    // WeChat and Alipay publish yesterday's bills by 10:00 (UTC+8); reconcile after that.
    dailySchedule: config.schedules ? '30 3 * * *' : null,
  });
  routes.push(reconciliation.routes);
  const webhooks = createWebhooks({ db: database.db, logger, settings: config.webhooks, metrics, databaseUrl: url });
  routes.push(webhooks.routes);

  const useWorkflows = options.workflows ?? true;
  if (useWorkflows) {
    await launchWorkflows({
      lockPool: database.pool,
      databaseUrl: url,
      role: config.role,
      applicationVersion: VERSION,
      poolSize: config.dbPoolSize,
      logLevel: config.logLevel === 'silent' ? 'error' : 'warn',
      ...(options.executorId ? { executorId: options.executorId } : {}),
    });
    await payments.start();
    if (config.role !== 'api') await checkout.start();
    if (config.role !== 'api') await reconciliation.start();
    // `api` processes only serve; workers (and `all`) deliver webhooks.
    if (config.role !== 'api') webhooks.start();
    // Workers grant points: the payments outbox (and NATS when configured).
    if (config.role !== 'api') await rewards.startConsumers();
  }
  // The estimate answers from memory: processes that serve HTTP load the rewards snapshot first.
  if (config.role !== 'worker') await rewards.start();

  return {
    config,
    logger,
    database,
    databaseUrl: url,
    metrics,
    identity,
    payments,
    checkout,
    rewards,
    reconciliation,
    webhooks,
    routes,
    async readiness() {
      const checks: Record<string, string> = {};
      try {
        await database.pool.query('SELECT 1');
        checks.database = 'ok';
      } catch (err) {
        checks.database = (err as Error).message;
      }
      if (config.role !== 'worker') checks.rewards_snapshot = rewards.status();
      return checks;
    },
    async close() {
      await rewards.stop();
      await webhooks.stop();
      if (useWorkflows) await shutdownWorkflows();
      await database.close();
      await sandboxPool?.end();
      await embedded?.stop();
    },
  };
}
