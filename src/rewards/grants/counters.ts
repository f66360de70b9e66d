import { sql, type Kysely } from 'kysely';
import { allocateWithinCaps, type Allocation } from '../caps.ts';
import type { Trx } from '../context.ts';
import type { CampaignRules } from '../model.ts';
import type { RewardsTables } from '../tables.ts';

export interface CapRequest {
  campaign: CampaignRules;
  customerId: string;
  /** The cap month (null: the campaign has no monthly cap). */
  month: string | null;
  requested: bigint;
}

interface MonthKey {
  campaignId: string;
  customerId: string;
  month: string;
}

const monthKey = (k: MonthKey) => `${k.campaignId}\u0000${k.customerId}\u0000${k.month}`;
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const compareMonthKeys = (a: MonthKey, b: MonthKey) => byText(a.campaignId, b.campaignId) || byText(a.customerId, b.customerId) || byText(a.month, b.month);

/**
 * Every transaction that touches several counters locks them in one order — every month row (by
 * campaign, customer, month), then every budget row (by campaign), in byte order (`COLLATE "C"`,
 * the order of `byText` on these ASCII ids) — so grants and reversals never deadlock.
 */
async function lockBudgets(trx: Trx, campaignIds: readonly string[]): Promise<Map<string, { budget: bigint | null; used: bigint }>> {
  const ids = [...new Set(campaignIds)].sort(byText);
  const budgets = new Map<string, { budget: bigint | null; used: bigint }>();
  if (ids.length === 0) return budgets;
  const { rows } = await sql<{ campaign_id: string; budget_points: bigint | null; used_points: bigint }>`
    SELECT campaign_id, budget_points, used_points FROM reward_campaign_budgets
    WHERE campaign_id = ANY(${ids}::text[]) ORDER BY campaign_id COLLATE "C" FOR UPDATE`.execute(trx);
  for (const r of rows) budgets.set(r.campaign_id, { budget: r.budget_points === null ? null : BigInt(r.budget_points), used: BigInt(r.used_points) });
  return budgets;
}

/** The month rows, created if missing and locked, in key order (see `lockBudgets`); what each holds. */
async function lockMonths(trx: Trx, months: ReadonlyArray<MonthKey & { cap: bigint }>): Promise<Map<string, bigint>> {
  const keys = [...new Map(months.map((m) => [monthKey(m), m])).values()].sort(compareMonthKeys);
  const used = new Map<string, bigint>();
  if (keys.length === 0) return used;
  // One upsert, row by row in key order: a new row is inserted (and so locked), an existing one
  // locked by the no-op update; either way it is then held until commit.
  const { rows } = await sql<{ campaign_id: string; customer_id: string; month: string; used_points: bigint }>`
    INSERT INTO reward_customer_month_usage AS u (campaign_id, customer_id, month, cap_points)
    SELECT c, cu, m, cap FROM unnest(${keys.map((k) => k.campaignId)}::text[], ${keys.map((k) => k.customerId)}::text[], ${keys.map((k) => k.month)}::text[], ${keys.map((k) => String(k.cap))}::bigint[]) AS k(c, cu, m, cap)
    ORDER BY c COLLATE "C", cu COLLATE "C", m COLLATE "C"
    ON CONFLICT (campaign_id, customer_id, month) DO UPDATE SET used_points = u.used_points
    RETURNING u.campaign_id, u.customer_id, u.month, u.used_points`.execute(trx);
  for (const r of rows) used.set(monthKey({ campaignId: r.campaign_id, customerId: r.customer_id, month: r.month }), BigInt(r.used_points));
  return used;
}

/** A budget had less room at commit than it had when the batch was planned: plan again, locked. */
export class BudgetShortfall extends Error {}

export interface BudgetSeen {
  budget: bigint | null;
  used: bigint;
}

type Room = ({ kind: 'locked' } & BudgetSeen) | { kind: 'ample' } | { kind: 'spent' };

/** Campaigns' budgets as last committed, read without a lock (the plan `takeWithinCaps` checks at commit). */
export async function readBudgets(db: Kysely<RewardsTables> | Trx, campaignIds: readonly string[]): Promise<Map<string, BudgetSeen>> {
  const seen = new Map<string, BudgetSeen>();
  if (campaignIds.length === 0) return seen;
  const { rows } = await sql<{ campaign_id: string; budget_points: bigint | null; used_points: bigint }>`
    SELECT campaign_id, budget_points, used_points FROM reward_campaign_budgets WHERE campaign_id = ANY(${[...new Set(campaignIds)]}::text[])`.execute(db);
  for (const r of rows) seen.set(r.campaign_id, { budget: r.budget_points === null ? null : BigInt(r.budget_points), used: BigInt(r.used_points) });
  return seen;
}

