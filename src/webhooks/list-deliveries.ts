import type { WebhooksContext } from './context.ts';
import { presentDelivery } from './delivery-view.ts';
import { findEndpoint } from './get-endpoint.ts';
import type { DeliveryStatus } from './tables.ts';

export interface DeliveryFilter {
  status?: DeliveryStatus;
  limit: number;
  /** The previous page's `next_cursor`: newest first, ids are time-ordered. */
  startingAfter?: string;
}

export async function listDeliveries(ctx: WebhooksContext, endpointId: string, f: DeliveryFilter) {
  await findEndpoint(ctx, endpointId);
  let q = ctx.db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select('e.type as event_type')
    .where('d.endpoint_id', '=', endpointId)
    .orderBy('d.id', 'desc')
    .limit(f.limit + 1);
  if (f.status) q = q.where('d.status', '=', f.status);
  if (f.startingAfter) q = q.where('d.id', '<', f.startingAfter);
  const rows = await q.execute();
  const data = rows.slice(0, f.limit);
  const hasMore = rows.length > f.limit;
  return { data: data.map(presentDelivery), has_more: hasMore, next_cursor: hasMore ? data[data.length - 1]!.id : null };
}
