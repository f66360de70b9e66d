import { KessaiError } from '../errors/index.ts';
import { listEvents } from '../events/index.ts';
import type { PaymentsContext } from './context.ts';
import { presentPayment } from './payment-view.ts';
import { PAYMENT_STATUSES, type PaymentRow, type PaymentStatus } from './tables.ts';

/** The id of the order's live payment (a declined attempt does not count). */
export async function livePaymentIdOfOrder(ctx: PaymentsContext, orderId: string): Promise<string> {
  const row = await ctx.db.selectFrom('payments').select('id').where('order_id', '=', orderId).where('status', '<>', 'declined').executeTakeFirst();
  if (!row) throw new KessaiError('KS_ERR_ORDER_NOT_FOUND', `No payment for order ${orderId}`);
  return row.id;
}

export async function findPayment(ctx: PaymentsContext, paymentId: string): Promise<PaymentRow> {
  const payment = await ctx.db.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirst();
  if (!payment) throw new KessaiError('KS_ERR_PAYMENT_NOT_FOUND', `No payment ${paymentId}`);
  return payment;
}

/** A payment with its timeline (events) and the provider operations made for it. */
export async function getPaymentDetails(ctx: PaymentsContext, paymentId: string) {
  const payment = await findPayment(ctx, paymentId);
  const [events, operations] = await Promise.all([
    listEvents(ctx.db, paymentId),
    ctx.db.selectFrom('payment_operations').selectAll().where('payment_id', '=', paymentId).orderBy('created_at').orderBy('id').execute(),
  ]);
  return {
    ...presentPayment(payment),
    timeline: events.map((e) => ({ id: e.id, type: e.type, data: e.data, actor: e.actor, created_at: e.createdAt.toISOString() })),
    operations: operations.map((o) => ({
      id: o.id,
      kind: o.kind,
      amount: Number(o.amount),
      status: o.status,
      provider_reference: o.provider_reference,
      decline_code: o.decline_code,
      failure_code: o.failure_code,
      error: o.error,
      attempts: o.attempts,
      next_attempt_at: o.next_attempt_at?.toISOString() ?? null,
      created_at: o.created_at.toISOString(),
      completed_at: o.completed_at?.toISOString() ?? null,
    })),
  };
}

export interface PaymentFilter {
  status?: PaymentStatus;
  provider?: string;
  orderId?: string;
  needsAttention?: boolean;
  currency?: string;
  createdFrom?: Date;
  createdTo?: Date;
  limit: number;
  /** Cursor: the id of the last payment of the previous page (ids are time-ordered). */
  startingAfter?: string;
  /** Cursor back: the id of the first payment of the page after this one. */
  endingBefore?: string;
}

/**
 * A page of payments, newest first. `startingAfter` pages on to older payments, `endingBefore`
 * back to newer ones; `next_cursor` and `prev_cursor` say whether there is a page that way.
 */
export async function listPayments(ctx: PaymentsContext, f: PaymentFilter) {
  let q = ctx.db.selectFrom('payments').selectAll();
  if (f.status) q = q.where('status', '=', f.status);
  if (f.provider) q = q.where('provider', '=', f.provider);
  if (f.orderId) q = q.where('order_id', '=', f.orderId);
  if (f.currency) q = q.where('currency', '=', f.currency);
  if (f.needsAttention !== undefined) q = q.where('needs_attention', '=', f.needsAttention);
  if (f.createdFrom) q = q.where('created_at', '>=', f.createdFrom);
  if (f.createdTo) q = q.where('created_at', '<', f.createdTo);
  if (f.endingBefore) {
    const rows = await q.where('id', '>', f.endingBefore).orderBy('id', 'asc').limit(f.limit + 1).execute();
    const page = rows.slice(0, f.limit).reverse();
    const older = page.length > 0 ? page[page.length - 1]!.id : null;
    return { data: page.map(presentPayment), has_more: older !== null, next_cursor: older, prev_cursor: rows.length > f.limit ? page[0]!.id : null };
  }
  const rows = await (f.startingAfter ? q.where('id', '<', f.startingAfter) : q).orderBy('id', 'desc').limit(f.limit + 1).execute();
  const page = rows.slice(0, f.limit);
  const newer = f.startingAfter && page.length > 0 ? await q.select((eb) => eb.lit(1).as('one')).where('id', '>', page[0]!.id).limit(1).executeTakeFirst() : undefined;
  return {
    data: page.map(presentPayment),
    has_more: rows.length > f.limit,
    next_cursor: rows.length > f.limit ? page[page.length - 1]!.id : null,
    prev_cursor: newer ? page[0]!.id : null,
  };
}

export function isPaymentStatus(value: string): value is PaymentStatus {
  return (PAYMENT_STATUSES as readonly string[]).includes(value);
}