/**
 * Takes points from the campaigns' counters for several grants at once, in the grants'
 * transaction: locks the month rows involved (created if missing, in key order), then allocates
 * request by request in the given order — each sees what the previous ones took, exactly as if
 * they had queued one by one — and writes each month row once. The month cap is the version's;
 * the budget is the campaign's current one. The CHECK constraints refuse an overshoot anyway.
 *
 * The budget row is the one lock every grant of a campaign needs, held until commit, so it is
 * taken as late as possible. `seen` (`readBudgets`, before the transaction) decides how:
 * - no budget, or room for everything this batch asks of it (`ample`): the requests are allocated
 *   as if it had no budget, and `settleBudgets` — called just before commit — locks it and adds
 *   what was taken if the room is still there (else `BudgetShortfall`: the caller rolls back and
 *   runs the batch again with `seen` null);
 * - nothing left (`spent`): 0 points, limited by the budget, without taking its lock — the same
 *   as if this batch had been granted when the budget was read, before whatever gave room back;
 * - some room but not enough for all, or `seen` null: every budget is locked now, after the
 *   month rows, and the allocation sees its exact room, as grants queueing on the row would.
 * Returns one allocation per request, in order.
 */
export async function takeWithinCaps(trx: Trx, requests: readonly CapRequest[], seen: Map<string, BudgetSeen> | null): Promise<{ allocations: Allocation[]; settleBudgets(): Promise<void> }> {
  const capped = requests.filter((r) => r.campaign.capPerCustomerMonth !== null && r.month !== null);
  const heldMonths = await lockMonths(trx, capped.map((r) => ({ campaignId: r.campaign.campaignId, customerId: r.customerId, month: r.month!, cap: r.campaign.capPerCustomerMonth! })));
  const rooms = await budgetRooms(trx, requests, seen);
  const monthUsed = new Map<string, { key: MonthKey; used: bigint; cap: bigint; taken: boolean }>();
  const taken = new Map<string, bigint>();
  const allocations = requests.map((r) => {
    const key = r.month === null ? null : { campaignId: r.campaign.campaignId, customerId: r.customerId, month: r.month };
    let month: { key: MonthKey; used: bigint; cap: bigint; taken: boolean } | null = null;
    if (r.campaign.capPerCustomerMonth !== null && key !== null) {
      month = monthUsed.get(monthKey(key)) ?? { key, used: heldMonths.get(monthKey(key))!, cap: r.campaign.capPerCustomerMonth, taken: false };
      monthUsed.set(monthKey(key), month);
    }
    const room = rooms.get(r.campaign.campaignId)!;
    const budgetRoom = room.kind === 'spent' ? 0n : room.kind === 'ample' || room.budget === null ? null : room.budget - room.used;
    const allocation = allocateWithinCaps(r.requested, month ? r.campaign.capPerCustomerMonth! - month.used : null, budgetRoom);
    if (allocation.points > 0n) {
      if (room.kind === 'locked') room.used += allocation.points;
      taken.set(r.campaign.campaignId, (taken.get(r.campaign.campaignId) ?? 0n) + allocation.points);
      if (month) Object.assign(month, { used: month.used + allocation.points, cap: r.campaign.capPerCustomerMonth!, taken: true });
    }
    return allocation;
  });
  // A row is written only if points were taken from it, with the cap of the last grant that did
  // (as one UPDATE per grant would leave it).
  const monthWrites = [...monthUsed.values()].filter((m) => m.taken);
  if (monthWrites.length > 0) {
    await sql`
      UPDATE reward_customer_month_usage u SET used_points = d.used, cap_points = d.cap
      FROM unnest(${monthWrites.map((m) => m.key.campaignId)}::text[], ${monthWrites.map((m) => m.key.customerId)}::text[], ${monthWrites.map((m) => m.key.month)}::text[],
                  ${monthWrites.map((m) => String(m.used))}::bigint[], ${monthWrites.map((m) => String(m.cap))}::bigint[]) AS d(campaign_id, customer_id, month, used, cap)
      WHERE u.campaign_id = d.campaign_id AND u.customer_id = d.customer_id AND u.month = d.month`.execute(trx);
  }
  const lockedWrites = [...taken].filter(([id]) => rooms.get(id)!.kind === 'locked');
  if (lockedWrites.length > 0) {
    await sql`
      UPDATE reward_campaign_budgets b SET used_points = b.used_points + d.points
      FROM unnest(${lockedWrites.map(([id]) => id)}::text[], ${lockedWrites.map(([, p]) => String(p))}::bigint[]) AS d(campaign_id, points)
      WHERE b.campaign_id = d.campaign_id`.execute(trx);
  }
  const deferred = [...taken].filter(([id]) => rooms.get(id)!.kind === 'ample').sort(([a], [b]) => byText(a, b));
  return {
    allocations,
    async settleBudgets() {
      if (deferred.length === 0) return;
      // One statement: the rows are locked in key order by the CTE, then updated only where the
      // room is still there; a row missing from the answer had not enough.
      const { rows } = await sql<{ campaign_id: string }>`
        WITH d AS (SELECT * FROM unnest(${deferred.map(([id]) => id)}::text[], ${deferred.map(([, p]) => String(p))}::bigint[]) AS d(campaign_id, points)),
        locked AS MATERIALIZED (
          SELECT b.campaign_id FROM reward_campaign_budgets b WHERE b.campaign_id IN (SELECT campaign_id FROM d) ORDER BY b.campaign_id COLLATE "C" FOR UPDATE)
        UPDATE reward_campaign_budgets b SET used_points = b.used_points + d.points
        FROM d, locked
        WHERE b.campaign_id = d.campaign_id AND locked.campaign_id = b.campaign_id
          AND (b.budget_points IS NULL OR b.used_points + d.points <= b.budget_points)
        RETURNING b.campaign_id`.execute(trx);
      if (rows.length !== deferred.length) throw new BudgetShortfall('a campaign budget no longer has room for this batch');
    },
  };
}

