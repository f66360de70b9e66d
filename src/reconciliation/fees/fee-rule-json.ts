import { KessaiError } from '../../errors/index.ts';
import type { RoundingMode } from '../../money/index.ts';
import { FEE_ITEMS, validateFeeRule, type FeeFormula, type FeeItem, type FeeRule, type FeeRuleMatch } from './fee-rules.ts';

/**
 * A rule as the API and the database hold it: snake_case, the 3DS item as `three_ds` (like the
 * lines' columns), amounts in minor units as integers or digit strings (stored as strings).
 */
export interface FeeRuleJson {
  channel: string;
  effective_from: string;
  effective_to: string | null;
  match: Partial<Record<'card_brand' | 'region' | 'currency' | 'payment_method' | 'kind', string>>;
  items: Partial<Record<string, FormulaJson>>;
  rounding: string;
}

interface FormulaJson {
  percent?: string;
  fixed?: string | number;
  min?: string | number;
  max?: string | number;
  tiers?: { mode: 'band' | 'marginal'; bands: Array<{ up_to: string | number | null; percent?: string; fixed?: string | number }> };
}

const MATCH_FIELDS: Array<[keyof FeeRuleJson['match'], keyof FeeRuleMatch]> = [
  ['card_brand', 'cardBrand'],
  ['region', 'region'],
  ['currency', 'currency'],
  ['payment_method', 'paymentMethod'],
  ['kind', 'kind'],
];
/** API item name ↔ engine item name (the engine says threeDS; lines and the API say three_ds). */
const ITEM_NAMES: Array<[string, FeeItem]> = FEE_ITEMS.map((i) => [i === 'threeDS' ? 'three_ds' : i, i]);

const invalid = (field: string, message: string) => new KessaiError('KS_ERR_FEE_RULE_INVALID', `${field}: ${message}`, { field });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function only(value: Record<string, unknown>, allowed: readonly string[], at: string): void {
  for (const k of Object.keys(value)) if (!allowed.includes(k)) throw invalid(at ? `${at}.${k}` : k, 'not a field of a fee rule');
}

function minor(value: unknown, field: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d{1,18}$/.test(value)) return BigInt(value);
  throw invalid(field, 'an amount in minor units (an integer)');
}

function percent(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalid(field, 'a percent as a string such as "2.5"');
  return value;
}

function formula(value: unknown, at: string): FeeFormula {
  if (!isObject(value)) throw invalid(at, 'a formula: percent, fixed, tiers, min, max');
  only(value, ['percent', 'fixed', 'tiers', 'min', 'max'], at);
  const f: FeeFormula = {};
  if (value.percent !== undefined) f.percent = percent(value.percent, `${at}.percent`);
  for (const k of ['fixed', 'min', 'max'] as const) if (value[k] !== undefined) f[k] = minor(value[k], `${at}.${k}`);
  if (value.tiers !== undefined) {
    const t = value.tiers;
    if (!isObject(t)) throw invalid(`${at}.tiers`, 'an object with mode and bands');
    only(t, ['mode', 'bands'], `${at}.tiers`);
    if (t.mode !== 'band' && t.mode !== 'marginal') throw invalid(`${at}.tiers.mode`, 'band or marginal');
    if (!Array.isArray(t.bands)) throw invalid(`${at}.tiers.bands`, 'a list of bands');
    f.tiers = {
      mode: t.mode,
      bands: t.bands.map((b: unknown, i: number) => {
        const bf = `${at}.tiers.bands[${i}]`;
        if (!isObject(b)) throw invalid(bf, 'a band: up_to, percent, fixed');
        only(b, ['up_to', 'percent', 'fixed'], bf);
        if (b.up_to === undefined) throw invalid(`${bf}.up_to`, 'required (null for the last band)');
        return {
          upTo: b.up_to === null ? null : minor(b.up_to, `${bf}.up_to`),
          ...(b.percent !== undefined ? { percent: percent(b.percent, `${bf}.percent`) } : {}),
          ...(b.fixed !== undefined ? { fixed: minor(b.fixed, `${bf}.fixed`) } : {}),
        };
      }),
    };
  }
  if (f.percent === undefined && f.fixed === undefined && f.tiers === undefined) throw invalid(at, 'give percent, fixed or tiers');
  return f;
}

