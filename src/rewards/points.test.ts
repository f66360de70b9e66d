import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { currencyExponent, pow10, type Decimal } from '../money/index.ts';
import { POINTS_ROUNDING, type StageRate } from './model.ts';
import { computePoints, parseRate, rateForStage } from './points.ts';

const amount = fc.bigInt({ min: 0n, max: 10n ** 15n });
/** Rates as the API takes them: 0 to 100 %, up to four decimals. */
const rate = fc.bigInt({ min: 0n, max: 1_000_000n }).chain((c) => fc.integer({ min: 0, max: 4 }).map((scale): Decimal => ({ coefficient: c / pow10(4 - scale), scale })));
const currency = fc.constantFrom('JPY', 'USD', 'KWD', 'CLF');
const rounding = fc.constantFrom(...POINTS_ROUNDING);

/** The exact points as a fraction n / d, from the definition (major units × percent / 100). */
function exact(a: bigint, cur: string, r: Decimal): { n: bigint; d: bigint } {
  return { n: a * r.coefficient, d: pow10(currencyExponent(cur)! + r.scale + 2) };
}

describe('points rounding', () => {
  test('examples: major units × percent', () => {
    assert.equal(computePoints(10_000n, 'JPY', parseRate('1.0'), 'floor'), 100n);
    assert.equal(computePoints(10_000n, 'USD', parseRate('1.0'), 'floor'), 1n, '100.00 USD at 1 %');
    assert.equal(computePoints(1_234n, 'JPY', parseRate('3.0'), 'floor'), 37n);
    assert.equal(computePoints(1_234n, 'JPY', parseRate('3.0'), 'ceiling'), 38n);
    assert.equal(computePoints(250n, 'JPY', parseRate('1.0'), 'half_up'), 3n);
    assert.equal(computePoints(250n, 'JPY', parseRate('1.0'), 'half_even'), 2n);
    assert.equal(computePoints(350n, 'JPY', parseRate('1.0'), 'half_even'), 4n);
    assert.throws(() => computePoints(-1n, 'JPY', parseRate('1.0'), 'floor'), RangeError);
  });

  test('property: never negative, and floor ≤ exact ≤ ceiling with every rule in between', () => {
    fc.assert(
      fc.property(amount, currency, rate, (a, cur, r) => {
        const { n, d } = exact(a, cur, r);
        const floor = computePoints(a, cur, r, 'floor');
        const ceiling = computePoints(a, cur, r, 'ceiling');
        assert.ok(floor >= 0n);
        assert.ok(floor * d <= n && n <= ceiling * d, 'floor ≤ exact ≤ ceiling');
        assert.ok(ceiling - floor <= 1n);
        for (const mode of POINTS_ROUNDING) {
          const p = computePoints(a, cur, r, mode);
          assert.ok(floor <= p && p <= ceiling, mode);
          // Half modes are within half a point of the exact value.
          if (mode.startsWith('half')) assert.ok((p * d - n) * 2n <= d && (n - p * d) * 2n <= d, mode);
        }
      }),
    );
  });

  test('property: monotonic in the amount, for every rule', () => {
    fc.assert(
      fc.property(amount, amount, currency, rate, rounding, (x, y, cur, r, mode) => {
        const [lo, hi] = x <= y ? [x, y] : [y, x];
        assert.ok(computePoints(lo, cur, r, mode) <= computePoints(hi, cur, r, mode));
      }),
    );
  });

  test('property: monotonic in the rate', () => {
    fc.assert(
      fc.property(amount, currency, rate, rate, rounding, (a, cur, r1, r2, mode) => {
        const le = r1.coefficient * pow10(r2.scale) <= r2.coefficient * pow10(r1.scale);
        const [lo, hi] = le ? [r1, r2] : [r2, r1];
        assert.ok(computePoints(a, cur, lo, mode) <= computePoints(a, cur, hi, mode));
      }),
    );
  });
});

describe('stage → rate', () => {
  const table: StageRate[] = [10, 20, 30, 40].map((s) => ({ minStage: s, ratePercent: parseRate(`${s / 10}.0`) }));

  test('the highest threshold at or below the stage', () => {
    const at = (stage: number | null) => rateForStage(table, stage)?.minStage ?? null;
    assert.deepEqual([null, 9, 10, 11, 19, 20, 29, 30, 40, 99].map(at), [null, null, 10, 10, 10, 20, 20, 30, 40, 40]);
  });

  test('property: the chosen row is at or below the stage and no row between them', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 1100 }), (stages, stage) => {
        const rates = [...stages].sort((a, b) => a - b).map((s) => ({ minStage: s, ratePercent: parseRate('1') }));
        const chosen = rateForStage(rates, stage);
        const candidates = stages.filter((s) => s <= stage);
        if (candidates.length === 0) assert.equal(chosen, null);
        else assert.equal(chosen?.minStage, Math.max(...candidates));
      }),
    );
  });
});
