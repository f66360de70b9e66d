import { KessaiError } from '../errors/index.ts';
import type { Actor, WebhooksContext } from './context.ts';
import { newWebhookSecret } from './create-endpoint.ts';
import { auditEndpointChange } from './endpoint-input.ts';
import { presentEndpoint, type EndpointView } from './endpoint-view.ts';

/**
 * A new signing secret, used for every attempt claimed from now on, retries of older deliveries
 * included. The old secret is not used again (beyond attempts already under way).
 */
export async function rotateSecret(ctx: WebhooksContext, endpointId: string, actor: Actor): Promise<EndpointView> {
  const row = await ctx.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('webhook_endpoints')
      .set({ secret: newWebhookSecret(), updated_at: new Date() })
      .where('id', '=', endpointId)
      .where('deleted_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!updated) throw new KessaiError('KS_ERR_WEBHOOK_ENDPOINT_NOT_FOUND', `No webhook endpoint ${endpointId}`);
    await auditEndpointChange(trx, actor, 'webhook_endpoint.rotate_secret', { type: 'webhook_endpoint', id: endpointId });
    return updated;
  });
  return presentEndpoint(row, { withSecret: true });
}
