import type { Updateable } from 'kysely';
import type { ProviderOutcome, ProviderPaymentSnapshot, ProviderRefund } from './providers/provider.ts';
import type { OperationRow, OperationStatus, PaymentRow, PaymentStatus, PaymentsTable } from './tables.ts';

/**
 * The payment state machine, as one pure function: given an operation, the payment as it is,
 * and what the provider answered, it says how the payment and the operation change and which
 * events are written. Use cases and the status-sync janitor both settle operations through it,
 * and docs/payments.md is checked against STATUS_TRANSITIONS below.
 */
export type Outcome = ProviderOutcome<ProviderPaymentSnapshot> | ProviderOutcome<ProviderRefund>;

export interface Transition {
  payment: Updateable<PaymentsTable>;
  operation: { status: OperationStatus; provider_reference?: string | null; decline_code?: string | null; failure_code?: string | null; error?: string | null };
  events: Array<{ type: string; data: Record<string, unknown> }>;
  /** The operation is over (succeeded or failed): the payment's in-flight marker is released. */
  final: boolean;
}

/**
 * Every status change a payment can make, by operation and outcome. docs/payments.md is checked
 * against this list (test/docs.test.ts), and transition.test.ts checks the list against the code:
 * entries without `by` are made by transition() below; `by: 'order-change'` marks the changes
 * apply-order-change.ts makes itself, without a provider call.
 */
export const STATUS_TRANSITIONS: ReadonlyArray<{ from: PaymentStatus; to: PaymentStatus; on: string; by?: 'order-change' }> = [
  { from: 'pending', to: 'authorized', on: 'authorize succeeded (manual capture)' },
  { from: 'pending', to: 'captured', on: 'authorize succeeded (automatic capture)' },
  { from: 'pending', to: 'declined', on: 'authorize declined or failed' },
  { from: 'requires_authorization', to: 'authorized', on: 'authorize succeeded (order total 0 → more)' },
  { from: 'requires_authorization', to: 'captured', on: 'authorize succeeded (order total 0 → more, automatic capture)' },
  { from: 'voided', to: 'authorized', on: 'authorize succeeded (order total 0 → more)' },
  { from: 'authorized', to: 'authorized', on: 'increment or reauthorize succeeded' },
  { from: 'authorized', to: 'partially_captured', on: 'capture succeeded, not final' },
  { from: 'authorized', to: 'captured', on: 'capture succeeded, final' },
  { from: 'partially_captured', to: 'partially_captured', on: 'capture succeeded, not final' },
  { from: 'partially_captured', to: 'partially_captured', on: 'refund succeeded (before the final capture)' },
  { from: 'partially_captured', to: 'captured', on: 'capture succeeded, final' },
  { from: 'partially_captured', to: 'partially_refunded', on: 'capture succeeded, final, after a refund' },
  { from: 'authorized', to: 'voided', on: 'void succeeded' },
  { from: 'requires_authorization', to: 'voided', on: 'order cancelled with nothing authorized', by: 'order-change' },
  { from: 'captured', to: 'partially_refunded', on: 'refund succeeded, some left' },
  { from: 'captured', to: 'refunded', on: 'refund succeeded, all refunded' },
  { from: 'partially_refunded', to: 'partially_refunded', on: 'refund succeeded, some left' },
  { from: 'partially_refunded', to: 'refunded', on: 'refund succeeded, all refunded' },
];

const num = (v: bigint) => Number(v);

function unknown(op: OperationRow, outcome: { message: string }): Transition {
  return {
    payment: {},
    operation: { status: 'unknown', error: outcome.message },
    events: [{ type: 'payment.operation_unknown', data: { operation_id: op.id, kind: op.kind, amount: op.amount, message: outcome.message } }],
    final: false,
  };
}

function refused(op: OperationRow, p: PaymentRow, outcome: Extract<Outcome, { outcome: 'declined' | 'failed' }>, release: Updateable<PaymentsTable>): Transition {
  const code = outcome.outcome === 'declined' ? outcome.declineCode : outcome.code;
  const initialAuthorization = op.kind === 'authorize' && p.status === 'pending' && op.params.order_change_id === undefined;
  return {
    payment: initialAuthorization ? { ...release, status: 'declined', decline_code: code } : release,
    operation: { status: 'failed', decline_code: outcome.outcome === 'declined' ? code : null, failure_code: outcome.outcome === 'failed' ? code : null, error: outcome.message },
    events: [
      {
        type: initialAuthorization ? 'payment.declined' : `payment.${op.kind}_failed`,
        data: { operation_id: op.id, amount: op.amount, outcome: outcome.outcome, code, message: outcome.message },
      },
    ],
    final: true,
  };
}

function orderAmount(op: OperationRow): Updateable<PaymentsTable> {
  return op.params.order_amount === undefined ? {} : { amount: BigInt(op.params.order_amount) };
}

function afterCapture(p: PaymentRow, final: boolean): PaymentStatus {
  if (!final) return 'partially_captured';
  return p.amount_refunded > 0n ? 'partially_refunded' : 'captured';
}

