import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ROUNDING_MODES,
  allocate,
  applyRate,
  convert,
  decimalToString,
  divideDecimal,
  divideRounded,
  parseDecimal,
  parseMajorString,
  parseMinorUnits,
  prorate,
  supportedCurrencies,
  toMajorString,
  exponentOf,
  type RoundingMode,
} from './index.ts';
import { KessaiError } from '../errors/index.ts';

const bigAmount = fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n });
const positive = fc.bigInt({ min: 1n, max: 10n ** 12n });
const mode = fc.constantFrom(...ROUNDING_MODES);
const currency = fc.constantFrom(...supportedCurrencies());

describe('divideRounded', () => {
  test('table of rounding modes', () => {
    const rows: [bigint, bigint, RoundingMode, bigint][] = [
      [5n, 2n, 'half_up', 3n], [-5n, 2n, 'half_up', -3n],
      [5n, 2n, 'half_down', 2n], [-5n, 2n, 'half_down', -2n],
      [5n, 2n, 'half_even', 2n], [7n, 2n, 'half_even', 4n], [-7n, 2n, 'half_even', -4n],
      [7n, 3n, 'down', 2n], [-7n, 3n, 'down', -2n],
      [7n, 3n, 'up', 3n], [-7n, 3n, 'up', -3n],
      [7n, 3n, 'floor', 2n], [-7n, 3n, 'floor', -3n],
      [7n, 3n, 'ceiling', 3n], [-7n, 3n, 'ceiling', -2n],
      [8n, 3n, 'half_up', 3n], [6n, 3n, 'up', 2n],
    ];
    for (const [n, d, m, expected] of rows) assert.equal(divideRounded(n, d, m), expected, `${n}/${d} ${m}`);
  });

  test('result is within one unit of the exact quotient and on the right side', () => {
    fc.assert(
      fc.property(bigAmount, positive, mode, (n, d, m) => {
        const q = divideRounded(n, d, m);
        // |q*d - n| < d
        const diff = q * d - n;
        assert.ok((diff < 0n ? -diff : diff) < d);
        if (m === 'floor') assert.ok(q * d <= n);
        if (m === 'ceiling') assert.ok(q * d >= n);
        if (m.startsWith('half')) assert.ok((diff < 0n ? -diff : diff) * 2n <= d);
      }),
    );
  });

  test('half-modes agree except on exact halves', () => {
    fc.assert(
      fc.property(bigAmount, positive, (n, d) => {
        const r = n % d;
        const isHalf = (r < 0n ? -r : r) * 2n === d;
        if (!isHalf) {
          assert.equal(divideRounded(n, d, 'half_up'), divideRounded(n, d, 'half_even'));
          assert.equal(divideRounded(n, d, 'half_up'), divideRounded(n, d, 'half_down'));
        }
      }),
    );
  });
});

describe('major/minor units', () => {
  test('exponents of the currencies the brief names', () => {
    assert.equal(exponentOf('JPY'), 0);
    assert.equal(exponentOf('CNY'), 2);
    assert.equal(exponentOf('USD'), 2);
    assert.equal(exponentOf('KWD'), 3);
    assert.throws(() => exponentOf('XYZ'), (e: unknown) => e instanceof KessaiError && e.code === 'KS_ERR_CURRENCY_UNSUPPORTED');
  });

  test('toMajorString and parseMajorString round-trip', () => {
    fc.assert(
      fc.property(bigAmount, currency, (amount, cur) => {
        assert.equal(parseMajorString(toMajorString(amount, cur), cur), amount);
      }),
    );
  });

  test('examples', () => {
    assert.equal(toMajorString(1234n, 'USD'), '12.34');
    assert.equal(toMajorString(5n, 'USD'), '0.05');
    assert.equal(toMajorString(-5n, 'KWD'), '-0.005');
    assert.equal(toMajorString(1000n, 'JPY'), '1000');
    assert.equal(parseMajorString('12.3', 'USD'), 1230n);
    assert.equal(parseMajorString('12.300', 'USD'), 1230n);
    assert.throws(() => parseMajorString('12.345', 'USD'));
    assert.throws(() => parseMajorString('1.5', 'JPY'));
  });

  test('parseMinorUnits accepts safe integers and digit strings only', () => {
    assert.equal(parseMinorUnits(1500), 1500n);
    assert.equal(parseMinorUnits('1500'), 1500n);
    for (const bad of [1.5, -1, '1e3', '12.5', null, undefined, Number.MAX_SAFE_INTEGER + 2, 10 ** 16]) {
      assert.throws(() => parseMinorUnits(bad), (e: unknown) => e instanceof KessaiError && e.code === 'KS_ERR_AMOUNT_INVALID');
    }
    assert.throws(() => parseMinorUnits(0, 'amount', { allowZero: false }));
  });
});

