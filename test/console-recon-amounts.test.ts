import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatRate, parseSignedMajor, rateFraction } from '../console/src/pages/reconciliation/amounts.ts';

/** The reconciliation console's figures: signed amounts typed in major units, match rates. */
describe('console reconciliation amounts', () => {
  test('signed major units to minor units, exact, by the currency exponent', () => {
    assert.deepEqual(parseSignedMajor('29.00', 'CNY'), { ok: true, minor: '2900' });
    assert.deepEqual(parseSignedMajor('-12.5', 'USD'), { ok: true, minor: '-1250' });
    assert.deepEqual(parseSignedMajor('1,000', 'JPY'), { ok: true, minor: '1000' });
    assert.deepEqual(parseSignedMajor('0', 'EUR'), { ok: true, minor: '0' }, 'a fee corrected to nothing');
    assert.deepEqual(parseSignedMajor('-0.00', 'EUR'), { ok: true, minor: '0' });
    assert.deepEqual(parseSignedMajor('1.234', 'KWD'), { ok: true, minor: '1234' });
    assert.deepEqual(parseSignedMajor('0.1', 'USD'), { ok: true, minor: '10' }, 'no 0.1 float drift');
    for (const [text, currency] of [['1.5', 'JPY'], ['12.345', 'USD'], ['abc', 'USD'], ['', 'USD'], ['1e3', 'USD'], ['--1', 'USD'], ['10000000000000.01', 'USD']]) {
      assert.equal(parseSignedMajor(text!, currency!).ok, false, `${text} ${currency}`);
    }
  });

  test('any minor-unit amount printed in major units parses back to itself', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.constantFrom('JPY', 'USD', 'KWD'), (minor, currency) => {
        const exponent = currency === 'JPY' ? 0 : currency === 'USD' ? 2 : 3;
        const digits = (minor < 0n ? -minor : minor).toString().padStart(exponent + 1, '0');
        const text = `${minor < 0n ? '-' : ''}${digits.slice(0, digits.length - exponent)}${exponent ? `.${digits.slice(digits.length - exponent)}` : ''}`;
        assert.deepEqual(parseSignedMajor(text, currency), { ok: true, minor: minor.toString() });
      }),
    );
  });

  test('match rates: rounded to a tenth of a percent, from decimal strings', () => {
    assert.equal(formatRate('0.6667'), '66.7 %');
    assert.equal(formatRate('1.0000'), '100.0 %');
    assert.equal(formatRate('0.0004'), '0.0 %');
    assert.equal(formatRate('0.0005'), '0.1 %');
    assert.equal(formatRate(null), '—');
    assert.equal(rateFraction('0.7500'), 0.75);
  });
});