/** Reads and checks a rule given to the API; every error names its field (`items.scheme.percent`). */
export function feeRuleFromJson(id: string, body: unknown): FeeRule {
  if (!isObject(body)) throw invalid('body', 'a fee rule object');
  only(body, ['channel', 'effective_from', 'effective_to', 'match', 'items', 'rounding', 'note'], '');
  if (typeof body.channel !== 'string') throw invalid('channel', 'required');
  if (typeof body.effective_from !== 'string') throw invalid('effective_from', 'required, a date YYYY-MM-DD');
  if (body.effective_to !== undefined && body.effective_to !== null && typeof body.effective_to !== 'string') throw invalid('effective_to', 'a date YYYY-MM-DD or null');
  if (typeof body.rounding !== 'string') throw invalid('rounding', 'required: floor, ceiling, half_up, half_even or half_down');
  const match: FeeRuleMatch = {};
  if (body.match !== undefined) {
    if (!isObject(body.match)) throw invalid('match', 'an object of conditions');
    only(body.match, MATCH_FIELDS.map(([k]) => k), 'match');
    for (const [k, m] of MATCH_FIELDS) {
      const v = body.match[k];
      if (v === undefined) continue;
      if (typeof v !== 'string' || v.trim() === '') throw invalid(`match.${k}`, 'a non-empty string');
      match[m] = v;
    }
  }
  if (!isObject(body.items) || Object.keys(body.items).length === 0) throw invalid('items', 'at least one fee item: acquirer, interchange, scheme, other, three_ds');
  const items: FeeRule['items'] = {};
  for (const [name, value] of Object.entries(body.items)) {
    const item = ITEM_NAMES.find(([n]) => n === name)?.[1];
    if (!item) throw invalid(`items.${name}`, 'not a fee item (acquirer, interchange, scheme, other, three_ds)');
    items[item] = formula(value, `items.${name}`);
  }
  return validateFeeRule({
    id,
    channel: body.channel,
    effectiveFrom: body.effective_from,
    effectiveTo: (body.effective_to as string | null | undefined) ?? null,
    match,
    items,
    rounding: body.rounding as RoundingMode,
  });
}

function formulaJson(f: FeeFormula): FormulaJson {
  const out: FormulaJson = {};
  if (f.percent !== undefined) out.percent = f.percent;
  if (f.fixed !== undefined) out.fixed = f.fixed.toString();
  if (f.min !== undefined) out.min = f.min.toString();
  if (f.max !== undefined) out.max = f.max.toString();
  if (f.tiers) {
    out.tiers = {
      mode: f.tiers.mode,
      bands: f.tiers.bands.map((b) => ({
        up_to: b.upTo === null ? null : b.upTo.toString(),
        ...(b.percent !== undefined ? { percent: b.percent } : {}),
        ...(b.fixed !== undefined ? { fixed: b.fixed.toString() } : {}),
      })),
    };
  }
  return out;
}

/** The rule's conditions and items as stored (and answered). */
export function feeRuleJsonParts(rule: FeeRule): { match: FeeRuleJson['match']; items: FeeRuleJson['items'] } {
  const match: FeeRuleJson['match'] = {};
  for (const [k, m] of MATCH_FIELDS) if (rule.match[m] !== undefined) match[k] = rule.match[m];
  const items: FeeRuleJson['items'] = {};
  for (const [name, item] of ITEM_NAMES) {
    const f = rule.items[item];
    if (f) items[name] = formulaJson(f);
  }
  return { match, items };
}

/** A stored rule back into the engine's shape (it was checked when stored). */
export function feeRuleFromStored(row: { id: string; channel: string; effective_from: string; effective_to: string | null; match: unknown; items: unknown; rounding: string }): FeeRule {
  return feeRuleFromJson(row.id, { channel: row.channel, effective_from: row.effective_from, effective_to: row.effective_to, match: row.match, items: row.items, rounding: row.rounding });
}
