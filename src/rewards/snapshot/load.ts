import { sql, type Kysely } from 'kysely';
import { loadVersions, toCampaignRules } from '../campaign-rules.ts';
import type { MerchantIdPeriod, MerchantMasterEntry } from '../merchant-directory.ts';
import type { CampaignRules, RewardCustomer } from '../model.ts';
import type { MerchantIdRow, MerchantMasterRow, RewardsTables } from '../tables.ts';

type Db = Kysely<RewardsTables>;

const CUSTOMER_PAGE = 20_000;

/** The current version of every campaign that has not ended. */
export async function loadLiveCampaigns(db: Db): Promise<CampaignRules[]> {
  const current = await db
    .selectFrom('reward_campaigns as c')
    .innerJoin('reward_campaign_versions as v', (j) => j.onRef('v.campaign_id', '=', 'c.id').onRef('v.version', '=', 'c.current_version'))
    .select(['c.id', 'c.current_version'])
    .where('v.ends_at', '>', sql<Date>`now()`)
    .execute();
  return (await loadVersions(db, current.map((c) => ({ campaignId: c.id, version: c.current_version })))).map(toCampaignRules);
}

export async function loadCampaign(db: Db, id: string): Promise<CampaignRules | null> {
  const c = await db.selectFrom('reward_campaigns').select('current_version').where('id', '=', id).executeTakeFirst();
  if (!c) return null;
  const [stored] = await loadVersions(db, [{ campaignId: id, version: c.current_version }]);
  return stored ? toCampaignRules(stored) : null;
}

/** Every customer, a page at a time (keyset on id), so no single result holds them all twice. */
export async function loadCustomers(db: Db): Promise<RewardCustomer[]> {
  const out: RewardCustomer[] = [];
  let after: string | null = null;
  for (;;) {
    let q = db.selectFrom('reward_customers').select(['id', 'card_status', 'stage', 'version']).orderBy('id').limit(CUSTOMER_PAGE);
    if (after !== null) q = q.where('id', '>', after);
    const rows = await q.execute();
    for (const r of rows) out.push({ id: r.id, cardStatus: r.card_status, stage: r.stage, version: r.version });
    if (rows.length < CUSTOMER_PAGE) return out;
    after = rows[rows.length - 1]!.id;
  }
}

export function toMerchantMasterEntry(master: MerchantMasterRow, ids: MerchantIdRow[]): MerchantMasterEntry {
  const periods: MerchantIdPeriod[] = ids.map((i) => ({
    masterId: master.id,
    paymentMethod: i.payment_method,
    merchantId: i.merchant_id,
    fromMs: i.effective_from.getTime(),
    toMs: i.effective_to === null ? Infinity : i.effective_to.getTime(),
  }));
  return { id: master.id, marketplace: master.marketplace, version: master.version, periods };
}

export async function loadMerchantMasters(db: Db): Promise<MerchantMasterEntry[]> {
  const [masters, ids] = [await db.selectFrom('reward_merchant_masters').selectAll().execute(), await db.selectFrom('reward_merchant_ids').selectAll().execute()];
  const byMaster = new Map<string, MerchantIdRow[]>();
  for (const i of ids) {
    const list = byMaster.get(i.master_id);
    if (list) list.push(i);
    else byMaster.set(i.master_id, [i]);
  }
  return masters.map((m) => toMerchantMasterEntry(m, byMaster.get(m.id) ?? []));
}

export async function loadMerchantMaster(db: Db, id: string): Promise<MerchantMasterEntry | null> {
  const master = await db.selectFrom('reward_merchant_masters').selectAll().where('id', '=', id).executeTakeFirst();
  if (!master) return null;
  const ids = await db.selectFrom('reward_merchant_ids').selectAll().where('master_id', '=', id).execute();
  return toMerchantMasterEntry(master, ids);
}
