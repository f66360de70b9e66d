import { sql } from 'kysely';
import { KessaiError } from '../errors/index.ts';
import type { Actor, WebhooksContext } from './context.ts';
import { presentDelivery, type DeliveryView } from './delivery-view.ts';
import { auditEndpointChange } from './endpoint-input.ts';
import { WAKE_CHANNEL } from './wake-ups.ts';

/**
 * Sends a delivery again, now: a failed (or succeeded) one starts a fresh series of attempts; a
 * pending one waiting for its back-off is made due at once. One being sent right now is left to
 * finish. The endpoint must be enabled.
 */
export async function retryDelivery(ctx: WebhooksContext, deliveryId: string, actor: Actor): Promise<DeliveryView> {
  const row = await ctx.db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as ep', 'ep.id', 'd.endpoint_id')
      .select(['d.id', 'd.status', 'ep.enabled', 'ep.deleted_at'])
      .select(sql<boolean>`d.locked_until IS NOT NULL AND d.locked_until > now()`.as('leased'))
      .where('d.id', '=', deliveryId)
      .forUpdate('d')
      .executeTakeFirst();
    if (!current || current.deleted_at) throw new KessaiError('KS_ERR_WEBHOOK_DELIVERY_NOT_FOUND', `No webhook delivery ${deliveryId}`);
    if (!current.enabled) throw new KessaiError('KS_ERR_WEBHOOK_ENDPOINT_DISABLED', 'Enable the endpoint before retrying its deliveries');
    const inFlight = current.status === 'pending' && current.leased;
    if (!inFlight) {
      await trx
        .updateTable('webhook_deliveries')
        .set({
          status: 'pending',
          next_attempt_at: sql<Date>`now()`,
          locked_until: null,
          lease_id: null,
          updated_at: new Date(),
          ...(current.status === 'pending' ? {} : { attempts: 0, delivered_at: null }),
        })
        .where('id', '=', deliveryId)
        .execute();
      await sql`SELECT pg_notify(${WAKE_CHANNEL}, '')`.execute(trx);
    }
    await auditEndpointChange(trx, actor, 'webhook_delivery.retry', { type: 'webhook_delivery', id: deliveryId }, { previous_status: current.status });
    return trx
      .selectFrom('webhook_deliveries as d')
      .innerJoin('events as e', 'e.id', 'd.event_id')
      .selectAll('d')
      .select('e.type as event_type')
      .where('d.id', '=', deliveryId)
      .executeTakeFirstOrThrow();
  });
  return presentDelivery(row);
}
