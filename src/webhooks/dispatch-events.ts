import { sql } from 'kysely';
import { newId } from '../db/index.ts';
import type { WebhooksContext } from './context.ts';
import { matchesEventType } from './event-types.ts';

export interface DispatchReport {
  /** Events taken from the outbox (each is dispatched once, whether or not anyone wants it). */
  events: number;
  deliveries: number;
}

/**
 * Fans undispatched events out to the enabled endpoints that want them, as one delivery per
 * endpoint and event, and marks the events dispatched, all in one transaction. Events are
 * claimed with `FOR UPDATE SKIP LOCKED`, so dispatchers in several processes share the work
 * without ever taking the same event; the unique (endpoint, event) pair is a second guard.
 * An endpoint gets only events created after it was.
 */
export async function dispatchEvents(ctx: WebhooksContext, options: { limit?: number } = {}): Promise<DispatchReport> {
  const limit = options.limit ?? 500;
  const report = await ctx.db.transaction().execute(async (trx) => {
    const { rows: events } = await sql<{ id: string; type: string }>`
      SELECT id, type FROM events
      WHERE dispatched_at IS NULL
      ORDER BY seq
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED`.execute(trx);
    if (events.length === 0) return { events: 0, deliveries: 0 };
    const eventIds = events.map((e) => e.id);

    const { rows: candidates } = await sql<{ event_id: string; endpoint_id: string; event_types: string[] }>`
      SELECT e.id AS event_id, ep.id AS endpoint_id, ep.event_types
      FROM events e
      JOIN webhook_endpoints ep ON ep.enabled AND ep.deleted_at IS NULL AND ep.created_at <= e.created_at
      WHERE e.id = ANY(${eventIds}::text[])
      ORDER BY ep.id`.execute(trx);
    const byEvent = new Map<string, typeof candidates>();
    for (const c of candidates) {
      const list = byEvent.get(c.event_id);
      if (list) list.push(c);
      else byEvent.set(c.event_id, [c]);
    }

    // Ids are generated in event order, so an endpoint's deliveries sort as its events do.
    const ids: string[] = [];
    const endpointIds: string[] = [];
    const deliveryEventIds: string[] = [];
    for (const event of events) {
      for (const c of byEvent.get(event.id) ?? []) {
        if (!matchesEventType(c.event_types, event.type)) continue;
        ids.push(newId('whd'));
        endpointIds.push(c.endpoint_id);
        deliveryEventIds.push(event.id);
      }
    }
    let inserted = 0;
    if (ids.length > 0) {
      const result = await sql`
        INSERT INTO webhook_deliveries (id, endpoint_id, event_id, status)
        SELECT id, endpoint_id, event_id, 'pending'
        FROM unnest(${ids}::text[], ${endpointIds}::text[], ${deliveryEventIds}::text[]) AS d (id, endpoint_id, event_id)
        ON CONFLICT (endpoint_id, event_id) DO NOTHING`.execute(trx);
      inserted = Number(result.numAffectedRows ?? 0n);
    }
    await sql`UPDATE events SET dispatched_at = now() WHERE id = ANY(${eventIds}::text[])`.execute(trx);
    return { events: events.length, deliveries: inserted };
  });
  if (report.events > 0) ctx.metrics.dispatched(report.events, report.deliveries);
  return report;
}
