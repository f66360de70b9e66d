import type { PaymentRow } from './tables.ts';

/** Capturable now: authorized, not captured, not being captured, and the payment still open. */
export function capturable(p: PaymentRow): bigint {
  if (p.status !== 'authorized' && p.status !== 'partially_captured') return 0n;
  return p.amount_authorized - p.amount_captured - p.amount_capturing;
}

export function refundable(p: PaymentRow): bigint {
  return p.amount_captured - p.amount_refunded - p.amount_refunding;
}

const n = (v: bigint) => Number(v); // amounts are ≤ 10^15, safe as JSON integers

/** The API's view of a payment. */
export function presentPayment(p: PaymentRow) {
  return {
    id: p.id,
    object: 'payment' as const,
    order_id: p.order_id,
    provider: p.provider,
    payment_method: p.payment_method,
    currency: p.currency,
    capture_method: p.capture_method,
    status: p.status,
    amount: n(p.amount),
    amount_authorized: n(p.amount_authorized),
    amount_captured: n(p.amount_captured),
    amount_refunded: n(p.amount_refunded),
    amount_capturable: n(capturable(p)),
    amount_refundable: n(refundable(p)),
    provider_payment_id: p.provider_payment_id,
    decline_code: p.decline_code,
    operation_in_progress: p.in_flight_operation_id,
    needs_attention: p.needs_attention,
    attention_reason: p.attention_reason,
    order_cancelled_at: p.order_cancelled_at?.toISOString() ?? null,
    delivered_at: p.delivered_at?.toISOString() ?? null,
    metadata: p.metadata,
    created_at: p.created_at.toISOString(),
    updated_at: p.updated_at.toISOString(),
  };
}

export type PaymentView = ReturnType<typeof presentPayment>;
