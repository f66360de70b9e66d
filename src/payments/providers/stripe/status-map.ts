import type Stripe from 'stripe';
import type { ProviderPaymentSnapshot, ProviderRefund } from '../provider.ts';

/**
 * The SDK types statuses as `'a' | 'b' | OtherString` so that new API values don't break callers.
 * Stripping `OtherString` leaves exactly the statuses the installed SDK knows: when an SDK
 * upgrade adds one, the maps below stop compiling until somebody decides what it means to us.
 */
type KnownLiterals<T> = T extends string ? (string extends T ? never : T) : never;

export type StripePaymentIntentStatus = KnownLiterals<Stripe.PaymentIntent.Status>;

/** The SDK types `Refund.status` as a bare string, so the documented values are listed here. */
export const STRIPE_REFUND_STATUSES = ['pending', 'requires_action', 'succeeded', 'failed', 'canceled'] as const;
export type StripeRefundStatus = (typeof STRIPE_REFUND_STATUSES)[number];

type SnapshotStatus = ProviderPaymentSnapshot['status'];

export const PAYMENT_INTENT_STATUS_MAP: Readonly<Record<StripePaymentIntentStatus, SnapshotStatus>> = {
  // We always create with confirm=true, so a PaymentIntent that wants a payment method is one
  // whose confirmation failed: the card was declined and nothing is held.
  requires_payment_method: 'declined',
  requires_confirmation: 'pending',
  // 3-D Secure or similar is outstanding: nothing is held until the customer completes it.
  requires_action: 'pending',
  processing: 'pending',
  requires_capture: 'authorized',
  canceled: 'voided',
  succeeded: 'captured',
};

export const REFUND_STATUS_MAP: Readonly<Record<StripeRefundStatus, ProviderRefund['status']>> = {
  pending: 'pending',
  requires_action: 'pending',
  succeeded: 'succeeded',
  failed: 'failed',
  // A canceled refund moved no money back, which is a failed refund from our side.
  canceled: 'failed',
};

// `Object.hasOwn` rather than `in` or indexing: a status such as "constructor" must not find
// something on Object.prototype.
export function paymentIntentStatus(raw: string): SnapshotStatus {
  return Object.hasOwn(PAYMENT_INTENT_STATUS_MAP, raw) ? PAYMENT_INTENT_STATUS_MAP[raw as StripePaymentIntentStatus] : 'pending';
}

export function refundStatus(raw: string | null | undefined): ProviderRefund['status'] {
  return raw != null && Object.hasOwn(REFUND_STATUS_MAP, raw) ? REFUND_STATUS_MAP[raw as StripeRefundStatus] : 'pending';
}
