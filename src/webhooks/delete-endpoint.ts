import { KessaiError } from '../errors/index.ts';
import type { Actor, WebhooksContext } from './context.ts';
import { auditEndpointChange } from './endpoint-input.ts';

/**
 * Removes an endpoint: it gets nothing more, disappears from the API, and its pending deliveries
 * end `failed`. The rows stay, for the history of what was sent.
 */
export async function deleteEndpoint(ctx: WebhooksContext, endpointId: string, actor: Actor) {
  return ctx.db.transaction().execute(async (trx) => {
    const removed = await trx
      .updateTable('webhook_endpoints')
      .set({ deleted_at: new Date(), enabled: false, updated_at: new Date() })
      .where('id', '=', endpointId)
      .where('deleted_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!removed) throw new KessaiError('KS_ERR_WEBHOOK_ENDPOINT_NOT_FOUND', `No webhook endpoint ${endpointId}`);
    const cancelled = await trx
      .updateTable('webhook_deliveries')
      .set({ status: 'failed', last_error: 'endpoint removed', locked_until: null, lease_id: null, updated_at: new Date() })
      .where('endpoint_id', '=', endpointId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    const pending = Number(cancelled.numUpdatedRows);
    await auditEndpointChange(trx, actor, 'webhook_endpoint.delete', { type: 'webhook_endpoint', id: endpointId }, { pending_deliveries_cancelled: pending });
    return { id: endpointId, object: 'webhook_endpoint' as const, deleted: true as const };
  });
}
