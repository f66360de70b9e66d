import { sql } from 'kysely';
import { appendEvent } from '../events/index.ts';
import type { PaymentsContext } from './context.ts';
import { flagPayment, syncPendingOperations } from './sync-payments.ts';

export interface WebhookReceipt {
  received: true;
  duplicate: boolean;
  payment_id: string | null;
  action: 'none' | 'synced' | 'flagged';
}

/**
 * A verified provider webhook is a hint, not a command: our books change only through the same
 * state machine as every other answer. Open operations on the payment are re-checked now;
 * with none open, the provider's view is compared with ours and a difference is flagged.
 */
export async function receiveProviderWebhook(ctx: PaymentsContext, providerName: string, rawBody: Buffer, headers: Record<string, string | string[] | undefined>): Promise<WebhookReceipt> {
  const provider = ctx.providers.get(providerName);
  if (!provider.parseWebhook) throw new Error(`${providerName} does not send webhooks`);
  const hook = provider.parseWebhook(rawBody, headers);

  let q = ctx.db.selectFrom('payments').selectAll();
  if (hook.reference) q = q.where('id', '=', hook.reference);
  else if (hook.providerPaymentId) q = q.where('provider_payment_id', '=', hook.providerPaymentId);
  else q = q.where(sql<boolean>`false`);
  const payment = await q.executeTakeFirst();

  const inserted = await ctx.db
    .insertInto('provider_webhook_events')
    .values({ provider: providerName, event_id: hook.eventId, type: hook.type, payment_id: payment?.id ?? null })
    .onConflict((oc) => oc.doNothing())
    .returning('event_id')
    .executeTakeFirst();
  if (!inserted) return { received: true, duplicate: true, payment_id: payment?.id ?? null, action: 'none' };
  if (!payment) return { received: true, duplicate: false, payment_id: null, action: 'none' };

  await appendEvent(ctx.db, { type: 'payment.provider_webhook', aggregateId: payment.id, data: { provider: providerName, event_id: hook.eventId, type: hook.type }, actor: `provider:${providerName}` });
  const report = await syncPendingOperations(ctx, { paymentId: payment.id, ignoreBackoff: true });
  if (report.checked > 0) {
    return { received: true, duplicate: false, payment_id: payment.id, action: 'synced' };
  }
  if (!payment.provider_payment_id || !provider.capabilities.statusQuery) return { received: true, duplicate: false, payment_id: payment.id, action: 'none' };
  const theirs = await provider.findAuthorization({ idempotencyKey: '', reference: payment.id, providerPaymentId: payment.provider_payment_id });
  if (theirs.outcome !== 'succeeded' || !theirs.value) return { received: true, duplicate: false, payment_id: payment.id, action: 'none' };
  const s = theirs.value;
  const differs = s.amountCaptured !== payment.amount_captured || s.amountRefunded !== payment.amount_refunded || (s.status === 'voided') !== (payment.status === 'voided');
  if (!differs) return { received: true, duplicate: false, payment_id: payment.id, action: 'none' };
  const reason = `${providerName} reports ${s.rawStatus} (captured ${s.amountCaptured}, refunded ${s.amountRefunded}); Kessai has ${payment.status} (captured ${payment.amount_captured}, refunded ${payment.amount_refunded})`;
  await flagPayment(ctx, payment.id, reason);
  return { received: true, duplicate: false, payment_id: payment.id, action: 'flagged' };
}