async function budgetRooms(trx: Trx, requests: readonly CapRequest[], seen: Map<string, BudgetSeen> | null): Promise<Map<string, Room>> {
  const campaignIds = [...new Set(requests.map((r) => r.campaign.campaignId))];
  const locked = async () => new Map<string, Room>([...(await lockBudgets(trx, campaignIds))].map(([id, b]) => [id, { kind: 'locked', ...b }]));
  if (seen === null) return locked();
  const asked = new Map<string, bigint>();
  for (const r of requests) asked.set(r.campaign.campaignId, (asked.get(r.campaign.campaignId) ?? 0n) + r.requested);
  const rooms = new Map<string, Room>();
  for (const id of campaignIds) {
    const b = seen.get(id);
    if (!b) return locked();
    const room = b.budget === null ? null : b.budget - b.used;
    if (room === null || room >= asked.get(id)!) rooms.set(id, { kind: 'ample' });
    else if (room <= 0n) rooms.set(id, { kind: 'spent' });
    else return locked();
  }
  return rooms;
}

/** Gives reversed points back to the month cap they counted against and to the budget. */
export async function giveBack(trx: Trx, grant: { campaign_id: string; customer_id: string; cap_month: string | null }, points: bigint): Promise<void> {
  if (points <= 0n) return;
  if (grant.cap_month !== null) {
    await sql`
      UPDATE reward_customer_month_usage SET used_points = used_points - ${points}
      WHERE campaign_id = ${grant.campaign_id} AND customer_id = ${grant.customer_id} AND month = ${grant.cap_month}`.execute(trx);
  }
  await sql`UPDATE reward_campaign_budgets SET used_points = used_points - ${points} WHERE campaign_id = ${grant.campaign_id}`.execute(trx);
}

/** Before reversing several grants: their counters, locked in the common order (see `lockBudgets`). */
export async function lockCountersOf(trx: Trx, grants: ReadonlyArray<{ campaign_id: string; customer_id: string; cap_month: string | null }>): Promise<void> {
  const months = [...new Map(grants.filter((g) => g.cap_month !== null).map((g) => [monthKey({ campaignId: g.campaign_id, customerId: g.customer_id, month: g.cap_month! }), g])).values()];
  if (months.length > 0) {
    await sql`
      SELECT 1 FROM reward_customer_month_usage
      WHERE (campaign_id, customer_id, month) IN (SELECT * FROM unnest(${months.map((g) => g.campaign_id)}::text[], ${months.map((g) => g.customer_id)}::text[], ${months.map((g) => g.cap_month!)}::text[]))
      ORDER BY campaign_id COLLATE "C", customer_id COLLATE "C", month COLLATE "C"
      FOR UPDATE`.execute(trx);
  }
  await lockBudgets(trx, grants.map((g) => g.campaign_id));
}
