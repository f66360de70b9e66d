import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { allocateWithinCaps, capMonth, isTimeZone } from './caps.ts';

const points = fc.bigInt({ min: 0n, max: 10n ** 12n });
const remaining = fc.option(fc.bigInt({ min: -1000n, max: 10n ** 12n }), { nil: null });

describe('allocateWithinCaps', () => {
  test('examples: all, the remainder, nothing', () => {
    assert.deepEqual(allocateWithinCaps(300n, 1000n, null), { points: 300n, limitedBy: null });
    assert.deepEqual(allocateWithinCaps(300n, 120n, null), { points: 120n, limitedBy: 'customer_month_cap' }, 'the payment crossing the cap gets the remainder');
    assert.deepEqual(allocateWithinCaps(300n, 0n, 5000n), { points: 0n, limitedBy: 'customer_month_cap' });
    assert.deepEqual(allocateWithinCaps(300n, 200n, 50n), { points: 50n, limitedBy: 'campaign_budget' }, 'the tighter cap decides');
    assert.deepEqual(allocateWithinCaps(300n, null, null), { points: 300n, limitedBy: null });
    assert.deepEqual(allocateWithinCaps(0n, 0n, 0n), { points: 0n, limitedBy: null }, 'nothing asked, nothing cut');
  });

  test('property: 0 ≤ granted = min(requested, remainders) ≤ each of them', () => {
    fc.assert(
      fc.property(points, remaining, remaining, (requested, month, budget) => {
        const { points: granted, limitedBy } = allocateWithinCaps(requested, month, budget);
        const rooms = [requested, ...[month, budget].filter((r): r is bigint => r !== null).map((r) => (r > 0n ? r : 0n))];
        const min = rooms.reduce((a, b) => (a < b ? a : b));
        assert.equal(granted, min);
        assert.ok(granted >= 0n && granted <= requested);
        assert.equal(limitedBy === null, granted === requested);
      }),
    );
  });

  test('property: grants in any order never exceed the cap, and fill it up to what was asked', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 10_000n }), { maxLength: 50 }), fc.bigInt({ min: 1n, max: 50_000n }), fc.option(fc.bigInt({ min: 1n, max: 50_000n }), { nil: null }), (requests, cap, budget) => {
        let used = 0n;
        let spent = 0n;
        for (const r of requests) {
          const a = allocateWithinCaps(r, cap - used, budget === null ? null : budget - spent);
          used += a.points;
          spent += a.points;
        }
        const asked = requests.reduce((a, b) => a + b, 0n);
        const limit = budget !== null && budget < cap ? budget : cap;
        assert.ok(used <= cap && (budget === null || spent <= budget));
        assert.equal(used, asked < limit ? asked : limit, 'the remainder is always granted, so the cap fills exactly');
      }),
    );
  });
});

describe('capMonth', () => {
  test('calendar months in the campaign’s timezone', () => {
    // 2026-11-30 15:00 UTC is already 1 December in Tokyo.
    assert.equal(capMonth(new Date('2026-11-30T14:59:59.999Z')), '2026-11');
    assert.equal(capMonth(new Date('2026-11-30T15:00:00Z')), '2026-12');
    assert.equal(capMonth(new Date('2026-11-30T15:00:00Z'), 'UTC'), '2026-11');
    assert.equal(capMonth(new Date('2026-12-31T15:00:00Z'), 'Asia/Tokyo'), '2027-01');
    assert.equal(capMonth(new Date('2027-01-01T04:00:00Z'), 'America/New_York'), '2026-12');
  });

  test('timezones are checked', () => {
    assert.ok(isTimeZone('Asia/Tokyo'));
    assert.ok(!isTimeZone('Mars/Olympus'));
  });
});
