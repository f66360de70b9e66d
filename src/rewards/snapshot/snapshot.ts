import { MerchantDirectory, type MerchantMasterEntry } from '../merchant-directory.ts';
import type { CampaignRules, RewardCustomer } from '../model.ts';

/**
 * Everything the estimate reads, held in memory so that answering one costs no database
 * round-trip: the current version of every campaign that has not ended (with its rate table),
 * every customer's card status and stage, and the merchant master. Kept fresh by
 * `keep-fresh.ts`; every update only ever moves an item to a newer version, so updates that
 * arrive twice or out of order change nothing.
 */
export class RewardsSnapshot {
  /** Current versions by campaign id; ended campaigns are dropped. */
  private readonly campaignsById = new Map<string, CampaignRules>();
  /** The same, sorted by id: the estimate walks this. */
  private campaignList: readonly CampaignRules[] = [];
  private customerMap = new Map<string, RewardCustomer>();
  private directory = new MerchantDirectory();
  /** When the last full load finished; null until the first. */
  loadedAt: Date | null = null;

  get ready(): boolean {
    return this.loadedAt !== null;
  }

  get campaigns(): readonly CampaignRules[] {
    return this.campaignList;
  }

  get merchants(): MerchantDirectory {
    return this.directory;
  }

  customer(id: string): RewardCustomer | null {
    return this.customerMap.get(id) ?? null;
  }

  get customerCount(): number {
    return this.customerMap.size;
  }

  /** Swaps in a complete load (the first, and after every reconnect). */
  replaceAll(state: { campaigns: CampaignRules[]; customers: Iterable<RewardCustomer>; merchants: MerchantMasterEntry[] }, now = new Date()): void {
    this.campaignsById.clear();
    for (const c of state.campaigns) this.campaignsById.set(c.campaignId, c);
    const customers = new Map<string, RewardCustomer>();
    for (const c of state.customers) customers.set(c.id, c);
    this.customerMap = customers;
    this.directory = MerchantDirectory.of(state.merchants);
    this.rebuildCampaignList(now);
    this.loadedAt = now;
  }

  /** A campaign's current version (null: it no longer exists, which does not happen today). */
  putCampaign(id: string, rules: CampaignRules | null, now = new Date()): boolean {
    const held = this.campaignsById.get(id);
    if (rules && held && held.version > rules.version) return false;
    if (rules && rules.endsAt.getTime() > now.getTime()) this.campaignsById.set(id, rules);
    else this.campaignsById.delete(id);
    this.rebuildCampaignList(now);
    return true;
  }

  putCustomer(customer: RewardCustomer): boolean {
    const held = this.customerMap.get(customer.id);
    if (held && held.version >= customer.version) return false;
    this.customerMap.set(customer.id, customer);
    return true;
  }

  putMerchantMaster(entry: MerchantMasterEntry): boolean {
    return this.directory.put(entry);
  }

  private rebuildCampaignList(now: Date): void {
    const t = now.getTime();
    this.campaignList = [...this.campaignsById.values()].filter((c) => c.endsAt.getTime() > t).sort((a, b) => (a.campaignId < b.campaignId ? -1 : a.campaignId > b.campaignId ? 1 : 0));
  }
}
