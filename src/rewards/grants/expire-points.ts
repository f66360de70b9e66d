import { sql } from 'kysely';
import { newId } from '../../db/index.ts';
import { appendEvents } from '../../events/index.ts';
import type { RewardsContext } from '../context.ts';
import { lockPayments } from './lookups.ts';

export interface ExpiryReport {
  /** Grants whose remaining points expired in this run. */
  grants: number;
  points: number;
}

const CHUNK = 500;

/**
 * Expires the points of every grant whose `expires_at` is at or before `at` (the job's clock:
 * now, or a moved clock in tests), oldest first (by `expires_at`, then grant id): each such grant
 * loses what is left of it after reversals — one `expired` ledger row, once (the ledger's unique
 * key (grant, kind, reference) and `points_expired` make a re-run or a run after a crash a no-op
 * for the grants already done), and `reward.expired` for the customer's webhook. Chunks of 500
 * grants, each in a transaction under the payments' locks — the lock refunds take — and the
 * grants' row locks, so a refund and the expiry of one grant never interleave. The row occurs at
 * `max(now, at)`: never in a period that has already closed. Expiry gives nothing back to the caps
 * or the budget: those count points granted, and these were.
 */
export async function expirePoints(ctx: RewardsContext, at: Date = new Date()): Promise<ExpiryReport> {
  const report: ExpiryReport = { grants: 0, points: 0 };
  let after: { expiresAt: Date; id: string } | null = null;
  for (;;) {
    const cursor = after;
    const due: Array<{ id: string; payment_id: string; expires_at: Date | null }> = await ctx.db
      .selectFrom('reward_grants')
      .select(['id', 'payment_id', 'expires_at'])
      .where('expires_at', 'is not', null)
      .where('points_expired', '=', 0n)
      .where('expires_at', '<=', at)
      .where(sql<boolean>`points > points_reversed`)
      .$if(cursor !== null, (q) => q.where(sql<boolean>`(expires_at, id) > (${cursor!.expiresAt}, ${cursor!.id})`))
      .orderBy('expires_at')
      .orderBy('id')
      .limit(CHUNK)
      .execute();
    if (due.length === 0) return report;
    const last = due[due.length - 1]!;
    after = { expiresAt: last.expires_at!, id: last.id };
    const done = await expireChunk(ctx, due, at);
    report.grants += done.grants;
    report.points += done.points;
    if (due.length < CHUNK) return report;
  }
}

async function expireChunk(ctx: RewardsContext, due: Array<{ id: string; payment_id: string }>, at: Date): Promise<ExpiryReport> {
  return ctx.db.transaction().execute(async (trx) => {
    await lockPayments(trx, due.map((g) => g.payment_id));
    // Under the locks, again: a refund may have reversed everything, a parallel run expired it.
    const grants = await trx
      .selectFrom('reward_grants')
      .selectAll()
      .where('id', 'in', due.map((g) => g.id))
      .where('points_expired', '=', 0n)
      .where(sql<boolean>`points > points_reversed`)
      .orderBy('expires_at')
      .orderBy('id')
      .forUpdate()
      .execute();
    if (grants.length === 0) return { grants: 0, points: 0 };
    const occurredAt = sql<Date>`greatest(now(), ${at}::timestamptz)`;
    const written = await trx
      .insertInto('reward_ledger_entries')
      .values(grants.map((g) => ({
        id: newId('rle'),
        customer_id: g.customer_id,
        campaign_id: g.campaign_id,
        grant_id: g.id,
        kind: 'expired' as const,
        points: g.points - g.points_reversed,
        funding_party: g.funding_party,
        occurred_at: occurredAt,
      })))
      .onConflict((oc) => oc.constraint('reward_ledger_entries_once').doNothing())
      .returning(['grant_id', 'points'])
      .execute();
    if (written.length === 0) return { grants: 0, points: 0 };
    const expired = new Map(written.map((w) => [w.grant_id!, w.points]));
    await sql`
      UPDATE reward_grants g SET points_expired = d.points, updated_at = now()
      FROM unnest(${[...expired.keys()]}::text[], ${[...expired.values()].map(String)}::bigint[]) AS d(id, points)
      WHERE g.id = d.id`.execute(trx);
    const done = grants.filter((g) => expired.has(g.id));
    await appendEvents(trx, done.map((g) => ({
      type: 'reward.expired',
      aggregateId: g.customer_id,
      data: { grant_id: g.id, campaign_id: g.campaign_id, payment_id: g.payment_id, customer_id: g.customer_id, points: expired.get(g.id)!, expires_at: g.expires_at },
    })));
    return { grants: done.length, points: done.reduce((s, g) => s + Number(expired.get(g.id)!), 0) };
  });
}
