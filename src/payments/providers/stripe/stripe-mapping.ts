import Stripe from 'stripe';
import type { ProviderOutcome, ProviderPaymentSnapshot, ProviderRefund } from '../provider.ts';
import { paymentIntentStatus, refundStatus } from './status-map.ts';

/** Every outcome that is not a success: what a thrown error turns into. */
export type ProviderFailure = Exclude<ProviderOutcome<never>, { outcome: 'succeeded' }>;

/** A request we refuse to send (it cannot be valid): nothing reached Stripe. */
export class LocalRequestError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'LocalRequestError';
    this.code = code;
  }
}

/** A Stripe answer we cannot read as money: the call happened, its result is unknown to us. */
export class UnreadableResponseError extends Error {
  override readonly name = 'UnreadableResponseError';
}

/**
 * Stripe units per ISO 4217 minor unit. ISO (and Kessai) give ISK no decimals, but Stripe's API
 * keeps it two-decimal for backwards compatibility (100 = 1 króna, multiples of 100 only).
 * Every other currency Stripe supports uses the ISO minor unit as is.
 */
const STRIPE_UNITS_PER_MINOR_UNIT: Readonly<Record<string, bigint>> = { ISK: 100n };

const factorOf = (currency: string) => STRIPE_UNITS_PER_MINOR_UNIT[currency.toUpperCase()] ?? 1n;

/** Our bigint minor units → the SDK's number, refusing anything a double cannot hold exactly. */
export function toStripeAmount(amount: bigint, currency: string): number {
  const units = amount * factorOf(currency);
  const value = Number(units);
  if (amount <= 0n || !Number.isSafeInteger(value)) {
    throw new LocalRequestError('amount_invalid', `amount must be a positive integer that Stripe can carry exactly, got ${amount} ${currency}`);
  }
  return value;
}

export function fromStripeAmount(value: number, currency: string, field: string): bigint {
  const factor = factorOf(currency);
  if (!Number.isSafeInteger(value) || value < 0 || BigInt(value) % factor !== 0n) {
    throw new UnreadableResponseError(`Stripe returned ${field}=${String(value)} ${currency}, not a whole number of minor units`);
  }
  return BigInt(value) / factor;
}

export function toSnapshot(pi: Stripe.PaymentIntent, charge: Stripe.Charge | null): ProviderPaymentSnapshot {
  const amountOf = (value: number, field: string) => fromStripeAmount(value, pi.currency, field);
  const amountCaptured = amountOf(pi.amount_received, 'amount_received');
  let status = paymentIntentStatus(pi.status);
  // Cancelling after some (multi)captures only releases the rest: money was still taken.
  if (status === 'voided' && amountCaptured > 0n) status = 'captured';
  const lastError = pi.last_payment_error;
  const declineCode = status === 'declined' ? (lastError?.decline_code || lastError?.code) : undefined;
  return {
    providerPaymentId: pi.id,
    status,
    currency: pi.currency.toUpperCase(),
    amountAuthorized: amountOf(pi.amount, 'amount'),
    amountCaptured,
    amountRefunded: charge ? amountOf(charge.amount_refunded, 'charge.amount_refunded') : 0n,
    ...(declineCode ? { declineCode } : {}),
    rawStatus: pi.status,
  };
}

export function toRefund(refund: Stripe.Refund): ProviderRefund {
  return {
    refundId: refund.id,
    status: refundStatus(refund.status),
    amount: fromStripeAmount(refund.amount, refund.currency, 'refund.amount'),
    rawStatus: refund.status ?? 'unknown',
  };
}

/**
 * Turns whatever a call threw into data. The rule that matters: only an answer in which Stripe
 * says it did nothing may become `declined` or `failed`; anything that leaves room for "it
 * happened but we did not hear" is `unknown`, which the janitor settles with the same key.
 */
export function outcomeOfError(err: unknown): ProviderFailure {
  if (err instanceof LocalRequestError) return { outcome: 'failed', code: err.code, message: err.message };
  if (err instanceof UnreadableResponseError) return { outcome: 'unknown', message: err.message };
  const E = Stripe.errors;
  if (err instanceof E.StripeCardError) {
    // `||`, not `??`: when the API sends no decline_code the SDK sets it to '' (not undefined).
    const declineCode = err.decline_code || err.code || 'card_declined';
    return { outcome: 'declined', declineCode, message: err.message };
  }
  // The key was first used for a different request; this one was not executed.
  if (err instanceof E.StripeIdempotencyError) return { outcome: 'failed', code: err.code ?? 'idempotency_error', message: err.message };
  // 429 was not executed either, but it is transient: a retry with the same key is the fix, and
  // reporting it as `failed` would make callers give up on a payment Stripe never refused.
  if (err instanceof E.StripeConnectionError || err instanceof E.StripeAPIError || err instanceof E.StripeRateLimitError) {
    return { outcome: 'unknown', message: err.message };
  }
  if (err instanceof E.StripeError) {
    const status = err.statusCode;
    if (status === undefined || status >= 500) return { outcome: 'unknown', message: err.message };
    // 401/403 carry no code; say what they are rather than the generic `invalid_request_error`.
    const kind = err instanceof E.StripeAuthenticationError ? 'authentication_error' : err instanceof E.StripePermissionError ? 'permission_error' : err.rawType;
    return { outcome: 'failed', code: err.code ?? kind ?? `http_${status}`, message: err.message };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { outcome: 'unknown', message: `unexpected error calling Stripe: ${message}` };
}
