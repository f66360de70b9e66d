import { KessaiError } from '../../errors/index.ts';
import { addDecimal, decimal, isRoundingMode, multiplyDecimal, roundDecimal, type Decimal, type RoundingMode } from '../../money/index.ts';

/** The fee items of a settlement line, as the parsers name them. */
export const FEE_ITEMS = ['acquirer', 'interchange', 'scheme', 'other', 'threeDS'] as const;
export type FeeItem = (typeof FEE_ITEMS)[number];

/**
 * One fee item's formula. `percent` and `fixed` add up (2.5 % + 30). With `tiers`, the amount
 * picks its band (`band`: the whole amount at that band's percent and fixed) or is cut into
 * slices priced at each band's percent (`marginal`, like tax brackets; fixed parts add up for
 * the bands reached). `min`/`max` bound the result.
 */
export interface FeeFormula {
  percent?: string;
  fixed?: bigint;
  tiers?: { mode: 'band' | 'marginal'; bands: Array<{ upTo: bigint | null; percent?: string; fixed?: bigint }> };
  min?: bigint;
  max?: bigint;
}

/** When a rule applies: every condition given must hold; a missing one matches anything. */
export interface FeeRuleMatch {
  cardBrand?: string;
  region?: string;
  currency?: string;
  paymentMethod?: string;
  kind?: string;
}

export interface FeeRule {
  id: string;
  channel: string;
  /** Inclusive start and exclusive end, as post dates (YYYY-MM-DD); `effectiveTo` null: open. */
  effectiveFrom: string;
  effectiveTo: string | null;
  match: FeeRuleMatch;
  items: Partial<Record<FeeItem, FeeFormula>>;
  /** Each item is rounded on its own to the currency's minor unit, with this rule. */
  rounding: RoundingMode;
}

const PERCENT = /^\d{1,3}(\.\d{1,6})?$/;

function percentRate(percent: string, field: string): Decimal {
  if (!PERCENT.test(percent)) throw new KessaiError('KS_ERR_FEE_RULE_INVALID', `${field}: a percent such as "2.5" (at most 6 decimals)`, { field });
  const d = decimal(percent);
  return { coefficient: d.coefficient, scale: d.scale + 2 };
}

/** Checks a rule before it is stored: every error names its field. */
export function validateFeeRule(rule: FeeRule): FeeRule {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(rule.effectiveFrom)) throw new KessaiError('KS_ERR_FEE_RULE_INVALID', 'effective_from: a date YYYY-MM-DD', { field: 'effective_from' });
  if (rule.effectiveTo !== null && !(rule.effectiveTo > rule.effectiveFrom)) {
    throw new KessaiError('KS_ERR_FEE_RULE_INVALID', 'effective_to: a date after effective_from, or null', { field: 'effective_to' });
  }
  if (!isRoundingMode(rule.rounding)) throw new KessaiError('KS_ERR_FEE_RULE_INVALID', `rounding: one of the rounding modes`, { field: 'rounding' });
  for (const [item, f] of Object.entries(rule.items) as Array<[FeeItem, FeeFormula]>) {
    const at = `items.${item}`;
    if (!(FEE_ITEMS as readonly string[]).includes(item)) throw new KessaiError('KS_ERR_FEE_RULE_INVALID', `${at}: not a fee item`, { field: at });
    if (f.percent !== undefined) percentRate(f.percent, `${at}.percent`);
    for (const k of ['fixed', 'min', 'max'] as const) {
      if (f[k] !== undefined && f[k] < 0n) throw new KessaiError('KS_ERR_FEE_RULE_INVALID', `${at}.${k}: not negative`, { field: `${at}.${k}` });
    }
    if (f.min !== undefined && f.max !== undefined && f.min > f.max) throw new KessaiError('KS_ERR_FEE_RULE_INVALID', `${at}.min: at most max`, { field: `${at}.min` });
    if (f.tiers) {
      const bands = f.tiers.bands;
      if (bands.length === 0) throw new KessaiError('KS_ERR_FEE_RULE_INVALID', `${at}.tiers.bands: at least one band`, { field: `${at}.tiers.bands` });
      bands.forEach((b, i) => {
        const field = `${at}.tiers.bands[${i}]`;
        if (b.percent !== undefined) percentRate(b.percent, `${field}.percent`);
        const last = i === bands.length - 1;
        if ((b.upTo === null) !== last) throw new KessaiError('KS_ERR_FEE_RULE_INVALID', `${field}.up_to: only the last band is open-ended`, { field: `${field}.up_to` });
        const prev = i > 0 ? bands[i - 1]!.upTo : null;
        if (b.upTo !== null && prev !== null && b.upTo <= prev) throw new KessaiError('KS_ERR_FEE_RULE_INVALID', `${field}.up_to: above the previous band`, { field: `${field}.up_to` });
      });
    }
  }
  return rule;
}

/** `amount × percent / 100 + fixed`, unrounded, as an exact decimal. */
function exact(amount: bigint, percent: string | undefined, fixed: bigint | undefined, field: string): Decimal {
  const fromPercent = percent === undefined ? decimal(0n) : multiplyDecimal(decimal(amount), percentRate(percent, field));
  return addDecimal(fromPercent, decimal(fixed ?? 0n));
}

const roundTo = (d: Decimal, mode: RoundingMode) => roundDecimal(d, 0, mode).coefficient;

/** One item's fee on `amount` (minor units, never negative: refunds are priced on their absolute amount). */
export function applyFormula(amount: bigint, f: FeeFormula, mode: RoundingMode, field = 'formula'): bigint {
  const base = amount < 0n ? -amount : amount;
  let fee = f.percent !== undefined || f.fixed !== undefined ? roundTo(exact(base, f.percent, f.fixed, field), mode) : 0n;
  if (f.tiers) {
    const bands = f.tiers.bands;
    if (f.tiers.mode === 'band') {
      const band = bands.find((b) => b.upTo === null || base <= b.upTo)!;
      fee += roundTo(exact(base, band.percent, band.fixed, field), mode);
    } else {
      // Marginal: each slice at its band's percent; summed exactly, rounded once.
      let lower = 0n;
      let sum = decimal(0n);
      for (const b of bands) {
        if (base <= lower) break;
        const slice = (b.upTo === null || base < b.upTo ? base : b.upTo) - lower;
        sum = addDecimal(sum, exact(slice, b.percent, b.fixed, field));
        if (b.upTo === null) break;
        lower = b.upTo;
      }
      fee += roundTo(sum, mode);
    }
  }
  if (f.min !== undefined && fee < f.min) fee = f.min;
  if (f.max !== undefined && fee > f.max) fee = f.max;
  return fee;
}
