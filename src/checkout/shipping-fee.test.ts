import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isKessaiError } from '../errors/index.ts';
import { LIMITS } from './context.ts';
import { checkBands, computeShippingFee, type ShippingRule } from './shipping-fee.ts';

const RULES: ShippingRule[] = [
  // Tokyo, JPY: ≤ 2 kg 800, ≤ 5 kg 1200, ≤ 10 kg 1800; free from 5,000 yen.
  { id: 'shr_tokyo', region: 'JP-13', currency: 'JPY', bands: [{ upToGrams: 2000, fee: 800n }, { upToGrams: 5000, fee: 1200n }, { upToGrams: 10000, fee: 1800n }], freeShippingThreshold: 5000n },
  // Hokkaido: one limited band and an open-ended one; never free.
  { id: 'shr_hokkaido', region: 'JP-01', currency: 'JPY', bands: [{ upToGrams: 1000, fee: 1000n }, { upToGrams: null, fee: 2500n }], freeShippingThreshold: null },
  // Tokyo in USD (minor units: cents); free from 0 means always free.
  { id: 'shr_tokyo_usd', region: 'JP-13', currency: 'USD', bands: [{ upToGrams: 5000, fee: 1500n }], freeShippingThreshold: 0n },
];

type Expected = { fee: bigint; rule: string; band: number; free: boolean } | { error: string };

// [case, region, currency, weightGrams, subtotal, expected]
const ROWS: Array<[string, string, string, number, bigint, Expected]> = [
  ['empty parcel weight falls in the first band', 'JP-13', 'JPY', 0, 1000n, { fee: 800n, rule: 'shr_tokyo', band: 0, free: false }],
  ['1 g', 'JP-13', 'JPY', 1, 1000n, { fee: 800n, rule: 'shr_tokyo', band: 0, free: false }],
  ['exactly on the first limit stays in the first band', 'JP-13', 'JPY', 2000, 1000n, { fee: 800n, rule: 'shr_tokyo', band: 0, free: false }],
  ['one gram over the first limit is the second band', 'JP-13', 'JPY', 2001, 1000n, { fee: 1200n, rule: 'shr_tokyo', band: 1, free: false }],
  ['exactly on the last limit', 'JP-13', 'JPY', 10000, 1000n, { fee: 1800n, rule: 'shr_tokyo', band: 2, free: false }],
  ['one gram over the last limit cannot ship', 'JP-13', 'JPY', 10001, 1000n, { error: 'KS_ERR_SHIPPING_WEIGHT_EXCEEDED' }],
  ['too heavy even when free', 'JP-13', 'JPY', 10001, 9000n, { error: 'KS_ERR_SHIPPING_WEIGHT_EXCEEDED' }],
  ['one yen under the free threshold pays', 'JP-13', 'JPY', 3000, 4999n, { fee: 1200n, rule: 'shr_tokyo', band: 1, free: false }],
  ['exactly at the free threshold ships free', 'JP-13', 'JPY', 3000, 5000n, { fee: 0n, rule: 'shr_tokyo', band: 1, free: true }],
  ['above the free threshold ships free', 'JP-13', 'JPY', 9000, 12000n, { fee: 0n, rule: 'shr_tokyo', band: 2, free: true }],
  ['an open-ended last band takes any weight', 'JP-01', 'JPY', 250000, 100n, { fee: 2500n, rule: 'shr_hokkaido', band: 1, free: false }],
  ['no threshold: never free', 'JP-01', 'JPY', 500, 10000000n, { fee: 1000n, rule: 'shr_hokkaido', band: 0, free: false }],
  ['the rule is chosen by currency too', 'JP-13', 'USD', 100, 1n, { fee: 0n, rule: 'shr_tokyo_usd', band: 0, free: true }],
  ['no rule for the region', 'JP-47', 'JPY', 100, 1000n, { error: 'KS_ERR_SHIPPING_RULE_NOT_FOUND' }],
  ['a rule for the region in another currency only', 'JP-01', 'USD', 100, 1000n, { error: 'KS_ERR_SHIPPING_RULE_NOT_FOUND' }],
  ['region codes are exact', 'jp-13', 'JPY', 100, 1000n, { error: 'KS_ERR_SHIPPING_RULE_NOT_FOUND' }],
];

describe('computeShippingFee', () => {
  for (const [name, region, currency, weightGrams, subtotal, expected] of ROWS) {
    test(name, () => {
      const parcel = { region, currency, weightGrams, subtotal };
      if ('error' in expected) {
        assert.throws(
          () => computeShippingFee(RULES, parcel),
          (err) => isKessaiError(err) && err.code === expected.error && err.details.region === region && err.message.includes(region),
        );
        return;
      }
      assert.deepEqual(computeShippingFee(RULES, parcel), { fee: expected.fee, ruleId: expected.rule, band: expected.band, freeShipping: expected.free });
    });
  }

  test('no rules at all is a clear error naming the region and currency', () => {
    assert.throws(
      () => computeShippingFee([], { region: 'JP-13', currency: 'JPY', weightGrams: 1, subtotal: 1n }),
      (err) => isKessaiError(err) && err.code === 'KS_ERR_SHIPPING_RULE_NOT_FOUND' && err.details.currency === 'JPY' && /JP-13 in JPY/.test(err.message),
    );
  });
});

describe('checkBands', () => {
  const bad: Array<[string, Array<{ upToGrams: number | null; fee: bigint }>, string]> = [
    ['no bands', [], 'bands'],
    ['a limit that does not rise', [{ upToGrams: 1000, fee: 1n }, { upToGrams: 1000, fee: 2n }], 'bands[1].up_to_grams'],
    ['a falling limit', [{ upToGrams: 1000, fee: 1n }, { upToGrams: 500, fee: 2n }], 'bands[1].up_to_grams'],
    ['no limit before the last band', [{ upToGrams: null, fee: 1n }, { upToGrams: 500, fee: 2n }], 'bands[0].up_to_grams'],
    ['too many bands', Array.from({ length: LIMITS.maxBands + 1 }, (_, i) => ({ upToGrams: i + 1, fee: 1n })), 'bands'],
  ];
  for (const [name, bands, field] of bad) {
    test(`refuses ${name} (field ${field})`, () => {
      assert.throws(() => checkBands(bands, LIMITS.maxBands), (err) => isKessaiError(err) && err.code === 'KS_ERR_VALIDATION' && err.details.field === field);
    });
  }
  test('accepts ascending limits with an open-ended last band', () => {
    checkBands([{ upToGrams: 1, fee: 0n }, { upToGrams: 2, fee: 1n }, { upToGrams: null, fee: 2n }], LIMITS.maxBands);
  });
});