function afterRefund(p: PaymentRow, refunded: bigint): PaymentStatus {
  if (p.status === 'partially_captured' || p.status === 'authorized') return p.status;
  return refunded === p.amount_captured ? 'refunded' : 'partially_refunded';
}

export function transition(op: OperationRow, p: PaymentRow, outcome: Outcome): Transition {
  if (outcome.outcome === 'unknown') return unknown(op, outcome);
  if (outcome.outcome === 'succeeded' && 'status' in outcome.value && outcome.value.status === 'pending' && op.kind !== 'refund') {
    return unknown(op, { message: `provider reports ${outcome.value.rawStatus}` });
  }
  const base = { operation_id: op.id, kind: op.kind, amount: op.amount };

  switch (op.kind) {
    case 'authorize':
    case 'reauthorize': {
      if (outcome.outcome !== 'succeeded') return refused(op, p, outcome, {});
      const snap = outcome.value as ProviderPaymentSnapshot;
      if (snap.status === 'declined') return refused(op, p, { outcome: 'declined', declineCode: snap.declineCode ?? 'declined', message: snap.rawStatus }, {});
      // Found by a status query after the provider had already cancelled it: nothing is held.
      if (snap.status === 'voided') return refused(op, p, { outcome: 'failed', code: 'authorization_cancelled', message: snap.rawStatus }, {});
      const captured = snap.status === 'captured';
      const events = [
        { type: op.kind === 'reauthorize' ? 'payment.reauthorized' : 'payment.authorized', data: { ...base, provider_payment_id: snap.providerPaymentId, replaced: op.replaces_reference } },
      ];
      if (captured) events.push({ type: 'payment.captured', data: { ...base, provider_payment_id: snap.providerPaymentId, replaced: null } });
      return {
        payment: {
          ...orderAmount(op),
          status: captured ? 'captured' : 'authorized',
          amount_authorized: snap.amountAuthorized,
          amount_captured: captured ? snap.amountCaptured : 0n,
          provider_payment_id: snap.providerPaymentId,
          decline_code: null,
        },
        operation: { status: 'succeeded', provider_reference: snap.providerPaymentId },
        events,
        final: true,
      };
    }
    case 'increment_authorization': {
      if (outcome.outcome !== 'succeeded') return refused(op, p, outcome, {});
      const snap = outcome.value as ProviderPaymentSnapshot;
      return {
        payment: { ...orderAmount(op), amount_authorized: snap.amountAuthorized },
        operation: { status: 'succeeded' },
        events: [{ type: 'payment.authorization_increased', data: { ...base, previous: p.amount_authorized, amount_authorized: snap.amountAuthorized } }],
        final: true,
      };
    }
    case 'capture': {
      const release = { amount_capturing: p.amount_capturing - op.amount };
      // A refused capture leaves the payment to the next capture batch (its claim is released).
      if (outcome.outcome !== 'succeeded') return refused(op, p, outcome, { ...release, capture_batch_id: null });
      const final = op.params.final ?? true;
      return {
        payment: { ...release, amount_captured: p.amount_captured + op.amount, status: afterCapture(p, final) },
        operation: { status: 'succeeded' },
        events: [{ type: 'payment.captured', data: { ...base, final, amount_captured: p.amount_captured + op.amount } }],
        final: true,
      };
    }
    case 'void': {
      if (op.replaces_reference) {
        // Releasing the hold a re-authorization replaced: the payment itself does not change.
        if (outcome.outcome === 'succeeded') {
          return { payment: {}, operation: { status: 'succeeded' }, events: [{ type: 'payment.replaced_authorization_voided', data: { ...base, provider_payment_id: op.replaces_reference } }], final: true };
        }
        const failed = refused(op, p, outcome, { needs_attention: true, attention_reason: `The replaced authorization ${op.replaces_reference} could not be voided` });
        return failed;
      }
      if (outcome.outcome !== 'succeeded') return refused(op, p, outcome, {});
      return {
        payment: {
          ...orderAmount(op),
          status: 'voided',
          ...(op.params.cancels_order ? { order_cancelled_at: new Date() } : {}),
        },
        operation: { status: 'succeeded' },
        events: [{ type: 'payment.voided', data: { ...base, amount_released: p.amount_authorized - p.amount_captured } }],
        final: true,
      };
    }
    case 'refund': {
      const release = { amount_refunding: p.amount_refunding - op.amount };
      if (outcome.outcome !== 'succeeded') return refused(op, p, outcome, release);
      const refund = outcome.value as ProviderRefund;
      if (refund.status === 'failed') return refused(op, p, { outcome: 'failed', code: 'refund_failed', message: refund.rawStatus }, release);
      if (refund.status === 'pending') return unknown(op, { message: 'the provider has not finished the refund' });
      const refunded = p.amount_refunded + op.amount;
      return {
        payment: { ...release, amount_refunded: refunded, status: afterRefund(p, refunded) },
        operation: { status: 'succeeded', provider_reference: refund.refundId },
        events: [{ type: 'payment.refunded', data: { ...base, refund_id: refund.refundId, amount_refunded: num(refunded) } }],
        final: true,
      };
    }
  }
}
