import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { currencyExponent, formatMinor, parseMajor } from '../console/src/lib/money.ts';

/** The console's money formatting and parsing: integer minor units, no floating point. */
describe('console money', () => {
  test('formats minor units by the currency exponent', () => {
    assert.equal(formatMinor(5000, 'JPY'), '5,000');
    assert.equal(formatMinor(123456, 'USD'), '1,234.56');
    assert.equal(formatMinor(5, 'USD'), '0.05');
    assert.equal(formatMinor(1234567, 'KWD'), '1,234.567');
    assert.equal(formatMinor(0, 'KWD'), '0.000');
    assert.equal(formatMinor(-250, 'EUR'), '−2.50');
    assert.equal(formatMinor(Number.MAX_SAFE_INTEGER, 'USD'), '90,071,992,547,409.91');
    assert.equal(formatMinor('900719925474099123', 'JPY'), '900,719,925,474,099,123');
    assert.equal(currencyExponent('jpy'), 0);
  });

  test('parses what an operator types into minor units', () => {
    assert.deepEqual(parseMajor('5,000', 'JPY'), { ok: true, minor: 5000 });
    assert.deepEqual(parseMajor('12.3', 'USD'), { ok: true, minor: 1230 });
    assert.deepEqual(parseMajor('0.1', 'USD'), { ok: true, minor: 10 });
    assert.deepEqual(parseMajor('1.005', 'KWD'), { ok: true, minor: 1005 });
    assert.deepEqual(parseMajor(' 19.99 ', 'USD'), { ok: true, minor: 1999 });
  });

  test('refuses what cannot be an exact positive amount', () => {
    for (const [text, currency] of [['12.5', 'JPY'], ['1.234', 'USD'], ['-1', 'USD'], ['abc', 'USD'], ['0', 'USD'], ['', 'USD'], ['1e3', 'USD'], ['99999999999999999', 'JPY']]) {
      assert.equal(parseMajor(text!, currency!).ok, false, `${text} ${currency}`);
    }
  });
});
