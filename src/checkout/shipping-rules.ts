import type { Kysely } from 'kysely';
import type { Trx } from './context.ts';
import type { ShippingBand, ShippingRule } from './shipping-fee.ts';
import type { CheckoutTables, ShippingRuleRow } from './tables.ts';

export interface StoredShippingRule {
  row: ShippingRuleRow;
  bands: ShippingBand[];
}

/** Rules with their bands, in the order of `rows`. */
export async function withBands(db: Kysely<CheckoutTables> | Trx, rows: ShippingRuleRow[]): Promise<StoredShippingRule[]> {
  if (rows.length === 0) return [];
  const bands = await db
    .selectFrom('shipping_rule_bands')
    .selectAll()
    .where('rule_id', 'in', rows.map((r) => r.id))
    .orderBy('rule_id')
    .orderBy('position')
    .execute();
  const byRule = new Map<string, ShippingBand[]>();
  for (const b of bands) {
    const list = byRule.get(b.rule_id) ?? [];
    list.push({ upToGrams: b.up_to_grams, fee: b.fee });
    byRule.set(b.rule_id, list);
  }
  return rows.map((row) => ({ row, bands: byRule.get(row.id) ?? [] }));
}

export function toShippingRule(r: StoredShippingRule): ShippingRule {
  return { id: r.row.id, region: r.row.region, currency: r.row.currency, bands: r.bands, freeShippingThreshold: r.row.free_shipping_threshold };
}

/** The rule in force for a region and currency, as a list of zero or one (for `computeShippingFee`). */
export async function activeRulesFor(db: Kysely<CheckoutTables> | Trx, region: string, currency: string): Promise<ShippingRule[]> {
  const rows = await db
    .selectFrom('shipping_rules')
    .selectAll()
    .where('region', '=', region)
    .where('currency', '=', currency)
    .where('superseded_at', 'is', null)
    .execute();
  return (await withBands(db, rows)).map(toShippingRule);
}

export function presentShippingRule(r: StoredShippingRule) {
  return {
    id: r.row.id,
    object: 'shipping_rule' as const,
    region: r.row.region,
    currency: r.row.currency,
    bands: r.bands.map((b) => ({ up_to_grams: b.upToGrams, fee: Number(b.fee) })),
    free_shipping_threshold: r.row.free_shipping_threshold === null ? null : Number(r.row.free_shipping_threshold),
    description: r.row.description,
    active: r.row.superseded_at === null,
    superseded_by: r.row.superseded_by,
    superseded_at: r.row.superseded_at?.toISOString() ?? null,
    created_at: r.row.created_at.toISOString(),
  };
}

export type ShippingRuleView = ReturnType<typeof presentShippingRule>;
