import type { Mailer, OpsChannel } from '../notify/index.ts';
import type { Actor, CheckoutContext } from './context.ts';

/** A payment as the checkout sees it (the payments domain's view, plain JSON). */
export interface CheckoutPayment {
  id: string;
  order_id: string;
  status: string;
  amount: number;
  amount_authorized: number;
  currency: string;
}

/**
 * What the checkout needs from the payments domain. The composition root (src/platform.ts)
 * passes the payments domain's own functions; the checkout never reaches into it.
 */
export interface CheckoutPayments {
  openPayment(
    input: { orderId: string; amount: bigint; currency: string; provider: string; paymentMethod: string; captureMethod: 'manual' | 'automatic'; metadata?: Record<string, string> },
    actor: Actor,
  ): Promise<CheckoutPayment>;
  authorizePayment(paymentId: string, actor: Actor): Promise<{ outcome: 'authorized' | 'declined' | 'failed' | 'unknown'; code: string | null; message: string | null; payment: CheckoutPayment }>;
  cancelOrder(orderId: string, actor: Actor): Promise<{ outcome: string; payment: CheckoutPayment }>;
  getPayment(paymentId: string): Promise<CheckoutPayment>;
  providerNames(): string[];
}

/** A step boundary, for metrics and for tests that crash the process at a precise point. */
export interface StepBoundary {
  checkoutId: string;
  step: string;
  phase: 'start' | 'end';
}

export interface CheckoutRunContext extends CheckoutContext {
  payments: CheckoutPayments;
  mailer: Mailer;
  ops: OpsChannel;
  settings: {
    /** How long a POST waits for the run before answering 202. */
    waitMs: number;
    /** Checks of an authorization whose answer was lost, before the run needs attention. */
    authorizationChecks: number;
    authorizationCheckBaseMs: number;
    publicUrl: string | undefined;
  };
  onStep?: (boundary: StepBoundary) => void | Promise<void>;
}
