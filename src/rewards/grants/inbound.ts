import { KessaiError } from '../../errors/index.ts';
import { exponentOf } from '../../money/index.ts';
import type { EventSource } from '../tables.ts';

/**
 * The two events the grant reacts to, whatever their source (the payments outbox,
 * `POST /v1/events`, NATS JetStream): already checked, in the model's types. Every source may
 * deliver an event many times and in any order; the use cases make that harmless.
 */
export interface SettledEvent {
  type: 'payment.settled';
  source: EventSource;
  /** The source's id of the event (kept for tracing; the payment id is what makes it once). */
  eventId: string;
  paymentId: string;
  customerId: string;
  /** Minor units of `currency`: what was settled. */
  amount: bigint;
  currency: string;
  merchantId: string;
  paymentMethod: string;
  /** When the payment was made: picks the campaign version, its period and the cap month. */
  paidAt: Date;
  settledAt: Date;
}

export interface RefundedEvent {
  type: 'payment.refunded';
  source: EventSource;
  eventId: string;
  paymentId: string;
  /** Unique per payment: each refund is reversed once. */
  refundId: string;
  /** Minor units: this refund's amount (not the running total). */
  amount: bigint;
  currency: string;
  refundedAt: Date;
}

export type RewardInboundEvent = SettledEvent | RefundedEvent;

const ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
const METHOD = /^[a-z][a-z0-9_.-]{0,31}$/;
const MAX_AMOUNT = 1_000_000_000_000_000;

function invalid(field: string, message: string): never {
  throw new KessaiError('KS_ERR_VALIDATION', message, { field });
}

function id(data: Record<string, unknown>, name: string, prefix: string, pattern = ID): string {
  const v = data[name];
  if (typeof v !== 'string' || !pattern.test(v)) invalid(`${prefix}${name}`, `${prefix}${name} must be an id (letters, digits, ._:@-)`);
  return v;
}

function amount(data: Record<string, unknown>, name: string, prefix: string, min: number): bigint {
  const v = data[name];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > MAX_AMOUNT) invalid(`${prefix}${name}`, `${prefix}${name} must be an integer in minor units, at least ${min}`);
  return BigInt(v);
}

function time(data: Record<string, unknown>, name: string, prefix: string): Date {
  const v = data[name];
  const d = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? new Date(v) : null;
  if (d === null || Number.isNaN(d.getTime())) invalid(`${prefix}${name}`, `${prefix}${name} must be an RFC 3339 time`);
  return d;
}

function currency(data: Record<string, unknown>, prefix: string): string {
  const v = data.currency;
  if (typeof v !== 'string' || !/^[A-Z]{3}$/.test(v)) invalid(`${prefix}currency`, `${prefix}currency must be an ISO 4217 code`);
  exponentOf(v);
  return v;
}

/**
 * An event from outside (`POST /v1/events`, NATS) as JSON:
 * `{"id", "type": "payment.settled" | "payment.refunded", "data": {…}}` (docs/rewards.md#event-sources).
 */
export function parseInboundEvent(body: unknown, source: EventSource): RewardInboundEvent {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) invalid('', 'The event must be a JSON object');
  const e = body as Record<string, unknown>;
  const eventId = id(e, 'id', '');
  const data = e.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) invalid('data', 'data must be an object');
  const d = data as Record<string, unknown>;
  if (e.type === 'payment.settled') {
    return {
      type: 'payment.settled',
      source,
      eventId,
      paymentId: id(d, 'payment_id', 'data.'),
      customerId: id(d, 'customer_id', 'data.'),
      amount: amount(d, 'amount', 'data.', 0),
      currency: currency(d, 'data.'),
      merchantId: id(d, 'merchant_id', 'data.'),
      paymentMethod: id(d, 'payment_method', 'data.', METHOD),
      paidAt: time(d, 'paid_at', 'data.'),
      settledAt: time(d, 'settled_at', 'data.'),
    };
  }
  if (e.type === 'payment.refunded') {
    return {
      type: 'payment.refunded',
      source,
      eventId,
      paymentId: id(d, 'payment_id', 'data.'),
      refundId: id(d, 'refund_id', 'data.'),
      amount: amount(d, 'amount', 'data.', 1),
      currency: currency(d, 'data.'),
      refundedAt: time(d, 'refunded_at', 'data.'),
    };
  }
  invalid('type', 'type must be payment.settled or payment.refunded');
}
