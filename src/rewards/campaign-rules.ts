import type { Kysely, Transaction } from 'kysely';
import type { CampaignRules, PointsRounding } from './model.ts';
import { parseRate } from './points.ts';
import type { CampaignVersionRow, RewardsTables, StageRateRow } from './tables.ts';

type Executor = Kysely<RewardsTables> | Transaction<RewardsTables>;

export interface StoredVersion {
  row: CampaignVersionRow;
  /** Ascending by min_stage. */
  rates: StageRateRow[];
}

/** A stored version as the decision code takes it (sets for membership, exact rates). */
export function toCampaignRules({ row, rates }: StoredVersion): CampaignRules {
  return {
    campaignId: row.campaign_id,
    version: row.version,
    name: row.name,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    paused: row.paused,
    cardStatuses: row.card_statuses === null ? null : new Set(row.card_statuses),
    marketplace: row.marketplace,
    merchants: row.merchant_master_ids === null ? null : { masterIds: new Set(row.merchant_master_ids), invert: row.merchant_ids_invert },
    paymentMethods: row.payment_methods === null ? null : new Set(row.payment_methods),
    minAmount: row.min_amount === null || row.min_amount_currency === null ? null : { amount: row.min_amount, currency: row.min_amount_currency },
    stageRates: rates.map((r) => ({ minStage: r.min_stage, ratePercent: parseRate(r.rate_percent) })),
    rounding: row.rounding as PointsRounding,
    capPerCustomerMonth: row.cap_per_customer_month,
    capTimezone: row.cap_timezone,
    budgetPoints: row.budget_points,
    fundingParty: row.funding_party,
    pointsExpireAfterDays: row.points_expire_after_days,
  };
}

/** Versions with their rate tables, in the order of `keys`. */
export async function loadVersions(db: Executor, keys: ReadonlyArray<{ campaignId: string; version: number }>): Promise<StoredVersion[]> {
  if (keys.length === 0) return [];
  const rows = await db
    .selectFrom('reward_campaign_versions')
    .selectAll()
    .where((eb) => eb(eb.refTuple('campaign_id', 'version'), 'in', keys.map((k) => eb.tuple(k.campaignId, k.version))))
    .execute();
  const rates = await db
    .selectFrom('reward_campaign_stage_rates')
    .selectAll()
    .where((eb) => eb(eb.refTuple('campaign_id', 'version'), 'in', keys.map((k) => eb.tuple(k.campaignId, k.version))))
    .orderBy('min_stage')
    .execute();
  const key = (campaignId: string, version: number) => `${campaignId}#${version}`;
  const byKey = new Map(rows.map((r) => [key(r.campaign_id, r.version), r]));
  const ratesByKey = new Map<string, StageRateRow[]>();
  for (const r of rates) {
    const k = key(r.campaign_id, r.version);
    const list = ratesByKey.get(k);
    if (list) list.push(r);
    else ratesByKey.set(k, [r]);
  }
  return keys.flatMap((k) => {
    const row = byKey.get(key(k.campaignId, k.version));
    return row ? [{ row, rates: ratesByKey.get(key(k.campaignId, k.version)) ?? [] }] : [];
  });
}

/** Every version of one campaign, newest first. */
export async function loadAllVersions(db: Executor, campaignId: string): Promise<StoredVersion[]> {
  const versions = await db.selectFrom('reward_campaign_versions').select('version').where('campaign_id', '=', campaignId).orderBy('version', 'desc').execute();
  return loadVersions(db, versions.map((v) => ({ campaignId, version: v.version })));
}
