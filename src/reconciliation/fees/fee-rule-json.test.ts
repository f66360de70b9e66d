// A rule as the API takes it and as it is stored: read into the engine's shape, written back the
// same (so a stored rule prices like the one given), and every refusal naming its field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKessaiError } from '../../errors/index.ts';
import { computeFees } from './compute-fees.ts';
import { feeRuleFromJson, feeRuleFromStored, feeRuleJsonParts } from './fee-rule-json.ts';

const BODY = {
  channel: 'adyen',
  effective_from: '2026-01-01',
  effective_to: null,
  match: { card_brand: 'visa', currency: 'JPY' },
  items: {
    acquirer: { percent: '1.4', fixed: 25, min: '30' },
    three_ds: { fixed: 5 },
    other: { tiers: { mode: 'marginal', bands: [{ up_to: 10000, percent: '2' }, { up_to: null, percent: '1' }] } },
  },
  rounding: 'half_even',
};

test('a rule read, stored and read back prices the same', () => {
  const rule = feeRuleFromJson('rfee_1', BODY);
  assert.equal(rule.items.threeDS?.fixed, 5n);
  const parts = feeRuleJsonParts(rule);
  assert.deepEqual(parts.match, { card_brand: 'visa', currency: 'JPY' });
  assert.deepEqual(parts.items.acquirer, { percent: '1.4', fixed: '25', min: '30' });
  const stored = feeRuleFromStored({ id: 'rfee_1', channel: 'adyen', effective_from: '2026-01-01', effective_to: null, rounding: 'half_even', ...parts });
  assert.deepEqual(stored, rule);
  const line = { channel: 'adyen', postDate: '2026-02-01', amount: 25_000n, currency: 'JPY', cardBrand: 'VISA' };
  const fees = computeFees([stored], line);
  assert.deepEqual(fees?.items, { acquirer: 375n, interchange: null, scheme: null, other: 350n, threeDS: 5n });
});

const REFUSED: Array<[string, Record<string, unknown>, string]> = [
  ['an item that is not a formula', { items: { acquirer: 3 } }, 'items.acquirer'],
  ['a formula with nothing to price', { items: { acquirer: { min: 3 } } }, 'items.acquirer'],
  ['an unknown formula field', { items: { acquirer: { percent: '1', rate: '2' } } }, 'items.acquirer.rate'],
  ['a tier mode that is not one', { items: { other: { tiers: { mode: 'flat', bands: [] } } } }, 'items.other.tiers.mode'],
  ['a band without up_to', { items: { other: { tiers: { mode: 'band', bands: [{ fixed: 1 }] } } } }, 'items.other.tiers.bands[0].up_to'],
  ['a percent given as a number', { items: { scheme: { percent: 1.5 } } }, 'items.scheme.percent'],
  ['an empty condition', { match: { region: ' ' } }, 'match.region'],
  ['no items', { items: {} }, 'items'],
  ['an unknown field', { priority: 1 }, 'priority'],
];
for (const [what, change, field] of REFUSED) {
  test(`refuses ${what}, naming ${field}`, () => {
    try {
      feeRuleFromJson('rfee_x', { ...BODY, ...change });
    } catch (err) {
      assert.ok(isKessaiError(err) && err.code === 'KS_ERR_FEE_RULE_INVALID', String(err));
      assert.equal(err.details.field, field);
      return;
    }
    assert.fail('expected a refusal');
  });
}
