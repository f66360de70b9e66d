import { KessaiError } from '../errors/index.ts';
import type { Actor, WebhooksContext } from './context.ts';
import { auditEndpointChange, parseEndpointUrl } from './endpoint-input.ts';
import { presentEndpoint, type EndpointView } from './endpoint-view.ts';
import { normalizeEventTypes } from './event-types.ts';

export interface UpdateEndpointInput {
  url?: string;
  eventTypes?: string[];
  enabled?: boolean;
  description?: string;
}

/**
 * Changes apply to events dispatched from now on. A disabled endpoint gets no new deliveries and
 * its pending ones wait; enabled again, those resume (events from the time between are skipped).
 */
export async function updateEndpoint(ctx: WebhooksContext, endpointId: string, input: UpdateEndpointInput, actor: Actor): Promise<EndpointView> {
  const changes = {
    ...(input.url !== undefined ? { url: parseEndpointUrl(input.url, ctx.settings) } : {}),
    ...(input.eventTypes !== undefined ? { event_types: normalizeEventTypes(input.eventTypes) } : {}),
    ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
  };
  const row = await ctx.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('webhook_endpoints')
      .set({ ...changes, updated_at: new Date() })
      .where('id', '=', endpointId)
      .where('deleted_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!updated) throw new KessaiError('KS_ERR_WEBHOOK_ENDPOINT_NOT_FOUND', `No webhook endpoint ${endpointId}`);
    await auditEndpointChange(trx, actor, 'webhook_endpoint.update', { type: 'webhook_endpoint', id: endpointId }, changes);
    return updated;
  });
  return presentEndpoint(row);
}
