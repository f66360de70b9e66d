import type { CampaignInput } from './campaign-body.ts';
import type { StoredVersion } from './campaign-rules.ts';
import type { Trx } from './context.ts';

/** Writes a new (immutable) version with its rate table; returns it as stored. */
export async function storeVersion(trx: Trx, campaignId: string, version: number, input: CampaignInput, createdBy: string): Promise<StoredVersion> {
  const row = await trx
    .insertInto('reward_campaign_versions')
    .values({
      campaign_id: campaignId,
      version,
      name: input.name,
      starts_at: input.startsAt,
      ends_at: input.endsAt,
      paused: input.paused,
      card_statuses: input.cardStatuses,
      marketplace: input.marketplace,
      merchant_master_ids: input.merchants?.masterIds ?? null,
      merchant_ids_invert: input.merchants?.invert ?? false,
      payment_methods: input.paymentMethods,
      min_amount: input.minAmount?.amount ?? null,
      min_amount_currency: input.minAmount?.currency ?? null,
      rounding: input.rounding,
      cap_per_customer_month: input.capPerCustomerMonth,
      cap_timezone: input.capTimezone,
      budget_points: input.budgetPoints,
      funding_party: input.fundingParty,
      points_expire_after_days: input.pointsExpireAfterDays,
      created_by: createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const rates = await trx
    .insertInto('reward_campaign_stage_rates')
    .values(input.stageRates.map((r) => ({ campaign_id: campaignId, version, min_stage: r.minStage, rate_percent: r.ratePercent })))
    .returningAll()
    .execute();
  rates.sort((a, b) => a.min_stage - b.min_stage);
  return { row, rates };
}
