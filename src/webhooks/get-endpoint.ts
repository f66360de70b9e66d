import { KessaiError } from '../errors/index.ts';
import type { WebhooksContext } from './context.ts';
import { presentEndpoint } from './endpoint-view.ts';
import type { EndpointRow } from './tables.ts';

/** A live (not removed) endpoint, or KS_ERR_WEBHOOK_ENDPOINT_NOT_FOUND. */
export async function findEndpoint(ctx: WebhooksContext, endpointId: string): Promise<EndpointRow> {
  const row = await ctx.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', endpointId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw new KessaiError('KS_ERR_WEBHOOK_ENDPOINT_NOT_FOUND', `No webhook endpoint ${endpointId}`);
  return row;
}

export async function getEndpoint(ctx: WebhooksContext, endpointId: string) {
  return presentEndpoint(await findEndpoint(ctx, endpointId));
}

/** Newest first; `startingAfter` is the previous page's `next_cursor` (ids are time-ordered). */
export async function listEndpoints(ctx: WebhooksContext, page: { limit: number; startingAfter?: string; enabled?: boolean }) {
  let q = ctx.db.selectFrom('webhook_endpoints').selectAll().where('deleted_at', 'is', null).orderBy('id', 'desc').limit(page.limit + 1);
  if (page.enabled !== undefined) q = q.where('enabled', '=', page.enabled);
  if (page.startingAfter) q = q.where('id', '<', page.startingAfter);
  const rows = await q.execute();
  const data = rows.slice(0, page.limit);
  const hasMore = rows.length > page.limit;
  return { data: data.map((r) => presentEndpoint(r)), has_more: hasMore, next_cursor: hasMore ? data[data.length - 1]!.id : null };
}
