// The decision on a match group, table-driven: one row per reason (alone or with the reasons that
// must come with it), the look-back boundary, and the matched cases. The same table is run through
// the SQL form in test/reconciliation-matching.int.test.ts, so the matcher decides exactly this.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DISCREPANCY_REASONS, decide } from './discrepancy-rules.ts';
import { DECISIONS, base } from '../../test/support/reconciliation.ts';

for (const [name, change, status, reasons] of DECISIONS) {
  test(`decide: ${name}`, () => {
    const d = decide({ ...base, ...change });
    assert.equal(d.status, status);
    assert.deepEqual([...d.reasons].sort(), [...reasons].sort());
  });
}

test('every reason is decided by at least one row of the table', () => {
  const seen = new Set(DECISIONS.flatMap(([, , , reasons]) => reasons));
  assert.deepEqual(DISCREPANCY_REASONS.filter((r) => !seen.has(r)), []);
});
