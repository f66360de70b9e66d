import type { DomainEvent } from '../events/index.ts';
import type { CheckoutRow } from './tables.ts';

export interface StepView {
  name: string;
  status: 'succeeded' | 'failed';
  error: { code: string; message: string } | null;
  started_at: string | null;
  completed_at: string | null;
}

const amount = (v: bigint | null) => (v === null ? null : Number(v));

/** The API's view of a checkout run. */
export function presentCheckout(row: CheckoutRow, steps: StepView[] | null = null, events: DomainEvent[] | null = null) {
  return {
    id: row.id,
    object: 'checkout' as const,
    cart_id: row.cart_id,
    attempt: row.attempt,
    status: row.status,
    order_id: row.status === 'completed' || row.money_taken ? row.order_id : null,
    payment_id: row.payment_id,
    currency: row.currency,
    subtotal: amount(row.subtotal),
    shipping_fee: amount(row.shipping_fee),
    total: amount(row.total),
    money_taken: row.money_taken,
    failed_step: row.failed_step,
    error: row.error,
    reruns: row.reruns,
    attention_since: row.attention_since?.toISOString() ?? null,
    customer: row.request.customer,
    shipping_address: row.request.shipping_address,
    provider: row.request.provider,
    payment_method: row.request.payment_method,
    capture_method: row.request.capture_method,
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    finished_at: row.finished_at?.toISOString() ?? null,
    ...(steps ? { steps } : {}),
    ...(events ? { timeline: events.map((e) => ({ id: e.id, type: e.type, data: e.data, actor: e.actor, created_at: e.createdAt.toISOString() })) } : {}),
  };
}

export type CheckoutView = ReturnType<typeof presentCheckout>;
