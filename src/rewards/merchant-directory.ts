import type { Marketplace, ResolvedMerchant } from './model.ts';

/** One (payment method, merchant id) → master mapping, for [fromMs, toMs). */
export interface MerchantIdPeriod {
  masterId: string;
  paymentMethod: string;
  merchantId: string;
  fromMs: number;
  /** Infinity when open-ended. */
  toMs: number;
}

export interface MerchantMasterEntry {
  id: string;
  marketplace: Marketplace;
  version: number;
  periods: readonly MerchantIdPeriod[];
}

/**
 * The merchant master as a lookup: (payment method, merchant id, time) → master id and
 * marketplace. The estimate (from memory) and the grant (loaded for one payment) resolve the same
 * way through `resolve`. Changed one master at a time; a master only moves to a higher version.
 */
export class MerchantDirectory {
  readonly masters = new Map<string, MerchantMasterEntry>();
  private readonly byMerchant = new Map<string, MerchantIdPeriod[]>();

  static of(entries: Iterable<MerchantMasterEntry>): MerchantDirectory {
    const d = new MerchantDirectory();
    for (const e of entries) d.put(e);
    return d;
  }

  /** Replaces a master and its mappings; ignored when `entry` is older than what is held. */
  put(entry: MerchantMasterEntry): boolean {
    const held = this.masters.get(entry.id);
    if (held && held.version > entry.version) return false;
    if (held) {
      for (const p of held.periods) {
        const key = keyOf(p.paymentMethod, p.merchantId);
        const rest = (this.byMerchant.get(key) ?? []).filter((q) => q.masterId !== entry.id);
        if (rest.length > 0) this.byMerchant.set(key, rest);
        else this.byMerchant.delete(key);
      }
    }
    this.masters.set(entry.id, entry);
    for (const p of entry.periods) {
      const key = keyOf(p.paymentMethod, p.merchantId);
      const list = this.byMerchant.get(key);
      if (list) list.push(p);
      else this.byMerchant.set(key, [p]);
    }
    return true;
  }

  resolve(paymentMethod: string, merchantId: string, at: Date): ResolvedMerchant {
    const periods = this.byMerchant.get(keyOf(paymentMethod, merchantId));
    if (periods) {
      const t = at.getTime();
      for (const p of periods) {
        if (p.fromMs <= t && t < p.toMs) {
          const master = this.masters.get(p.masterId);
          if (master) return { masterId: master.id, marketplace: master.marketplace };
        }
      }
    }
    // Our marketplace's merchant ids are all known to us, so an id we cannot map is another shop.
    return UNMAPPED;
  }
}

const UNMAPPED: ResolvedMerchant = Object.freeze({ masterId: null, marketplace: 'outside' });

function keyOf(paymentMethod: string, merchantId: string): string {
  return `${paymentMethod}\u0000${merchantId}`;
}
