import { sql, type Kysely } from 'kysely';
import { loadVersions, toCampaignRules } from '../campaign-rules.ts';
import type { RewardsContext, Trx } from '../context.ts';
import { MerchantDirectory } from '../merchant-directory.ts';
import type { CampaignRules, RewardCustomer } from '../model.ts';
import type { RewardsTables } from '../tables.ts';
import { toMerchantMasterEntry } from '../snapshot/load.ts';

/** Reads that need no lock run before the grant's transaction, on the pool. */
type Executor = Kysely<RewardsTables> | Trx;

const paymentLockKey = (paymentId: string) => `reward-payment:${paymentId}`;

/** Takes the payment's lock: every grant and reversal of one payment runs one at a time. */
export async function lockPayment(trx: Trx, paymentId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${paymentLockKey(paymentId)}, 0))`.execute(trx);
}

/** The locks of several payments, always in payment id order (so two batches never deadlock). */
export async function lockPayments(trx: Trx, paymentIds: readonly string[]): Promise<void> {
  const keys = [...new Set(paymentIds)].sort().map(paymentLockKey);
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(${keys}::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n`.execute(trx);
}

/**
 * Versions never change (a trigger refuses it), so each process keeps the rules of those it has
 * read: a grant then reads only which version is in force.
 */
const rulesCache = new WeakMap<RewardsContext, Map<string, CampaignRules>>();
const versionKey = (campaignId: string, version: number) => `${campaignId}#${version}`;

/**
 * For each instant in `ats`, the version of every campaign that was in force at it and whose
 * period contains it, ordered by campaign id (the order counters are locked in). The version in
 * force is the newest one written at or before the instant; a campaign written after the payment
 * (a back-dated campaign) counts with its first version. Keyed by `Date.getTime()`.
 */
export async function campaignsInForce(ctx: RewardsContext, db: Executor, ats: readonly Date[]): Promise<Map<number, CampaignRules[]>> {
  const instants = [...new Set(ats.map((a) => a.getTime()))];
  const { rows } = await sql<{ at: Date; campaign_id: string; version: number }>`
    SELECT a.at, v.campaign_id, v.version
    FROM unnest(${instants.map((t) => new Date(t).toISOString())}::timestamptz[]) AS a(at)
    CROSS JOIN LATERAL (
      SELECT DISTINCT ON (campaign_id) campaign_id, version, starts_at, ends_at
      FROM reward_campaign_versions
      WHERE created_at <= a.at OR version = 1
      ORDER BY campaign_id, version DESC) v
    WHERE v.starts_at <= a.at AND a.at < v.ends_at`.execute(db);
  let cache = rulesCache.get(ctx);
  if (!cache) rulesCache.set(ctx, (cache = new Map()));
  const missing = [...new Map(rows.filter((r) => !cache.has(versionKey(r.campaign_id, r.version))).map((r) => [versionKey(r.campaign_id, r.version), { campaignId: r.campaign_id, version: r.version }])).values()];
  for (const rules of (await loadVersions(db, missing)).map(toCampaignRules)) cache.set(versionKey(rules.campaignId, rules.version), rules);
  const byInstant = new Map<number, CampaignRules[]>(instants.map((t) => [t, []]));
  for (const r of rows) byInstant.get(r.at.getTime())!.push(cache.get(versionKey(r.campaign_id, r.version))!);
  for (const list of byInstant.values()) list.sort((a, b) => (a.campaignId < b.campaignId ? -1 : a.campaignId > b.campaignId ? 1 : 0));
  return byInstant;
}

export async function loadCustomers(db: Executor, customerIds: readonly string[]): Promise<Map<string, RewardCustomer>> {
  if (customerIds.length === 0) return new Map();
  const rows = await db.selectFrom('reward_customers').select(['id', 'card_status', 'stage', 'version']).where('id', 'in', [...new Set(customerIds)]).execute();
  return new Map(rows.map((r) => [r.id, { id: r.id, cardStatus: r.card_status, stage: r.stage, version: r.version }]));
}

/**
 * The merchant master restricted to these (payment method, merchant id) pairs: resolving a
 * payment through it gives what the estimate's whole directory gives (the same
 * `MerchantDirectory.resolve`).
 */
export async function merchantDirectoryFor(db: Executor, pairs: ReadonlyArray<{ paymentMethod: string; merchantId: string }>): Promise<MerchantDirectory> {
  const unique = [...new Map(pairs.map((p) => [`${p.paymentMethod}\u0000${p.merchantId}`, p])).values()];
  if (unique.length === 0) return MerchantDirectory.of([]);
  const ids = await db
    .selectFrom('reward_merchant_ids')
    .selectAll()
    .where((eb) => eb(eb.refTuple('payment_method', 'merchant_id'), 'in', unique.map((p) => eb.tuple(p.paymentMethod, p.merchantId))))
    .execute();
  if (ids.length === 0) return MerchantDirectory.of([]);
  const masters = await db.selectFrom('reward_merchant_masters').selectAll().where('id', 'in', [...new Set(ids.map((i) => i.master_id))]).execute();
  return MerchantDirectory.of(masters.map((m) => toMerchantMasterEntry(m, ids.filter((i) => i.master_id === m.id))));
}
