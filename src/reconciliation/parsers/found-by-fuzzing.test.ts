// The parser bugs the round-trip and fuzz tests found, each pinned by one fixed case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readAll, whole } from '../../../test/fixtures/settlement/support.ts';
import { writeAlipayBill } from './testing/write-alipay.ts';
import { writeGenericFile, type GenericRow } from './testing/write-generic.ts';
import { writePaypalReport, type PaypalRow } from './testing/write-paypal.ts';
import { detectSettlementFormat, parseAlipayBill, parseGenericSettlement, parsePaypalStl } from './index.ts';

const row: GenericRow = { reference: 'TX-1', order: 'KS-1', kind: 'refund', date: 500_000_000, amount: -1000n, currency: 'EUR', settled: null, fee: -25n, description: 'x' };

test('generic, debit/credit: a fee keeps its own sign under the line’s flag, read by the fee sign', async () => {
  for (const feeSign of ['positive_is_charge', 'negative_is_charge'] as const) {
    const file = writeGenericFile({
      delimiter: ';', amountFormat: 'decimal', decimalSeparator: ',', thousands: false, signConvention: 'debit_credit', feeSign, dateFormat: 'DD.MM.YYYY',
      fixedCurrency: null, title: false, comments: false, order: [...Array(13).keys()], encoding: 'utf-8', eol: '\n',
      rows: [row, { ...row, reference: 'TX-2', kind: 'payment', amount: 5000n, fee: 75n }],
    });
    const { lines } = await readAll(parseGenericSettlement(whole(file.bytes), file.mapping));
    // A fee given back (−0,25) on a debit line stays given back; a charge stays a charge.
    assert.deepEqual(lines.map((l) => [l.settlement!.amount, l.fees.acquirer, l.net!.amount]), [[-1000n, -25n, -975n], [5000n, 75n, 4925n]], feeSign);
  }
});

test('Alipay account bill: expenses printed bare and with a minus sign add up to the 支出合计', async () => {
  const expense = { type: '提现' as const, serialNo: '1', bizNo: '2', orderId: 'KS-1', product: '商品', time: 500_000_000, amount: -100n, channel: '余额' };
  const bill = writeAlipayBill({ kind: 'account', encoding: 'gbk', eol: '\r\n', rows: [{ ...expense, signedExpense: true }, { ...expense, signedExpense: false }] });
  const { result } = await readAll(parseAlipayBill(whole(bill.bytes)));
  assert.equal(result.footer.status, 'passed', JSON.stringify(result.problems));
});

test('Alipay trade bill cut between its two footer lines: the footer is missing, not passed', async () => {
  const bill = writeAlipayBill({ kind: 'trade', encoding: 'utf-8', eol: '\n', rows: [] });
  const text = bill.bytes.toString('utf8');
  const cut = Buffer.from(text.slice(0, text.indexOf('#退款合计')));
  const { result } = await readAll(parseAlipayBill(whole(cut)));
  assert.ok(result.footer.items.length > 0, 'some totals were read');
  assert.equal(result.footer.status, 'missing');
  assert.deepEqual(result.problems.map((p) => p.code), ['footer_missing']);
});

const payment: PaypalRow = { code: 'T0006', id: 'A1', invoice: 'KS-1', custom: '', reference: '', initiated: 500_000_000, completed: 500_000_100, zone: { printed: '-0800', iso: '-08:00' }, currency: 'USD', gross: 1000n, fee: 30n };

test('PayPal report cut after a section footer: the report footer is missing, not passed', async () => {
  const report = writePaypalReport({ encoding: 'utf-8', eol: '\r\n', headerStyle: 'spaced', sections: [[payment], [{ ...payment, id: 'A2' }]] });
  const text = report.bytes.toString('utf8');
  const cut = Buffer.from(text.slice(0, text.indexOf('"SC",1') + '"SC",1\r\n'.length));
  const { lines, result } = await readAll(parsePaypalStl(whole(cut)));
  assert.equal(lines.length, 1);
  assert.equal(result.footer.status, 'missing');
});

test('a UTF-16 PayPal report is recognised by its BOM', () => {
  const report = writePaypalReport({ encoding: 'utf-16le-bom', eol: '\r\n', headerStyle: 'spaced', sections: [[payment]] });
  assert.equal(detectSettlementFormat(report.bytes)?.channel, 'paypal');
});
