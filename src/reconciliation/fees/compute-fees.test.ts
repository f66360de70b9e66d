import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isKessaiError } from '../../errors/index.ts';
import { chooseFeeRule, computeFees, type FeeableLine } from './compute-fees.ts';
import { applyFormula, validateFeeRule, type FeeRule } from './fee-rules.ts';

const rule = (r: Partial<FeeRule> & Pick<FeeRule, 'id' | 'items'>): FeeRule => ({ channel: 'stripe', effectiveFrom: '2026-01-01', effectiveTo: null, match: {}, rounding: 'half_up', ...r });

const RULES: FeeRule[] = [
  rule({ id: 'base', items: { acquirer: { percent: '3.6' } } }),
  rule({ id: 'visa', match: { cardBrand: 'visa' }, items: { acquirer: { percent: '2.9', fixed: 30n }, scheme: { percent: '0.13' } } }),
  rule({ id: 'visa-jp', match: { cardBrand: 'visa', region: 'JP' }, items: { acquirer: { percent: '2.5' }, interchange: { percent: '1.0', min: 10n } } }),
  rule({ id: 'visa-2027', effectiveFrom: '2027-01-01', match: { cardBrand: 'visa' }, items: { acquirer: { percent: '2.7' } } }),
  rule({ id: 'amex-old', effectiveTo: '2026-06-01', match: { cardBrand: 'amex' }, items: { acquirer: { percent: '3.9' } } }),
  rule({ id: 'tiers-band', match: { paymentMethod: 'konbini' }, items: { other: { tiers: { mode: 'band', bands: [{ upTo: 30_000n, fixed: 190n }, { upTo: 100_000n, fixed: 440n }, { upTo: null, percent: '0.5' }] } } } }),
  rule({ id: 'tiers-marginal', match: { paymentMethod: 'bank' }, rounding: 'floor', items: { other: { tiers: { mode: 'marginal', bands: [{ upTo: 10_000n, percent: '2' }, { upTo: null, percent: '1' }] }, max: 500n } } }),
  rule({ id: '3ds', match: { kind: 'payment', region: 'EU' }, items: { acquirer: { percent: '1.4', fixed: 25n }, threeDS: { fixed: 5n } } }),
  rule({ id: 'wechat', channel: 'wechat', rounding: 'half_even', items: { acquirer: { percent: '0.6' } } }),
];

const line = (l: Partial<FeeableLine>): FeeableLine => ({ channel: 'stripe', postDate: '2026-11-20', amount: 10_000n, currency: 'JPY', ...l });

// [case, line, expected rule, expected items (acquirer, interchange, scheme, other, threeDS), net]
const CASES: Array<[string, Partial<FeeableLine>, string | null, Array<number | null>, number | null]> = [
  ['no condition: the base rule', {}, 'base', [360, null, null, null, null], 9_640],
  ['card brand: more specific wins', { cardBrand: 'VISA' }, 'visa', [320, null, 13, null, null], 9_667],
  ['brand and region: the most specific wins', { cardBrand: 'visa', region: 'JP' }, 'visa-jp', [250, 100, null, null, null], 9_650],
  ['a minimum fee', { cardBrand: 'visa', region: 'JP', amount: 500n }, 'visa-jp', [13, 10, null, null, null], 477],
  ['a later rule of equal specificity takes over from its date', { cardBrand: 'visa', postDate: '2027-03-01' }, 'visa-2027', [270, null, null, null, null], 9_730],
  ['a rule no longer in effect is skipped', { cardBrand: 'amex', postDate: '2026-07-01' }, 'base', [360, null, null, null, null], 9_640],
  ['… and applies before its end', { cardBrand: 'amex', postDate: '2026-05-31' }, 'amex-old', [390, null, null, null, null], 9_610],
  ['band tiers: the whole amount in its band', { paymentMethod: 'konbini', amount: 50_000n }, 'tiers-band', [null, null, null, 440, null], 49_560],
  ['band tiers: the band edge belongs to the lower band', { paymentMethod: 'konbini', amount: 30_000n }, 'tiers-band', [null, null, null, 190, null], 29_810],
  ['band tiers: the open band by percent', { paymentMethod: 'konbini', amount: 300_000n }, 'tiers-band', [null, null, null, 1_500, null], 298_500],
  ['marginal tiers: each slice at its own percent', { paymentMethod: 'bank', amount: 25_000n }, 'tiers-marginal', [null, null, null, 350, null], 24_650],
  ['marginal tiers: capped by max', { paymentMethod: 'bank', amount: 100_000n }, 'tiers-marginal', [null, null, null, 500, null], 99_500],
  ['3DS fee for EU payments', { kind: 'payment', region: 'EU', currency: 'EUR', amount: 2_000n }, '3ds', [53, null, null, null, 5], 1_942],
  ['a refund: fees priced on its size and given back', { kind: 'refund', amount: -10_000n }, 'base', [360, null, null, null, null], -9_640],
  ['half_even: 0.6 % of 2,575 = 15.45 → 15', { channel: 'wechat', amount: 2_575n }, 'wechat', [15, null, null, null, null], 2_560],
  ['half_even: 0.6 % of 2,625 = 15.75 → 16', { channel: 'wechat', amount: 2_625n }, 'wechat', [16, null, null, null, null], 2_609],
  ['no rule for the channel', { channel: 'paypal' }, null, [], null],
  ['before any rule took effect', { postDate: '2025-12-31' }, null, [], null],
];

