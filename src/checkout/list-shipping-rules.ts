import type { CheckoutContext } from './context.ts';
import { presentShippingRule, withBands } from './shipping-rules.ts';

export interface ShippingRuleFilter {
  region?: string;
  currency?: string;
  /** Also the rules that were superseded (history). */
  includeSuperseded?: boolean;
  limit: number;
  /** Cursor: the id of the last rule of the previous page (ids are time-ordered). */
  startingAfter?: string;
}

/** Newest first. */
export async function listShippingRules(ctx: CheckoutContext, f: ShippingRuleFilter) {
  let q = ctx.db.selectFrom('shipping_rules').selectAll().orderBy('id', 'desc').limit(f.limit + 1);
  if (!f.includeSuperseded) q = q.where('superseded_at', 'is', null);
  if (f.region) q = q.where('region', '=', f.region);
  if (f.currency) q = q.where('currency', '=', f.currency);
  if (f.startingAfter) q = q.where('id', '<', f.startingAfter);
  const rows = await q.execute();
  const page = rows.slice(0, f.limit);
  const hasMore = rows.length > f.limit;
  return { data: (await withBands(ctx.db, page)).map(presentShippingRule), has_more: hasMore, next_cursor: hasMore ? page[page.length - 1]!.id : null };
}
