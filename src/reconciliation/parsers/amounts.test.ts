// The fast path for amounts gives exactly what the money module's parser gives, or leaves the
// text to the long way (which refuses it with its reason).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseMajorString } from '../../money/index.ts';
import { amountAt, exactMinorUnits } from './amounts.ts';

const CURRENCIES: Record<number, string> = { 0: 'JPY', 2: 'USD', 3: 'KWD', 4: 'CLF' };
const text = fc.tuple(fc.constantFrom('', '-', '+'), fc.stringMatching(/^\d{0,7}$/), fc.option(fc.stringMatching(/^\d{0,7}$/)), fc.constantFrom('', 'x', ' ', '.')).map(([s, w, f, junk]) => `${s}${w}${f === null ? '' : `.${f}`}${junk}`);

test('exactMinorUnits agrees with parseMajorString, and amountAt with both', () => {
  fc.assert(
    fc.property(text, fc.constantFrom(0, 2, 3, 4), (t, exponent) => {
      const currency = CURRENCIES[exponent]!;
      const fast = exactMinorUnits(t, exponent);
      // The long way: a whole part for `.5`, none of `12.`, then the money module.
      let reference: bigint | null = null;
      if (/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(t)) {
        try {
          reference = parseMajorString(t.replace(/^([+-]?)\./, '$10.').replace(/\.$/, ''), currency);
        } catch {
          reference = null;
        }
      }
      assert.equal(fast, reference, t);
      if (reference === null) assert.throws(() => amountAt(t, currency, { line: 1 }), { code: 'KS_ERR_SETTLEMENT_FILE_MALFORMED' });
      else assert.equal(amountAt(t, currency, { line: 1 }), reference);
    }),
    { numRuns: 2000 },
  );
});
