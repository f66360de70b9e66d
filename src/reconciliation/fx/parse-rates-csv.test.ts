import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKessaiError } from '../../errors/index.ts';
import { parseRatesCsv } from './parse-rates-csv.ts';

test('reads rates by header name, any column order, BOM and CRLF', () => {
  const rates = parseRatesCsv('\uFEFFRate,Date,Quote,Base,source\r\n154.235,2026-11-20,JPY,usd,ecb\r\n\r\n0.0064833,2026-11-20,USD,JPY,ecb\r\n');
  assert.deepEqual(rates, [
    { date: '2026-11-20', base: 'USD', quote: 'JPY', rate: '154.235' },
    { date: '2026-11-20', base: 'JPY', quote: 'USD', rate: '0.0064833' },
  ]);
});

const CASES: Array<[string, string, number, string]> = [
  ['date,base,quote\n2026-11-20,USD,JPY', 'a missing column', 1, 'rate'],
  ['date,base,quote,rate\n2026-02-30,USD,JPY,1', 'an impossible date', 2, 'date'],
  ['date,base,quote,rate\n2026-11-20,USX,JPY,1', 'an unknown currency', 2, 'base'],
  ['date,base,quote,rate\n2026-11-20,USD,USD,1', 'a pair of one currency', 2, 'quote'],
  ['date,base,quote,rate\n2026-11-20,USD,JPY,1.5e2', 'a float notation', 2, 'rate'],
  ['date,base,quote,rate\n2026-11-20,USD,JPY,0.000', 'a zero rate', 2, 'rate'],
  ['date,base,quote,rate\n2026-11-20,USD,JPY,150\n2026-11-20,USD,JPY,151', 'the same day and pair twice', 3, 'date'],
  ['date,base,quote,rate\n', 'no rates', 2, 'date'],
];

for (const [text, what, line, column] of CASES) {
  test(`refuses ${what}, naming line ${line} and column ${column}`, () => {
    try {
      parseRatesCsv(text);
    } catch (err) {
      assert.ok(isKessaiError(err) && err.code === 'KS_ERR_FX_RATES_MALFORMED', String(err));
      assert.equal(err.details.line, line);
      assert.equal(err.details.column_name, column);
      return;
    }
    assert.fail('expected a refusal');
  });
}
