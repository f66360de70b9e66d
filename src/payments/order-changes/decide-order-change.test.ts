import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ORDER_CHANGE_RULES as R, decideOrderChange, InvalidOrderChange, type OrderChangeFacts, type Decision } from './decide-order-change.ts';

// The same rows as docs/order-changes.md: kind, current total, new total, authorized → decision, total, rule.
const ROWS: Array<[string, Omit<OrderChangeFacts, 'kind'> & { kind: OrderChangeFacts['kind'] }, Decision, bigint, string]> = [
  ['items up re-authorizes', { kind: 'items', currentTotal: 5000n, newTotal: 6000n, authorized: 5000n }, 'reauthorize', 6000n, R.higher],
  ['items down keeps', { kind: 'items', currentTotal: 5000n, newTotal: 4000n, authorized: 5000n }, 'keep', 4000n, R.equalOrLower],
  ['items unchanged keeps', { kind: 'items', currentTotal: 5000n, newTotal: 5000n, authorized: 5000n }, 'keep', 5000n, R.equalOrLower],
  ['items back up within the authorization keeps', { kind: 'items', currentTotal: 4000n, newTotal: 4800n, authorized: 5000n }, 'keep', 4800n, R.equalOrLower],
  ['delivery slot with a higher day price re-authorizes', { kind: 'delivery_slot', currentTotal: 1480n, newTotal: 1780n, authorized: 1480n }, 'reauthorize', 1780n, R.higher],
  ['delivery slot with the same price keeps', { kind: 'delivery_slot', currentTotal: 1480n, newTotal: 1480n, authorized: 1480n }, 'keep', 1480n, R.equalOrLower],
  ['stock-out lowers and keeps', { kind: 'stockout', currentTotal: 5000n, newTotal: 4850n, authorized: 5000n }, 'keep', 4850n, R.stockout],
  ['substitution dearer than the original is capped', { kind: 'substitution', currentTotal: 5000n, newTotal: 5020n, authorized: 5000n, originalLineAmount: 150n, substituteLineAmount: 170n }, 'keep', 5000n, R.substitution],
  ['substitution cheaper than the original lowers', { kind: 'substitution', currentTotal: 5000n, newTotal: 4980n, authorized: 5000n, originalLineAmount: 150n, substituteLineAmount: 130n }, 'keep', 4980n, R.substitution],
  ['points bring the total to 0: void', { kind: 'discount', currentTotal: 3000n, newTotal: 0n, authorized: 3000n }, 'void', 0n, R.discountToZeroWithAuthorization],
  ['points on a 0 order: 0 → 0 takes none', { kind: 'discount', currentTotal: 0n, newTotal: 0n, authorized: 0n }, 'keep', 0n, R.zeroToZero],
  ['coupon lowers but not to 0: keep', { kind: 'discount', currentTotal: 3000n, newTotal: 2500n, authorized: 3000n }, 'keep', 2500n, R.equalOrLower],
  ['total goes from 0 to more: authorize', { kind: 'items', currentTotal: 0n, newTotal: 1200n, authorized: 0n }, 'authorize', 1200n, R.zeroToPositive],
  ['discount removed from a 0 order: authorize', { kind: 'discount', currentTotal: 0n, newTotal: 800n, authorized: 0n }, 'authorize', 800n, R.zeroToPositive],
  ['cancellation voids', { kind: 'cancel', currentTotal: 5000n, newTotal: 0n, authorized: 5000n }, 'void', 0n, R.cancel],
];

describe('order-change decision table', () => {
  for (const [name, facts, decision, total, rule] of ROWS) {
    test(name, () => {
      assert.deepEqual(decideOrderChange(facts), { decision, total, rule });
    });
  }

  test('every rule of the table has a row', () => {
    const covered = new Set(ROWS.map((r) => r[4]));
    assert.deepEqual([...Object.values(R)].filter((r) => !covered.has(r)), []);
  });

  test('a stock-out or substitution that raises the total is refused', () => {
    assert.throws(() => decideOrderChange({ kind: 'stockout', currentTotal: 100n, newTotal: 200n, authorized: 100n }), InvalidOrderChange);
    assert.throws(() => decideOrderChange({ kind: 'substitution', currentTotal: 100n, newTotal: 200n, authorized: 100n, originalLineAmount: 50n, substituteLineAmount: 50n }), InvalidOrderChange);
    assert.throws(() => decideOrderChange({ kind: 'substitution', currentTotal: 100n, newTotal: 90n, authorized: 100n }), InvalidOrderChange);
  });

  test('property: only an increase above the authorization ever asks for new authority', () => {
    const amount = fc.bigInt({ min: 0n, max: 10n ** 9n });
    fc.assert(
      fc.property(fc.constantFrom('items', 'delivery_slot', 'discount'), amount, amount, (kind, newTotal, authorized) => {
        const d = decideOrderChange({ kind: kind as 'items', currentTotal: authorized, newTotal, authorized });
        if (d.decision === 'reauthorize') assert.ok(newTotal > authorized && authorized > 0n);
        if (d.decision === 'authorize') assert.ok(authorized === 0n && newTotal > 0n);
        if (newTotal <= authorized && newTotal > 0n) assert.equal(d.decision, 'keep');
      }),
    );
  });

  test('property: a substitution never makes the customer pay more than before', () => {
    const amount = fc.bigInt({ min: 0n, max: 10n ** 6n });
    fc.assert(
      fc.property(amount, amount, amount, (rest, original, substitute) => {
        const current = rest + original;
        const d = decideOrderChange({ kind: 'substitution', currentTotal: current, newTotal: rest + substitute, authorized: current, originalLineAmount: original, substituteLineAmount: substitute });
        assert.ok(d.total <= current);
        assert.equal(d.decision, 'keep');
      }),
    );
  });
});