describe('decimal maths', () => {
  test('parse and print round-trip', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 12 }), (c, s) => {
        const d = { coefficient: c, scale: s };
        const back = parseDecimal(decimalToString(d));
        assert.equal(back.coefficient, c);
        assert.equal(back.scale, s);
      }),
    );
  });

  test('division times divisor stays within half a unit at the result scale (half modes)', () => {
    fc.assert(
      fc.property(bigAmount, positive, fc.integer({ min: 0, max: 8 }), (n, d, scale) => {
        const q = divideDecimal({ coefficient: n, scale: 0 }, { coefficient: d, scale: 0 }, scale, 'half_even');
        // q.coefficient / 10^scale ≈ n/d  → |q.coef * d - n * 10^scale| * 2 <= d
        const diff = q.coefficient * d - n * 10n ** BigInt(scale);
        assert.ok((diff < 0n ? -diff : diff) * 2n <= d);
      }),
    );
  });
});

describe('fees, FX and allocation', () => {
  test('applyRate examples', () => {
    assert.equal(applyRate(10_000n, '0.0325', 'half_up'), 325n);
    assert.equal(applyRate(1_001n, '0.006', 'half_up'), 6n); // 6.006
    assert.equal(applyRate(1_083n, '0.006', 'half_up'), 6n); // 6.498
    assert.equal(applyRate(1_084n, '0.006', 'half_up'), 7n); // 6.504
    assert.equal(applyRate(250n, '0.01', 'half_even'), 2n); // 2.5 → 2
    assert.equal(applyRate(350n, '0.01', 'half_even'), 4n); // 3.5 → 4
    assert.equal(applyRate(199n, '0.01', 'down'), 1n);
  });

  test('applyRate is monotone in the amount for a non-negative rate', () => {
    fc.assert(
      fc.property(positive, positive, fc.integer({ min: 0, max: 100000 }), mode, (a, b, bp, m) => {
        const rate = { coefficient: BigInt(bp), scale: 6 };
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        assert.ok(applyRate(lo, rate, m) <= applyRate(hi, rate, m));
      }),
    );
  });

  test('convert examples across exponents', () => {
    assert.equal(convert(10_000n, 'USD', 'JPY', '151.237', 'half_up'), 15_124n); // $100 → ¥15123.7
    assert.equal(convert(15_124n, 'JPY', 'USD', '0.006612', 'half_up'), 10_000n); // ¥15124 → $99.999888
    assert.equal(convert(1_000n, 'KWD', 'USD', '3.25', 'half_up'), 325n); // 1.000 KWD → $3.25
    assert.equal(convert(100n, 'CNY', 'JPY', '20.5', 'down'), 20n);
  });

  test('convert is exact to within half a minor unit', () => {
    fc.assert(
      fc.property(bigAmount, fc.integer({ min: 1, max: 10_000_000 }), currency, currency, (amount, rc, from, to) => {
        const rate = { coefficient: BigInt(rc), scale: 4 };
        const result = convert(amount, from, to, rate, 'half_even');
        // exact = amount * rc * 10^toExp / 10^(fromExp+4)
        const n = amount * rate.coefficient * 10n ** BigInt(exponentOf(to));
        const d = 10n ** BigInt(exponentOf(from) + 4);
        const diff = result * d - n;
        assert.ok((diff < 0n ? -diff : diff) * 2n <= d);
      }),
    );
  });

  test('allocate always sums to the total and is proportional within one unit', () => {
    fc.assert(
      fc.property(bigAmount, fc.array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: 1, maxLength: 20 }), (total, weights) => {
        fc.pre(weights.some((w) => w > 0n));
        const parts = allocate(total, weights);
        assert.equal(parts.reduce((a, b) => a + b, 0n), total);
        const sum = weights.reduce((a, b) => a + b, 0n);
        parts.forEach((p, i) => {
          const exact = total * weights[i]!;
          const diff = p * sum - exact;
          assert.ok((diff < 0n ? -diff : diff) < sum);
        });
      }),
    );
  });

  test('prorated partial refunds never reverse more than was granted', () => {
    fc.assert(
      fc.property(positive, positive, positive, (granted, paid, refundedRaw) => {
        const refunded = refundedRaw > paid ? paid : refundedRaw;
        const reversed = prorate(granted, refunded, paid, 'down');
        assert.ok(reversed >= 0n && reversed <= granted);
      }),
    );
  });
});
