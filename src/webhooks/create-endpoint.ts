import { newId, newSecret } from '../db/index.ts';
import type { Actor, WebhooksContext } from './context.ts';
import { auditEndpointChange, parseEndpointUrl } from './endpoint-input.ts';
import { presentEndpoint, type EndpointView } from './endpoint-view.ts';
import { normalizeEventTypes } from './event-types.ts';

export interface CreateEndpointInput {
  url: string;
  eventTypes: string[];
  description?: string;
}

export function newWebhookSecret(): string {
  return newSecret('whsec', 32);
}

/**
 * A new endpoint receives the events created from now on (never older ones). Its signing secret
 * is in this answer and the rotation's only.
 */
export async function createEndpoint(ctx: WebhooksContext, input: CreateEndpointInput, actor: Actor): Promise<EndpointView> {
  const url = parseEndpointUrl(input.url, ctx.settings);
  const row = await ctx.db.transaction().execute(async (trx) => {
    const created = await trx
      .insertInto('webhook_endpoints')
      .values({
        id: newId('whe'),
        url,
        secret: newWebhookSecret(),
        event_types: normalizeEventTypes(input.eventTypes),
        description: input.description ?? '',
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await auditEndpointChange(trx, actor, 'webhook_endpoint.create', { type: 'webhook_endpoint', id: created.id }, { url, event_types: created.event_types });
    return created;
  });
  return presentEndpoint(row, { withSecret: true });
}
