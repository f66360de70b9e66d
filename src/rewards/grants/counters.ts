import { sql } from 'kysely';
import { allocateWithinCaps, type Allocation } from '../caps.ts';
import type { Trx } from '../context.ts';
import type { CampaignRules } from '../model.ts';

/**
 * Takes up to `requested` points from a campaign's counters for one customer, in the grant's
 * transaction: the customer's month row, then the campaign's budget row, each locked
 * (`FOR UPDATE`) before it is read, so racing grants queue on the rows and each sees what the
 * previous ones took. Always in this order (month, then budget; campaigns by id), so grants and
 * reversals never deadlock. The CHECK constraints on both tables refuse an overshoot anyway.
 * The month cap is the version's; the budget is the campaign's current one.
 */
export async function takeWithinCaps(trx: Trx, campaign: CampaignRules, customerId: string, month: string | null, requested: bigint): Promise<Allocation> {
  let monthRoom: bigint | null = null;
  if (campaign.capPerCustomerMonth !== null && month !== null) {
    await sql`
      INSERT INTO reward_customer_month_usage (campaign_id, customer_id, month, cap_points)
      VALUES (${campaign.campaignId}, ${customerId}, ${month}, ${campaign.capPerCustomerMonth})
      ON CONFLICT DO NOTHING`.execute(trx);
    const { rows } = await sql<{ used_points: bigint }>`
      SELECT used_points FROM reward_customer_month_usage
      WHERE campaign_id = ${campaign.campaignId} AND customer_id = ${customerId} AND month = ${month}
      FOR UPDATE`.execute(trx);
    monthRoom = campaign.capPerCustomerMonth - BigInt(rows[0]!.used_points);
  }
  const { rows: budgets } = await sql<{ budget_points: bigint | null; used_points: bigint }>`
    SELECT budget_points, used_points FROM reward_campaign_budgets WHERE campaign_id = ${campaign.campaignId} FOR UPDATE`.execute(trx);
  const budget = budgets[0]!;
  const budgetRoom = budget.budget_points === null ? null : BigInt(budget.budget_points) - BigInt(budget.used_points);
  const allocation = allocateWithinCaps(requested, monthRoom, budgetRoom);
  if (allocation.points > 0n) {
    if (monthRoom !== null) {
      await sql`
        UPDATE reward_customer_month_usage SET used_points = used_points + ${allocation.points}, cap_points = ${campaign.capPerCustomerMonth}
        WHERE campaign_id = ${campaign.campaignId} AND customer_id = ${customerId} AND month = ${month}`.execute(trx);
    }
    await sql`UPDATE reward_campaign_budgets SET used_points = used_points + ${allocation.points} WHERE campaign_id = ${campaign.campaignId}`.execute(trx);
  }
  return allocation;
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
