import { test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { fixture, readAll, sample, samplesPresent, whole } from '../../../test/fixtures/settlement/support.ts';
import { parseGenericSettlement, validateMapping, type GenericColumnMapping } from './index.ts';
import { spreadsheetNumberText } from './xlsx-rows.ts';

const bank: GenericColumnMapping = {
  name: 'hausbank',
  delimiter: ';',
  skipLines: 1,
  columns: {
    postDate: 'Buchungstag',
    channelTransactionId: 'Referenz',
    merchantOrderId: 'Bestellnummer',
    settlementAmount: 'Betrag',
    debitCredit: 'Soll/Haben',
    otherFee: 'Gebühr',
    settlementCurrency: 'Währung',
    kind: 'Art',
  },
  amountFormat: 'decimal',
  decimalSeparator: ',',
  signConvention: 'debit_credit',
  debitValues: ['S'],
  dateFormat: 'DD.MM.YYYY',
  timeZoneOffset: '+01:00',
  kindValues: { Zahlung: 'payment', Erstattung: 'refund' },
};

test('a semicolon CSV with a title line, decimal commas, thousands dots, a debit/credit column', async () => {
  const { lines, result } = await readAll(parseGenericSettlement(whole(fixture('generic-bank.csv')), bank));
  assert.equal(result.channel, 'generic:hausbank');
  assert.deepEqual(lines.map((l) => [l.source.line, l.kind, l.settlement, l.fees.other, l.net!.amount, l.postDate]), [
    [3, 'payment', { amount: 123450n, currency: 'EUR' }, 1235n, 122215n, '2024-03-01'],
    [4, 'refund', { amount: -20000n, currency: 'EUR' }, 0n, -20000n, '2024-03-02'],
  ]);
  assert.equal(lines[1]!.transactionTime, null, 'only a mapped transactionTime column gives a time');
  assert.equal(lines[0]!.fees.acquirer, null, 'a fee the mapping does not name stays null');
});

test('the mapping is checked against the header: missing columns are named', async () => {
  const mapping = { ...bank, columns: { ...bank.columns, region: 'Land', status: 'Status' } };
  await assert.rejects(readAll(parseGenericSettlement(whole(fixture('generic-bank.csv')), mapping)), {
    code: 'KS_ERR_SETTLEMENT_FILE_MALFORMED',
    details: { line: 2, column_name: 'Land', expected: 'columns Land, Status', missing_columns: ['Land', 'Status'] },
  });
});

test('a bad mapping is refused before any file is read', () => {
  assert.throws(() => validateMapping({ ...bank, dateFormat: 'D/M/Y' as never }), { code: 'KS_ERR_SETTLEMENT_MAPPING_INVALID', details: { field: 'dateFormat' } });
  assert.throws(() => validateMapping({ ...bank, columns: { postDate: 'Buchungstag' } }), { code: 'KS_ERR_SETTLEMENT_MAPPING_INVALID', details: { field: 'columns.settlementAmount' } });
  assert.throws(() => validateMapping({ ...bank, signConvention: 'debit_credit', debitValues: [] }), { code: 'KS_ERR_SETTLEMENT_MAPPING_INVALID', details: { field: 'debitValues' } });
});

test('minor units in an XLSX sheet, with date cells', async () => {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Settlement');
  sheet.addRow(['Date', 'Txn', 'Order', 'Amount', 'Currency', 'Fee']);
  sheet.addRow([new Date(Date.UTC(2024, 2, 1, 9, 30, 0)), 'T-1', 'KS-7001', 123456, 'JPY', 1234]);
  sheet.addRow([new Date(Date.UTC(2024, 2, 2)), 'T-2', 'KS-7002', -5000, 'JPY', 0]);
  const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
  const mapping: GenericColumnMapping = {
    name: 'konbini',
    format: 'xlsx',
    columns: { transactionTime: 'Date', channelTransactionId: 'Txn', merchantOrderId: 'Order', settlementAmount: 'Amount', settlementCurrency: 'Currency', acquirerFee: 'Fee' },
    amountFormat: 'minor_units',
    signConvention: 'signed',
    dateFormat: 'YYYY/MM/DD',
    timeZoneOffset: '+09:00',
  };
  const { lines, result } = await readAll(parseGenericSettlement(whole(xlsx), mapping));
  assert.equal(result.format, 'generic.xlsx');
  assert.deepEqual(lines.map((l) => [l.source.line, l.kind, l.settlement!.amount, l.fees.acquirer, l.net!.amount, l.transactionTime, l.postDate]), [
    [2, 'payment', 123456n, 1234n, 122222n, '2024-03-01T09:30:00+09:00', '2024-03-01'],
    [3, 'refund', -5000n, 0n, -5000n, null, '2024-03-02'],
  ]);
});

test('spreadsheet numbers come back as the decimal text Excel stored', () => {
  assert.deepEqual([0.1, 12.34, -0.5, 1e-7, 1.5e21, 100].map(spreadsheetNumberText), ['0.1', '12.34', '-0.5', '0.0000001', '1500000000000000000000', '100']);
});

test('a real Stripe Dashboard export (decimal commas) through a saved mapping', { skip: !samplesPresent && 'the shared samples are not here' }, async () => {
  const mapping: GenericColumnMapping = {
    name: 'stripe-dashboard',
    columns: { channelTransactionId: 'id', kind: 'Type', settlementAmount: 'Amount', acquirerFee: 'Fee', netAmount: 'Net', transactionTime: 'Created (UTC)', description: 'Description' },
    currency: 'CHF', // the anonymiser scrambled the currency column
    amountFormat: 'decimal',
    decimalSeparator: ',',
    signConvention: 'signed',
    dateFormat: 'YYYY-MM-DD',
    timeZoneOffset: 'Z',
    kindValues: { charge: 'payment', payment: 'payment', payout: 'payout', reserved_funds: 'adjustment' },
  };
  const { lines } = await readAll(parseGenericSettlement(whole(sample('stripe/banana_ch.banana.filter.import.stripe.transactions_all_format1_20231004.csv')), mapping));
  assert.equal(lines.length, 18);
  assert.deepEqual([lines[0]!.kind, lines[0]!.settlement!.amount, lines[1]!.settlement!.amount, lines[1]!.fees.acquirer, lines[1]!.net!.amount], ['payout', -7557n, 10413n, 337n, 10076n]);
});
