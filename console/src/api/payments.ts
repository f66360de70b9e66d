import { api, newIdempotencyKey, withQuery } from './client.ts';
import type { Page, Payment, PaymentDetail, PaymentStatus } from './types.ts';

export interface PaymentFilters {
  status?: string;
  provider?: string;
  order_id?: string;
  needs_attention?: 'true' | 'false' | '';
  starting_after?: string;
  ending_before?: string;
}

export const PAGE_SIZE = 50;

export function listPayments(filters: PaymentFilters, signal?: AbortSignal): Promise<Page<Payment>> {
  return api(withQuery('/v1/payments', { ...filters, limit: PAGE_SIZE }), signal ? { signal } : {});
}

export function getPayment(id: string, signal?: AbortSignal): Promise<PaymentDetail> {
  return api(`/v1/payments/${encodeURIComponent(id)}`, signal ? { signal } : {});
}

export type PaymentAction = 'capture' | 'void' | 'refund' | 'increment_authorization';

const ACTION_PATHS: Record<PaymentAction, string> = {
  capture: 'capture',
  void: 'void',
  refund: 'refunds',
  increment_authorization: 'increment_authorization',
};

/**
 * One operator action. `idempotencyKey` is made when the action's dialog opens and kept while
 * the request body stays the same, so a retry after a lost response cannot act twice.
 */
export function runPaymentAction(
  id: string,
  action: PaymentAction,
  body: { amount?: number; final?: boolean },
  idempotencyKey: string = newIdempotencyKey(),
): Promise<unknown> {
  return api(`/v1/payments/${encodeURIComponent(id)}/${ACTION_PATHS[action]}`, { method: 'POST', body, idempotencyKey });
}

/** An admin's hand repair; amounts only when they change. Audited on the server. */
export interface RepairBody {
  status: PaymentStatus;
  reason: string;
  amount_authorized?: number;
  amount_captured?: number;
  amount_refunded?: number;
  close_open_operations?: boolean;
  clear_attention?: boolean;
}

export function repairPayment(id: string, body: RepairBody, idempotencyKey: string): Promise<unknown> {
  return api(`/v1/admin/payments/${encodeURIComponent(id)}/repair`, { method: 'POST', body, idempotencyKey });
}
