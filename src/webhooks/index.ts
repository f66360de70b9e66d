import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { Agent } from 'undici';
import { guardedLookup } from './address-policy.ts';
import { withDomainTables, type Db } from '../db/index.ts';
import type { WebhookSettings, WebhooksContext } from './context.ts';
import { deliverDueWebhooks } from './deliver-due.ts';
import { dispatchEvents } from './dispatch-events.ts';
import { createWebhookMetrics } from './metrics.ts';
import { deliveriesRoutes } from './routes/deliveries-routes.ts';
import { endpointsRoutes } from './routes/endpoints-routes.ts';
import type { WebhooksTables } from './tables.ts';
import { startWebhookWorker, type WebhookWorker, type WebhookWorkerOptions } from './worker.ts';

export { SIGNATURE_HEADER, signWebhookPayload, verifyWebhookSignature } from './signature.ts';
export { matchesEventType } from './event-types.ts';
export type { WebhookSettings } from './context.ts';
export type { DispatchReport } from './dispatch-events.ts';
export type { DeliveryReport } from './deliver-due.ts';

export interface WebhooksDeps {
  db: Db;
  logger: Logger;
  settings: WebhookSettings;
  /** Where the delivery metrics go (none when absent). */
  metrics?: Registry;
  /** For LISTEN wake-ups; without it the worker only polls. */
  databaseUrl?: string;
}

/**
 * Outgoing webhooks: endpoints subscribe to domain events from the outbox; the worker fans
 * events out to them and delivers each, signed, with retries. `start` runs the worker (in
 * `worker` and `all` processes); `dispatch` and `deliverDue` run one round by hand.
 */
export function createWebhooks(deps: WebhooksDeps) {
  const ctx: WebhooksContext = {
    db: withDomainTables<WebhooksTables>(deps.db),
    logger: deps.logger.child({ component: 'webhooks' }),
    settings: deps.settings,
    metrics: createWebhookMetrics(deps.metrics),
    dispatcher: new Agent(deps.settings.allowPrivateNetworks ? {} : { connect: { lookup: guardedLookup() } }),
  };
  let worker: WebhookWorker | null = null;
  return {
    context: ctx,
    dispatch: (options?: { limit?: number }) => dispatchEvents(ctx, options),
    deliverDue: (options?: { limit?: number }) => deliverDueWebhooks(ctx, options),
    start(options: Omit<WebhookWorkerOptions, 'databaseUrl'> = {}): void {
      worker ??= startWebhookWorker(ctx, { ...options, ...(deps.databaseUrl ? { databaseUrl: deps.databaseUrl } : {}) });
    },
    async stop(): Promise<void> {
      const w = worker;
      worker = null;
      await w?.stop();
    },
    async routes(app: FastifyInstance): Promise<void> {
      await endpointsRoutes(app, ctx);
      await deliveriesRoutes(app, ctx);
    },
  };
}

export type Webhooks = ReturnType<typeof createWebhooks>;
