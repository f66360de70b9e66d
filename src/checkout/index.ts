import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { withDomainTables, type Db } from '../db/index.ts';
import { commitStock } from './commit-stock.ts';
import type { Actor } from './context.ts';
import { deleteCart } from './delete-cart.ts';
import { getCart } from './get-cart.ts';
import { releaseStock } from './release-stock.ts';
import { reserveStock } from './reserve-stock.ts';
import { getReservation } from './reservations.ts';
import { cartsRoutes } from './routes/carts-routes.ts';
import { productsRoutes } from './routes/products-routes.ts';
import { shippingRulesRoutes } from './routes/shipping-rules-routes.ts';
import type { CheckoutTables } from './tables.ts';
import { registerCheckoutWorkflow } from './checkout-workflow.ts';
import { startCheckout, waitForRun } from './start-checkout.ts';
import { resumeOrphanedCheckouts } from './resume-orphaned-checkouts.ts';
import { DBOS } from '../workflows/index.ts';
import type { CheckoutRequest } from './tables.ts';
import { checkoutsRoutes } from './routes/checkouts-routes.ts';
import type { CheckoutPayments, CheckoutRunContext, StepBoundary } from './run-context.ts';
import type { Mailer, OpsChannel } from '../notify/index.ts';

export { computeShippingFee, type Parcel, type ShippingBand, type ShippingQuote, type ShippingRule } from './shipping-fee.ts';
export type { StockReservation } from './reservations.ts';
export type { CartView } from './price-cart.ts';
export type { ProductView } from './product-view.ts';
export type { Actor as CheckoutActor } from './context.ts';
export { RESERVATION_STATUSES, CHECKOUT_STATUSES, type ReservationStatus, type CheckoutStatus } from './tables.ts';
export { CHECKOUT_STEPS, COMPENSATION_STEPS, ATTENTION_STEPS } from './checkout-workflow.ts';
export type { CheckoutPayments, CheckoutPayment, StepBoundary } from './run-context.ts';
export type { CheckoutView } from './checkout-view.ts';
export type { CheckoutRequest } from './tables.ts';

export interface CheckoutDeps {
  db: Db;
  logger: Logger;
  payments: CheckoutPayments;
  mailer: Mailer;
  ops: OpsChannel;
  settings: CheckoutRunContext['settings'];
  /** Runs older than this with no workflow (their process died before starting it) are started. */
  orphanAfterSeconds: number;
  /** Cron schedule of the orphan sweep; null: only at start. */
  orphanSchedule: string | null;
  /** Called at every step's start and end (metrics; tests crash the process there). */
  onStep?: (boundary: StepBoundary) => void | Promise<void>;
}

/**
 * The catalog the checkout needs (products and their stock, shipping-fee rules, carts) and the
 * stock reservations it makes (docs/catalog.md), and the checkout run: a durable workflow from
 * cart to order (docs/checkout.md).
 */
export function createCheckout(deps: CheckoutDeps) {
  const ctx: CheckoutRunContext = {
    db: withDomainTables<CheckoutTables>(deps.db),
    logger: deps.logger.child({ component: 'checkout' }),
    payments: deps.payments,
    mailer: deps.mailer,
    ops: deps.ops,
    settings: deps.settings,
    ...(deps.onStep ? { onStep: deps.onStep } : {}),
  };
  // Registered before DBOS launches (the composition root creates domains first).
  const workflow = registerCheckoutWorkflow(ctx);
  const sweep = DBOS.registerWorkflow(
    async (_scheduledAt: Date) => {
      await DBOS.runStep(() => resumeOrphanedCheckouts(ctx, workflow, deps.orphanAfterSeconds), { name: 'resume-orphans' });
    },
    { name: 'checkout.resumeOrphans' },
  );
  return {
    context: ctx,
    getCart: (cartId: string) => getCart(ctx, cartId),
    /** Soft-deletes a cart (idempotent); refused while its stock is reserved. */
    deleteCart: (cartId: string, actor?: Actor) => deleteCart(ctx, cartId, actor),
    /** Every line of the cart or none; idempotent per reservation id; `KS_ERR_OUT_OF_STOCK` names the SKU. */
    reserveStock: (cartId: string, reservationId: string, actor?: Actor) => reserveStock(ctx, cartId, reservationId, actor),
    /** Reserved → available; idempotent; null when the id reserved nothing. */
    releaseStock: (reservationId: string, actor?: Actor) => releaseStock(ctx, reservationId, actor),
    /** Reserved → sold; idempotent. */
    commitStock: (reservationId: string, actor?: Actor) => commitStock(ctx, reservationId, actor),
    getReservation: (reservationId: string) => getReservation(ctx.db, reservationId),
    /** Starts a cart's checkout run (or finds the live one); `waitForRun` waits for its end. */
    startCheckout: (cartId: string, request: CheckoutRequest, actor: Actor) => startCheckout(ctx, workflow, cartId, request, actor),
    waitForRun,
    resumeOrphanedCheckouts: () => resumeOrphanedCheckouts(ctx, workflow, deps.orphanAfterSeconds),
    /** Once DBOS runs: the orphan sweep now, and on its schedule. */
    async start(): Promise<void> {
      await resumeOrphanedCheckouts(ctx, workflow, deps.orphanAfterSeconds);
      if (deps.orphanSchedule) await DBOS.applySchedules([{ scheduleName: 'checkout.resumeOrphans', workflowFn: sweep, schedule: deps.orphanSchedule }]);
    },
    async routes(app: FastifyInstance): Promise<void> {
      await productsRoutes(app, ctx);
      await shippingRulesRoutes(app, ctx);
      await cartsRoutes(app, ctx);
      await checkoutsRoutes(app, ctx, workflow);
    },
  };
}

export type Checkout = ReturnType<typeof createCheckout>;
