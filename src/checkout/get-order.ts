import { KessaiError } from '../errors/index.ts';
import type { CheckoutRunContext } from './run-context.ts';
import type { OrderRow } from './tables.ts';

const n = (v: bigint) => Number(v);

export function presentOrder(o: OrderRow) {
  return {
    id: o.id,
    object: 'order' as const,
    status: o.status,
    checkout_id: o.checkout_id,
    cart_id: o.cart_id,
    customer: o.customer,
    shipping_address: o.shipping_address,
    currency: o.currency,
    subtotal: n(o.subtotal),
    shipping_fee: n(o.shipping_fee),
    total: n(o.total),
    payment_id: o.payment_id,
    confirmation_sent_at: o.confirmation_sent_at?.toISOString() ?? null,
    created_at: o.created_at.toISOString(),
  };
}

export async function findOrder(ctx: CheckoutRunContext, orderId: string): Promise<OrderRow> {
  const row = await ctx.db.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
  if (!row) throw new KessaiError('KS_ERR_ORDER_NOT_FOUND', `No order ${orderId}`);
  return row;
}

/** An order with its lines, history, mails and its payment as it stands now. */
export async function getOrder(ctx: CheckoutRunContext, orderId: string) {
  const order = await findOrder(ctx, orderId);
  const [lines, history, mails, payment] = await Promise.all([
    ctx.db.selectFrom('order_lines').selectAll().where('order_id', '=', orderId).orderBy('sku').execute(),
    ctx.db.selectFrom('order_history').selectAll().where('order_id', '=', orderId).orderBy('id').execute(),
    ctx.db.selectFrom('order_mails').selectAll().where('order_id', '=', orderId).orderBy('sent_at').execute(),
    order.payment_id ? ctx.payments.getPayment(order.payment_id) : Promise.resolve(null),
  ]);
  return {
    ...presentOrder(order),
    lines: lines.map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantity, unit_price: n(l.unit_price), amount: n(l.amount), weight_grams: l.weight_grams })),
    history: history.map((h) => ({ type: h.type, data: h.data, actor: h.actor, at: h.at.toISOString() })),
    mails: mails.map((m) => ({ id: m.id, kind: m.kind, recipient: m.recipient, subject: m.subject, message_id: m.message_id, transport: m.transport, has_file: m.file_name !== null, sent_at: m.sent_at.toISOString() })),
    payment,
  };
}

export async function listOrders(ctx: CheckoutRunContext, filter: { limit: number; startingAfter?: string }) {
  let q = ctx.db.selectFrom('orders').selectAll();
  if (filter.startingAfter) {
    const after = await findOrder(ctx, filter.startingAfter);
    q = q.where((eb) => eb.or([eb('created_at', '<', after.created_at), eb.and([eb('created_at', '=', after.created_at), eb('id', '<', after.id)])]));
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit + 1).execute();
  const page = rows.slice(0, filter.limit);
  return { data: page.map(presentOrder), has_more: rows.length > filter.limit, next_cursor: rows.length > filter.limit ? page.at(-1)!.id : null };
}

/** A mail as sent (`.eml`, from the development file transport). */
export async function getOrderMailFile(ctx: CheckoutRunContext, orderId: string, mailId: string): Promise<Buffer> {
  const mail = await ctx.db.selectFrom('order_mails').selectAll().where('order_id', '=', orderId).where('id', '=', mailId).executeTakeFirst();
  if (!mail) throw new KessaiError('KS_ERR_MAIL_NOT_FOUND', `No mail ${mailId} for order ${orderId}`);
  const file = mail.file_name ? await ctx.mailer.readFile(mail.file_name) : null;
  if (!file) throw new KessaiError('KS_ERR_MAIL_NOT_FOUND', `Mail ${mailId} was sent by ${mail.transport}; no copy is kept`, { transport: mail.transport });
  return file;
}