describe('fee rules (table)', () => {
  for (const [name, l, ruleId, items, net] of CASES) {
    test(name, () => {
      const fees = computeFees(RULES, line(l));
      if (ruleId === null) return assert.equal(fees, null);
      assert.ok(fees);
      assert.equal(fees.ruleId, ruleId);
      assert.deepEqual([fees.items.acquirer, fees.items.interchange, fees.items.scheme, fees.items.other, fees.items.threeDS].map((v) => (v === null ? null : Number(v))), items);
      assert.equal(Number(fees.net), net);
    });
  }

  test('the choice does not depend on the order of the rules', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(RULES, { minLength: RULES.length, maxLength: RULES.length }), fc.constantFrom(...CASES.map((c) => c[1])), (shuffled, l) => {
        assert.equal(chooseFeeRule(shuffled, line(l))?.id ?? null, chooseFeeRule(RULES, line(l))?.id ?? null);
      }),
    );
  });
});

describe('fee formulas (properties)', () => {
  const percent = fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 9999 })).map(([w, f]) => `${w}.${String(f).padStart(4, '0')}`);
  const amount = fc.bigInt({ min: 0n, max: 10n ** 12n });
  const mode = fc.constantFrom('floor', 'ceiling', 'half_up', 'half_even', 'half_down' as const);

  test('never negative, never above the amount for percents under 100, and monotonic in the amount', () => {
    fc.assert(
      fc.property(percent, amount, amount, mode, (p, a, b, m) => {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        const fLo = applyFormula(lo, { percent: p }, m);
        const fHi = applyFormula(hi, { percent: p }, m);
        assert.ok(fLo >= 0n && fLo <= lo);
        assert.ok(fLo <= fHi, `${p}% of ${lo} = ${fLo} > of ${hi} = ${fHi}`);
      }),
    );
  });

  test('floor ≤ half modes ≤ ceiling, at most one minor unit apart', () => {
    fc.assert(
      fc.property(percent, amount, (p, a) => {
        const floor = applyFormula(a, { percent: p }, 'floor');
        const ceiling = applyFormula(a, { percent: p }, 'ceiling');
        const half = applyFormula(a, { percent: p }, 'half_up');
        assert.ok(floor <= half && half <= ceiling && ceiling - floor <= 1n);
      }),
    );
  });

  test('marginal tiers with one band equal the flat percent', () => {
    fc.assert(
      fc.property(percent, amount, mode, (p, a, m) => {
        assert.equal(applyFormula(a, { tiers: { mode: 'marginal', bands: [{ upTo: null, percent: p }] } }, m), applyFormula(a, { percent: p }, m));
      }),
    );
  });
});

describe('validateFeeRule', () => {
  const bad = (r: Partial<FeeRule>, field: string) => {
    try {
      validateFeeRule(rule({ id: 'x', items: {}, ...r }));
    } catch (err) {
      assert.ok(isKessaiError(err) && err.code === 'KS_ERR_FEE_RULE_INVALID', String(err));
      assert.equal(err.details.field, field);
      return;
    }
    assert.fail(`expected ${field} to be refused`);
  };
  test('names the field it refuses', () => {
    bad({ effectiveFrom: '2026/01/01' }, 'effective_from');
    bad({ effectiveTo: '2025-01-01' }, 'effective_to');
    bad({ items: { acquirer: { percent: '2,5' } } }, 'items.acquirer.percent');
    bad({ items: { acquirer: { fixed: -1n } } }, 'items.acquirer.fixed');
    bad({ items: { acquirer: { min: 10n, max: 5n } } }, 'items.acquirer.min');
    bad({ items: { other: { tiers: { mode: 'band', bands: [{ upTo: null, fixed: 1n }, { upTo: 5n, fixed: 2n }] } } } }, 'items.other.tiers.bands[0].up_to');
    bad({ items: { other: { tiers: { mode: 'band', bands: [{ upTo: 10n }, { upTo: 5n }, { upTo: null }] } } } }, 'items.other.tiers.bands[1].up_to');
    assert.equal(validateFeeRule(RULES[5]!).id, 'tiers-band');
  });
});
