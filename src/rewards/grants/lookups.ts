import { sql } from 'kysely';
import { loadVersions, toCampaignRules } from '../campaign-rules.ts';
import type { Trx } from '../context.ts';
import { MerchantDirectory } from '../merchant-directory.ts';
import type { CampaignRules, ResolvedMerchant, RewardCustomer } from '../model.ts';
import { toMerchantMasterEntry } from '../snapshot/load.ts';

/** Takes the payment's lock: every grant and reversal of one payment runs one at a time. */
export async function lockPayment(trx: Trx, paymentId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`reward-payment:${paymentId}`}, 0))`.execute(trx);
}

/**
 * The version of every campaign that was in force at `at` and whose period contains it, ordered
 * by campaign id (the order counters are locked in). The version in force is the newest one
 * written at or before `at`; a campaign written after the payment (a back-dated campaign)
 * counts with its first version.
 */
export async function campaignsInForceAt(trx: Trx, at: Date): Promise<CampaignRules[]> {
  const { rows } = await sql<{ campaign_id: string; version: number; starts_at: Date; ends_at: Date }>`
    SELECT DISTINCT ON (campaign_id) campaign_id, version, starts_at, ends_at
    FROM reward_campaign_versions
    WHERE created_at <= ${at} OR version = 1
    ORDER BY campaign_id, version DESC`.execute(trx);
  const t = at.getTime();
  const keys = rows.filter((r) => r.starts_at.getTime() <= t && t < r.ends_at.getTime()).map((r) => ({ campaignId: r.campaign_id, version: r.version }));
  const versions = (await loadVersions(trx, keys)).map(toCampaignRules);
  return versions.sort((a, b) => (a.campaignId < b.campaignId ? -1 : a.campaignId > b.campaignId ? 1 : 0));
}

export async function loadCustomer(trx: Trx, customerId: string): Promise<RewardCustomer | null> {
  const r = await trx.selectFrom('reward_customers').select(['id', 'card_status', 'stage', 'version']).where('id', '=', customerId).executeTakeFirst();
  return r ? { id: r.id, cardStatus: r.card_status, stage: r.stage, version: r.version } : null;
}

/** The same resolution as the estimate's (MerchantDirectory), over the rows of this merchant id only. */
export async function resolveMerchant(trx: Trx, paymentMethod: string, merchantId: string, at: Date): Promise<ResolvedMerchant> {
  const ids = await trx.selectFrom('reward_merchant_ids').selectAll().where('payment_method', '=', paymentMethod).where('merchant_id', '=', merchantId).execute();
  if (ids.length === 0) return MerchantDirectory.of([]).resolve(paymentMethod, merchantId, at);
  const masters = await trx.selectFrom('reward_merchant_masters').selectAll().where('id', 'in', [...new Set(ids.map((i) => i.master_id))]).execute();
  return MerchantDirectory.of(masters.map((m) => toMerchantMasterEntry(m, ids.filter((i) => i.master_id === m.id)))).resolve(paymentMethod, merchantId, at);
}
