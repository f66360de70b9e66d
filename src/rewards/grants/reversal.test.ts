import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { pointsToReverse } from './reversal.ts';

test('examples: floor on the running total; a full refund reverses everything', () => {
  assert.equal(pointsToReverse(300n, 10_001n, 0n, 3_333n), 99n);
  assert.equal(pointsToReverse(300n, 10_001n, 99n, 6_666n), 100n);
  assert.equal(pointsToReverse(300n, 10_001n, 199n, 10_001n), 101n);
  assert.equal(pointsToReverse(300n, 10_001n, 300n, 20_000n), 0n);
  assert.equal(pointsToReverse(0n, 10_000n, 0n, 10_000n), 0n);
  assert.equal(pointsToReverse(5n, 0n, 0n, 100n), 0n);
});

test('property: any split of refunds, in any order, reverses floor(points × refunded / amount), never more than granted', () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: 1_000_000n }),
      fc.bigInt({ min: 1n, max: 10_000_000n }),
      fc.array(fc.bigInt({ min: 1n, max: 5_000_000n }), { minLength: 1, maxLength: 12 }),
      (points, amount, refunds) => {
        let reversed = 0n;
        let soFar = 0n;
        for (const r of refunds) {
          soFar += r;
          const delta = pointsToReverse(points, amount, reversed, soFar);
          assert.ok(delta >= 0n);
          reversed += delta;
          assert.ok(reversed <= points);
        }
        const share = soFar < amount ? soFar : amount;
        assert.equal(reversed, (points * share) / amount);
        if (soFar >= amount) assert.equal(reversed, points);
      },
    ),
  );
});
