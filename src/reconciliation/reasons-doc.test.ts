// docs/reconciliation.md stays true to the code: its reason table is DISCREPANCY_RULES (same
// reasons, same order, same meaning), and its steps are the run workflow's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DISCREPANCY_RULES, RUN_STEPS } from './index.ts';

const doc = readFileSync(new URL('../../docs/reconciliation.md', import.meta.url), 'utf8');

test('the reason table lists exactly the rules, in order, with their meaning', () => {
  const section = doc.slice(doc.indexOf('### Discrepancy reasons'), doc.indexOf('## The look-back'));
  const rows = [...section.matchAll(/^\| `([a-z_]+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(rows, DISCREPANCY_RULES.map((r) => [r.reason, r.meaning]));
});

test('the run steps are named in the doc, in order', () => {
  const named = RUN_STEPS.map((s) => doc.indexOf(`\`${s}\``));
  assert.ok(named.every((i) => i > 0), `every step is named: ${RUN_STEPS.join(', ')}`);
  assert.deepEqual([...named].sort((a, b) => a - b), named);
});
