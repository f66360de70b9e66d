import { applyFormula, FEE_ITEMS, type FeeItem, type FeeRule, type FeeRuleMatch } from './fee-rules.ts';

/** What a rule is chosen by, and priced on. */
export interface FeeableLine {
  channel: string;
  postDate: string;
  amount: bigint;
  currency: string;
  kind?: string | null;
  cardBrand?: string | null;
  region?: string | null;
  paymentMethod?: string | null;
}

export type ComputedFees = { ruleId: string; items: Record<FeeItem, bigint | null>; total: bigint; net: bigint } | null;

const CONDITIONS: Array<[keyof FeeRuleMatch, keyof FeeableLine]> = [
  ['cardBrand', 'cardBrand'],
  ['region', 'region'],
  ['currency', 'currency'],
  ['paymentMethod', 'paymentMethod'],
  ['kind', 'kind'],
];

const norm = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : v);

function specificity(rule: FeeRule, line: FeeableLine): number {
  let n = 0;
  for (const [cond, field] of CONDITIONS) {
    const want = rule.match[cond];
    if (want === undefined) continue;
    if (norm(want) !== norm(line[field])) return -1;
    n += 1;
  }
  return n;
}

/**
 * The rule for a line: of the channel's rules in effect on the line's post date whose
 * conditions all hold, the most specific (most conditions); among equals, the one that took
 * effect last; then the smallest id, so the choice never depends on the order rules were given.
 */
export function chooseFeeRule(rules: readonly FeeRule[], line: FeeableLine): FeeRule | null {
  let best: { rule: FeeRule; score: number } | null = null;
  for (const rule of rules) {
    if (rule.channel !== line.channel || line.postDate < rule.effectiveFrom || (rule.effectiveTo !== null && line.postDate >= rule.effectiveTo)) continue;
    const score = specificity(rule, line);
    if (score < 0) continue;
    if (
      !best ||
      score > best.score ||
      (score === best.score && (rule.effectiveFrom > best.rule.effectiveFrom || (rule.effectiveFrom === best.rule.effectiveFrom && rule.id < best.rule.id)))
    ) {
      best = { rule, score };
    }
  }
  return best?.rule ?? null;
}

/**
 * The fee items a channel would charge on a line, by its rule (null when no rule applies, or for
 * an item the rule does not price). The net is the amount less the fees, with the amount's sign.
 */
export function computeFees(rules: readonly FeeRule[], line: FeeableLine): ComputedFees {
  const rule = chooseFeeRule(rules, line);
  if (!rule) return null;
  const items = Object.fromEntries(
    FEE_ITEMS.map((item) => {
      const f = rule.items[item];
      return [item, f ? applyFormula(line.amount, f, rule.rounding, `items.${item}`) : null];
    }),
  ) as Record<FeeItem, bigint | null>;
  const total = FEE_ITEMS.reduce((sum, item) => sum + (items[item] ?? 0n), 0n);
  const net = line.amount < 0n ? line.amount + total : line.amount - total;
  return { ruleId: rule.id, items, total, net };
}
