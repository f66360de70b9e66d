import { sql } from 'kysely';
import { newId } from '../db/index.ts';
import { appendEvent } from '../events/index.ts';
import { toMajorString } from '../money/index.ts';
import { actorLabel, type Trx } from './context.ts';
import type { CheckoutInput, PricedSnapshot } from './checkout-steps.ts';
import type { CheckoutRunContext } from './run-context.ts';

function confirmationText(input: CheckoutInput, priced: PricedSnapshot): string {
  const m = (v: string) => `${toMajorString(BigInt(v), input.currency)} ${input.currency}`;
  const a = input.request.shipping_address;
  return [
    `Dear ${input.request.customer.name},`,
    '',
    `thank you for your order ${input.orderId}.`,
    '',
    ...priced.lines.map((l) => `  ${l.quantity} × ${l.name} (${l.sku})  ${m(l.amount)}`),
    '',
    `  Subtotal  ${m(priced.subtotal)}`,
    `  Shipping  ${m(priced.shippingFee)}`,
    `  Total     ${m(priced.total)}`,
    '',
    'Shipping to:',
    `  ${a.name}`,
    `  ${a.line1}`,
    ...(a.line2 ? [`  ${a.line2}`] : []),
    `  ${a.postal_code} ${a.city}`,
    `  ${a.country}`,
    '',
  ].join('\r\n');
}

/**
 * Step `send-confirmation`, the run's last: the order confirmation mail, then (in one
 * transaction) its record, the order's history entry and the run marked completed. A mail
 * already recorded is never sent again (a re-run after a later failure). Should the process die
 * between the SMTP server's acceptance and the record, the step sends it again with the same
 * Message-ID: at least once, recognisably the same message.
 */
export async function sendOrderConfirmation(ctx: CheckoutRunContext, input: CheckoutInput, priced: PricedSnapshot): Promise<{ mailId: string; messageId: string }> {
  const recorded = await ctx.db.selectFrom('order_mails').select(['id', 'message_id']).where('order_id', '=', input.orderId).where('kind', '=', 'confirmation').executeTakeFirst();
  let mail = recorded ? { mailId: recorded.id, messageId: recorded.message_id } : null;
  if (!mail) {
    const subject = `Your order ${input.orderId} is confirmed`;
    const messageId = `<${input.orderId}.confirmation@kessai>`;
    const sent = await ctx.mailer.send({ to: input.request.customer.email, subject, text: confirmationText(input, priced), messageId });
    const mailId = newId('mail');
    mail = { mailId, messageId };
    await ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('order_mails')
        .values({ id: mailId, order_id: input.orderId, kind: 'confirmation', recipient: input.request.customer.email, subject, message_id: messageId, transport: sent.transport, file_name: sent.fileName })
        .execute();
      await trx.updateTable('orders').set({ confirmation_sent_at: sql`now()` }).where('id', '=', input.orderId).execute();
      await trx.insertInto('order_history').values({ order_id: input.orderId, type: 'confirmation_sent', data: JSON.stringify({ mail_id: mailId, to: input.request.customer.email }), actor: 'system' }).execute();
      await completeRun(trx, input);
    });
  } else {
    await ctx.db.transaction().execute((trx) => completeRun(trx, input));
  }
  return mail;
}

async function completeRun(trx: Trx, input: CheckoutInput): Promise<void> {
  const done = await trx
    .updateTable('checkouts')
    .set({ status: 'completed', failed_step: null, error: null, finished_at: sql`now()`, updated_at: sql`now()` })
    .where('id', '=', input.checkoutId)
    .where('status', '<>', 'completed')
    .returning('id')
    .executeTakeFirst();
  if (done) await appendEvent(trx, { type: 'checkout.completed', aggregateId: input.checkoutId, data: { order_id: input.orderId }, actor: actorLabel(input.actor) });
}
