// Writes a CSV the way a saved generic mapping describes it: delimiter, decimal mark and
// thousands groups or minor units, signed amounts or a debit/credit column, fee sign, date
// format, a title line to skip and comment lines, columns in any order.
import type { DateFormat, GenericColumnMapping } from '../generic-mapping.ts';
import type { SettlementRecordKind } from '../settlement-line.ts';
import { csvRow, encodeText, writtenEncodingName, expectLine, joinLines, major, wallClock, type WrittenEncoding, type WrittenFile } from './common.ts';

export interface GenericRow {
  reference: string;
  order: string;
  kind: 'payment' | 'refund' | 'fee';
  date: number;
  /** Signed minor units in the transaction currency. */
  amount: bigint;
  currency: string;
  /** Cross-currency settlement: signed minor units in another currency, with the printed rate. */
  settled: { amount: bigint; currency: string; rate: string } | null;
  /** Minor units in the settlement currency: positive = charged, negative = given back. */
  fee: bigint;
  description: string;
}

export interface GenericFile {
  delimiter: ',' | ';' | '\t' | '|';
  amountFormat: 'decimal' | 'minor_units';
  decimalSeparator: '.' | ',';
  thousands: boolean;
  signConvention: 'signed' | 'debit_credit';
  feeSign: 'positive_is_charge' | 'negative_is_charge';
  dateFormat: DateFormat;
  /** A fixed currency instead of currency columns (then no cross-currency lines). */
  fixedCurrency: string | null;
  title: boolean;
  comments: boolean;
  /** Order of the header's columns: a permutation of indexes. */
  order: number[];
  encoding: WrittenEncoding;
  eol: '\r\n' | '\n';
  rows: GenericRow[];
}

const KIND_VALUES: Record<string, SettlementRecordKind> = { Sale: 'payment', Refund: 'refund', Charge: 'fee' };
const KIND_TEXT: Record<GenericRow['kind'], string> = { payment: 'Sale', refund: 'Refund', fee: 'Charge' };

export function genericMapping(file: GenericFile): GenericColumnMapping {
  return {
    name: 'roundtrip',
    delimiter: file.delimiter,
    encoding: file.encoding === 'gbk' ? 'gbk' : 'auto',
    skipLines: file.title ? 1 : 0,
    ...(file.comments ? { commentPrefix: '#' } : {}),
    columns: {
      channelTransactionId: 'Reference',
      merchantOrderId: 'Order no.',
      kind: 'Type',
      postDate: 'Value date',
      transactionAmount: 'Amount',
      ...(file.fixedCurrency ? {} : { transactionCurrency: 'Currency', settlementAmount: 'Settled', settlementCurrency: 'Settled currency', fxRate: 'Rate' }),
      acquirerFee: 'Fee',
      ...(file.signConvention === 'debit_credit' ? { debitCredit: 'D/C' } : {}),
      description: 'Text',
    },
    ...(file.fixedCurrency ? { currency: file.fixedCurrency } : {}),
    amountFormat: file.amountFormat,
    decimalSeparator: file.decimalSeparator,
    signConvention: file.signConvention,
    ...(file.signConvention === 'debit_credit' ? { debitValues: ['D', 'Debit'] } : {}),
    feeSign: file.feeSign,
    dateFormat: file.dateFormat,
    timeZoneOffset: '+01:00',
    kindValues: KIND_VALUES,
  };
}

function header(file: GenericFile): string[] {
  const mapped = Object.values(genericMapping(file).columns);
  return [...mapped, 'Unmapped note'];
}

function printDate(seconds: number, format: DateFormat): string {
  const [y, m, d] = wallClock(seconds).date.split('-') as [string, string, string];
  return format.replace('YYYY', y).replace('MM', m).replace('DD', d);
}

/** One figure as the mapping prints it; `unsigned` for a debit/credit file's amounts. */
function printAmount(file: GenericFile, value: bigint, currency: string): string {
  if (file.amountFormat === 'minor_units') return String(value);
  const [whole, fraction] = major(value, currency).split('.') as [string, string | undefined];
  const group = file.decimalSeparator === '.' ? ',' : '.';
  const grouped = file.thousands ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, group) : whole;
  return fraction === undefined ? grouped : `${grouped}${file.decimalSeparator}${fraction}`;
}

export function writeGenericFile(file: GenericFile): WrittenFile & { mapping: GenericColumnMapping } {
  const mapping = genericMapping(file);
  const names = header(file);
  const columns = file.order.map((k) => names[k]!);
  const out: string[] = [];
  if (file.title) out.push(`Settlement statement${file.delimiter}2024`);
  if (file.comments) out.push('# exported by the bank');
  out.push(csvRow(columns, file.delimiter));
  const lines = file.rows.map((r) => {
    const currency = file.fixedCurrency ?? r.currency;
    const settled = file.fixedCurrency ? null : r.settled;
    const settlement = settled ? { amount: settled.amount, currency: settled.currency } : { amount: r.amount, currency };
    const dc = file.signConvention === 'debit_credit';
    const flagged = (v: bigint) => (dc && v < 0n ? -v : v);
    const fee = file.feeSign === 'negative_is_charge' ? -r.fee : r.fee;
    const cells: Record<string, string> = {
      Reference: r.reference,
      'Order no.': r.order,
      Type: KIND_TEXT[r.kind],
      'Value date': printDate(r.date, file.dateFormat),
      Amount: printAmount(file, flagged(r.amount), currency),
      Currency: currency,
      Settled: printAmount(file, flagged(settlement.amount), settlement.currency),
      'Settled currency': settlement.currency,
      Rate: settled ? settled.rate : '',
      Fee: printAmount(file, fee, settlement.currency),
      'D/C': r.amount < 0n ? 'D' : 'C',
      Text: r.description,
      'Unmapped note': 'n/a',
    };
    if (file.comments && out.length % 3 === 0) out.push(`# page ${out.length}`);
    out.push(csvRow(columns.map((c) => cells[c]!), file.delimiter));
    const date = wallClock(r.date).date;
    return expectLine('generic:roundtrip', out.length, null, {
      kind: r.kind,
      channelTransactionId: r.reference,
      merchantOrderId: r.order,
      postDate: date,
      transaction: { amount: r.amount, currency },
      settlement,
      fxRate: settled ? settled.rate : null,
      fees: { acquirer: r.fee, interchange: null, scheme: null, other: null, threeDS: null },
      net: { amount: settlement.amount - r.fee, currency: settlement.currency },
      description: r.description.trim() || null,
    });
  });
  return { bytes: encodeText(joinLines(out, file.eol), file.encoding), lines, mapping, footer: 'not_applicable', encoding: writtenEncodingName(file.encoding), format: 'generic.csv', formatVersion: 'roundtrip' };
}
