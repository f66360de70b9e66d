import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { WebhooksContext } from './context.ts';

export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  url: string;
  secret: string;
  /** Attempts made before this one. */
  attempts: number;
  /** The claim: outcomes are recorded only while the delivery's lease is still this one. */
  leaseId: string;
  event: { id: string; type: string; aggregateId: string; createdAt: Date; data: Record<string, unknown> };
}

/** Slack on top of the time the sends before it may take, for each claimed delivery. */
const LEASE_MARGIN_MS = 10_000;

/**
 * Claims due deliveries of enabled endpoints, oldest first, for this caller alone: the rows are
 * locked with `SKIP LOCKED` (concurrent claimers take different ones) and leased by setting
 * `locked_until`, so nobody else claims them until the lease ends. A claimer sends one endpoint's
 * deliveries one after another, so each lease covers the sends before it too. Deliveries of
 * `excludeEndpointIds` (endpoints this process is already sending to) are left alone.
 */
export async function claimDueDeliveries(
  ctx: WebhooksContext,
  options: { limit: number; excludeEndpointIds?: readonly string[] },
): Promise<ClaimedDelivery[]> {
  const leaseId = randomUUID();
  const perSendMs = ctx.settings.timeoutMs + 1000;
  const exclude = [...(options.excludeEndpointIds ?? [])];
  const { rows } = await sql<{
    id: string;
    endpoint_id: string;
    attempts: number;
    position: number;
    url: string;
    secret: string;
    event_id: string;
    event_type: string;
    event_aggregate_id: string;
    event_created_at: Date;
    event_data: Record<string, unknown>;
  }>`
    WITH due AS MATERIALIZED (
      SELECT d.id, d.endpoint_id, d.next_attempt_at
      FROM webhook_deliveries d
      JOIN webhook_endpoints ep ON ep.id = d.endpoint_id
      WHERE d.status = 'pending'
        AND d.next_attempt_at <= now()
        AND (d.locked_until IS NULL OR d.locked_until <= now())
        AND ep.enabled AND ep.deleted_at IS NULL
        AND d.endpoint_id <> ALL(${exclude}::text[])
      ORDER BY d.next_attempt_at, d.id
      LIMIT ${options.limit}
      FOR UPDATE OF d SKIP LOCKED
    ), ranked AS (
      SELECT id, (row_number() OVER (PARTITION BY endpoint_id ORDER BY next_attempt_at, id))::int AS position FROM due
    )
    UPDATE webhook_deliveries d
    SET locked_until = now() + (ranked.position * ${perSendMs} + ${LEASE_MARGIN_MS}) * interval '1 millisecond',
        lease_id = ${leaseId}
    FROM ranked, events e, webhook_endpoints ep
    WHERE d.id = ranked.id AND e.id = d.event_id AND ep.id = d.endpoint_id
    RETURNING d.id, d.endpoint_id, d.attempts, ranked.position, ep.url, ep.secret,
              e.id AS event_id, e.type AS event_type, e.aggregate_id AS event_aggregate_id, e.created_at AS event_created_at, e.data AS event_data`.execute(ctx.db);
  rows.sort((a, b) => (a.endpoint_id === b.endpoint_id ? a.position - b.position : a.endpoint_id < b.endpoint_id ? -1 : 1));
  return rows.map((r) => ({
    id: r.id,
    endpointId: r.endpoint_id,
    url: r.url,
    secret: r.secret,
    attempts: r.attempts,
    leaseId,
    event: { id: r.event_id, type: r.event_type, aggregateId: r.event_aggregate_id, createdAt: r.event_created_at, data: r.event_data },
  }));
}

/** The claimed deliveries by endpoint, each endpoint's in the order they are to be sent. */
export function groupByEndpoint(claimed: readonly ClaimedDelivery[]): ClaimedDelivery[][] {
  const groups = new Map<string, ClaimedDelivery[]>();
  for (const c of claimed) {
    const list = groups.get(c.endpointId);
    if (list) list.push(c);
    else groups.set(c.endpointId, [c]);
  }
  return [...groups.values()];
}

/** Gives deliveries back unsent (shutdown): they are due again at once, for any worker. */
export async function releaseDeliveries(ctx: WebhooksContext, deliveries: readonly ClaimedDelivery[]): Promise<void> {
  if (deliveries.length === 0) return;
  await ctx.db
    .updateTable('webhook_deliveries')
    .set({ locked_until: null, lease_id: null })
    .where('id', 'in', deliveries.map((d) => d.id))
    .where('lease_id', 'in', [...new Set(deliveries.map((d) => d.leaseId))])
    .execute();
}
