import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { withDomainTables, type Db } from '../db/index.ts';
import { DBOS } from '../workflows/index.ts';
import { registerCaptureBatch, type CaptureBatchSettings } from './capture-batch.ts';
import type { PaymentsContext } from './context.ts';
import type { PaymentProvider } from './providers/provider.ts';
import { ProviderRegistry } from './providers/registry.ts';
import { adminRoutes } from './routes/admin-routes.ts';
import { ordersRoutes } from './routes/orders-routes.ts';
import { paymentsRoutes } from './routes/payments-routes.ts';
import { providerWebhooksRoutes } from './routes/provider-webhooks-routes.ts';
import { syncPendingOperations } from './sync-payments.ts';
import { authorizePayment } from './authorize-payment.ts';
import type { Actor } from './context.ts';
import type { CreatePaymentInput } from './create-payment.ts';
import { findPayment } from './get-payment.ts';
import { openPayment } from './open-payment.ts';
import { applyOrderChange } from './order-changes/apply-order-change.ts';
import { presentPayment } from './payment-view.ts';
import { listMoneyMovements, type MoneyMovementQuery } from './list-money-movements.ts';
import type { PaymentsTables } from './tables.ts';

export type { PaymentProvider, ProviderCapabilities, ProviderOutcome, ProviderPaymentSnapshot } from './providers/provider.ts';
export { createSandboxProvider } from './providers/sandbox/sandbox-adapter.ts';
export { createStripeProvider } from './providers/stripe/stripe-adapter.ts';
export { STATUS_TRANSITIONS } from './transition.ts';
export { PAYMENT_STATUSES, type PaymentStatus } from './tables.ts';
export { ORDER_CHANGE_RULES, decideOrderChange } from './order-changes/decide-order-change.ts';
export type { BatchResult } from './capture-batch.ts';
export type { SyncReport } from './sync-payments.ts';
export type { AuthorizationOutcome } from './authorize-payment.ts';
export type { CreatePaymentInput } from './create-payment.ts';
export type { PaymentView } from './payment-view.ts';
export type { MoneyMovement, MoneyMovementQuery } from './list-money-movements.ts';

export interface PaymentsDeps {
  db: Db;
  logger: Logger;
  providers: PaymentProvider[];
  pendingAfterSeconds: number;
  capture: Pick<CaptureBatchSettings, 'ratePerSecond' | 'maxAttempts'> & Partial<CaptureBatchSettings>;
  schedules: { capture: string; janitor: string } | null;
}

/**
 * The payments domain. Registers its workflows with DBOS when created (before launch); `start`
 * registers queues and schedules once DBOS runs.
 */
export function createPayments(deps: PaymentsDeps) {
  const registry = new ProviderRegistry();
  for (const p of deps.providers) registry.register(p);
  const ctx: PaymentsContext = {
    db: withDomainTables<PaymentsTables>(deps.db),
    providers: registry,
    logger: deps.logger,
    settings: { pendingAfterSeconds: deps.pendingAfterSeconds, captureMaxAttempts: deps.capture.maxAttempts },
  };
  const captureBatch = registerCaptureBatch(ctx, { retryBaseMs: 1000, claimPageSize: 1000, workerConcurrency: 8, callParallelism: 8, ...deps.capture });

  const scheduledCapture = DBOS.registerWorkflow(
    async (scheduledAt: Date) => {
      const batchId = `capb_scheduled_${scheduledAt.toISOString()}`;
      await DBOS.runStep(async () => (await captureBatch.start(batchId)).workflowID, { name: 'start-batch' });
    },
    { name: 'payments.scheduledCapture' },
  );
  const scheduledSync = DBOS.registerWorkflow(
    async (_scheduledAt: Date) => {
      await DBOS.runStep(() => syncPendingOperations(ctx), { name: 'sync' });
    },
    { name: 'payments.scheduledSync' },
  );

  return {
    context: ctx,
    providers: registry,
    captureBatch,
    sync: (options?: { ignoreBackoff?: boolean; limit?: number }) => syncPendingOperations(ctx, options),
    /** The checkout's confirm screen: the order's payment, not yet authorized; idempotent per order. */
    openPayment: async (input: CreatePaymentInput, actor: Actor) => presentPayment(await openPayment(ctx, input, actor)),
    /** The purchase: authorizes an opened payment; never twice; declines are data. */
    authorizePayment: async (paymentId: string, actor: Actor) => {
      const r = await authorizePayment(ctx, paymentId, actor);
      return { outcome: r.outcome, operationId: r.operationId, code: r.code, message: r.message, payment: presentPayment(r.payment) };
    },
    /** Cancels an order's payment (an order change `cancel`): voids it, or closes it when nothing was authorized. */
    cancelOrder: async (orderId: string, actor: Actor) => {
      const r = await applyOrderChange(ctx, orderId, { kind: 'cancel', amount: 0n }, actor);
      return { outcome: r.outcome, payment: presentPayment(r.payment) };
    },
    getPayment: async (paymentId: string) => presentPayment(await findPayment(ctx, paymentId)),
    /** Settled captures and refunds in a time window, a page at a time (read-only; the reconciliation's source). */
    listMoneyMovements: (query: MoneyMovementQuery) => listMoneyMovements(ctx, query),
    async start(): Promise<void> {
      await captureBatch.registerQueues(registry.names());
      if (deps.schedules) {
        await DBOS.applySchedules([
          { scheduleName: 'payments.capture', workflowFn: scheduledCapture, schedule: deps.schedules.capture },
          { scheduleName: 'payments.sync', workflowFn: scheduledSync, schedule: deps.schedules.janitor },
        ]);
      }
    },
    async routes(app: FastifyInstance): Promise<void> {
      await paymentsRoutes(app, ctx);
      await ordersRoutes(app, ctx);
      await adminRoutes(app, { ctx, captureBatch });
      await app.register(async (scope) => providerWebhooksRoutes(scope, ctx));
    },
  };
}

export type Payments = ReturnType<typeof createPayments>;
