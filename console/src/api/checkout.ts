import { ApiError, api, newIdempotencyKey, withQuery, type ApiErrorBody } from './client.ts';
import type { Checkout, CheckoutDetail, CheckoutStatus, Order, OrderDetail, Page } from './types.ts';

export const CHECKOUT_PAGE_SIZE = 50;

export interface CheckoutFilters {
  /** Empty: every run, newest first. `needs_attention`: the operators' queue, oldest first. */
  status?: CheckoutStatus | '';
  cart_id?: string;
  starting_after?: string;
}

export function listCheckouts(filters: CheckoutFilters, signal?: AbortSignal): Promise<Page<Checkout>> {
  return api(withQuery('/v1/checkouts', { ...filters, limit: CHECKOUT_PAGE_SIZE }), signal ? { signal } : {});
}

export function getCheckout(id: string, signal?: AbortSignal): Promise<CheckoutDetail> {
  return api(`/v1/checkouts/${encodeURIComponent(id)}`, signal ? { signal } : {});
}

/**
 * Re-runs a run that needs attention from its failed step. The server answers once the run has
 * stopped or after its wait: 201 completed, 202 still running or needing attention again.
 * `idempotencyKey`: one per operator action, kept only to retry a request whose answer was lost.
 */
export function rerunCheckout(id: string, note: string, idempotencyKey: string = newIdempotencyKey()): Promise<CheckoutDetail> {
  const body = note.trim() ? { note: note.trim() } : {};
  return api(`/v1/checkouts/${encodeURIComponent(id)}/rerun`, { method: 'POST', body, idempotencyKey });
}

export interface OrderFilters {
  starting_after?: string;
}

export function listOrders(filters: OrderFilters, signal?: AbortSignal): Promise<Page<Order>> {
  return api(withQuery('/v1/orders', { ...filters, limit: CHECKOUT_PAGE_SIZE }), signal ? { signal } : {});
}

export function getOrder(id: string, signal?: AbortSignal): Promise<OrderDetail> {
  return api(`/v1/orders/${encodeURIComponent(id)}`, signal ? { signal } : {});
}

/** Where the raw `.eml` of an order's mail is served (for a download link). */
export function orderMailRawPath(orderId: string, mailId: string): string {
  return `/v1/orders/${encodeURIComponent(orderId)}/mails/${encodeURIComponent(mailId)}/raw`;
}

/** The mail as sent (`message/rfc822`), as text. Errors come as the API's JSON errors. */
export async function getOrderMailText(orderId: string, mailId: string, signal?: AbortSignal): Promise<string> {
  let response: Response;
  try {
    response = await fetch(orderMailRawPath(orderId, mailId), { credentials: 'same-origin', headers: { accept: 'message/rfc822, application/json' }, ...(signal ? { signal } : {}) });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, { code: 'NETWORK_ERROR', message: 'The Kessai server could not be reached. Check the connection and retry.' });
  }
  const text = await response.text();
  if (response.ok) return text;
  let body: ApiErrorBody = { code: `HTTP_${response.status}`, message: response.statusText || 'The server answered with an error' };
  try {
    body = (JSON.parse(text) as { error?: ApiErrorBody }).error ?? body;
  } catch {
    // not JSON: keep the status line
  }
  throw new ApiError(response.status, body);
}
