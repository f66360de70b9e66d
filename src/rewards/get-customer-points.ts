import { sql } from 'kysely';
import { KessaiError } from '../errors/index.ts';
import type { RewardsContext } from './context.ts';
import { LEDGER_KINDS, type LedgerEntryRow, type LedgerKind } from './tables.ts';

export function presentLedgerEntry(e: LedgerEntryRow) {
  return {
    id: e.id,
    kind: e.kind,
    points: Number(e.points),
    campaign_id: e.campaign_id,
    grant_id: e.grant_id,
    funding_party: e.funding_party,
    reference: e.reference,
    occurred_at: e.occurred_at.toISOString(),
    created_at: e.created_at.toISOString(),
  };
}

export interface LedgerPage {
  limit: number;
  /** The previous page's next_cursor (the last entry id; ids are time-ordered). */
  startingAfter?: string;
}

/**
 * A customer's points: the balance (granted − reversed − expired), the total of each kind of
 * movement, and the ledger newest first. 404 only for a customer Kessai has never heard of.
 */
export async function getCustomerPoints(ctx: RewardsContext, customerId: string, page: LedgerPage) {
  const totalsRows = await ctx.db
    .selectFrom('reward_ledger_entries')
    .select(['kind', sql<bigint>`sum(points)::bigint`.as('points')])
    .where('customer_id', '=', customerId)
    .groupBy('kind')
    .execute();
  if (totalsRows.length === 0) {
    const known = await ctx.db.selectFrom('reward_customers').select('id').where('id', '=', customerId).executeTakeFirst();
    if (!known) throw new KessaiError('KS_ERR_REWARD_CUSTOMER_NOT_FOUND', `No customer ${customerId} in the rewards copy`, { customer_id: customerId });
  }
  const totals = Object.fromEntries(LEDGER_KINDS.map((k) => [k, 0n])) as Record<LedgerKind, bigint>;
  for (const r of totalsRows) totals[r.kind] = r.points;

  let q = ctx.db.selectFrom('reward_ledger_entries').selectAll().where('customer_id', '=', customerId).orderBy('id', 'desc').limit(page.limit + 1);
  if (page.startingAfter) q = q.where('id', '<', page.startingAfter);
  const rows = await q.execute();
  const entries = rows.slice(0, page.limit);
  const hasMore = rows.length > page.limit;
  return {
    object: 'reward_points' as const,
    customer_id: customerId,
    balance: Number(totals.granted - totals.reversed - totals.expired),
    totals: { earned: Number(totals.earned), granted: Number(totals.granted), reversed: Number(totals.reversed), expired: Number(totals.expired) },
    ledger: { data: entries.map(presentLedgerEntry), has_more: hasMore, next_cursor: hasMore ? entries[entries.length - 1]!.id : null },
  };
}
