import { amountAt, currencyAt, rateAt } from './amounts.ts';
import { readCsvRecords } from './csv-records.ts';
import { Columns, type Row } from './columns.ts';
import { dateTimeAt, zoneOffset } from './dates.ts';
import { unrecognised } from './file-errors.ts';
import { startParse } from './parse-session.ts';
import type { ByteSource, SettlementFileParse, SettlementLine, SettlementRecordKind } from './settlement-line.ts';

/** Journal types (Adyen docs) folded into our kinds. */
const KINDS: Readonly<Record<string, SettlementRecordKind>> = {
  Settled: 'payment',
  SettledBulk: 'payment',
  Refunded: 'refund',
  RefundedBulk: 'refund',
  Chargeback: 'chargeback',
  SecondChargeback: 'chargeback',
  ChargebackReversed: 'chargeback_reversal',
  RefundedReversed: 'adjustment',
  Fee: 'fee',
  MiscCosts: 'fee',
  PaymentCost: 'fee',
  InvoiceDeduction: 'fee',
  MerchantPayout: 'payout',
  PaidOut: 'payout',
  PaidOutReversed: 'adjustment',
  DepositCorrection: 'adjustment',
  ManualCorrected: 'adjustment',
  MatchedStatement: 'adjustment',
  BankInstructionReturned: 'adjustment',
  EpaPaid: 'adjustment',
  Balancetransfer: 'adjustment',
};
const MODIFICATIONS = new Set<SettlementRecordKind>(['refund', 'chargeback', 'chargeback_reversal', 'adjustment']);
const CARD_SCHEMES = new Set(['visa', 'mc', 'amex', 'jcb', 'discover', 'diners', 'cup', 'maestro', 'cartebancaire', 'bcmc', 'elo', 'hipercard']);

const COLUMNS = {
  psp: 'Psp Reference',
  merchantRef: 'Merchant Reference',
  method: 'Payment Method',
  created: 'Creation Date',
  zone: 'TimeZone',
  type: 'Type',
  modRef: 'Modification Reference',
  grossCurrency: 'Gross Currency',
  grossDebit: 'Gross Debit (GC)',
  grossCredit: 'Gross Credit (GC)',
  rate: 'Exchange Rate',
  netCurrency: 'Net Currency',
  netDebit: 'Net Debit (NC)',
  netCredit: 'Net Credit (NC)',
  commission: 'Commission (NC)',
  markup: 'Markup (NC)',
  scheme: 'Scheme Fees (NC)',
  interchange: 'Interchange (NC)',
  dccMarkup: 'DCC Markup (NC)',
  variant: 'Payment Method Variant',
  modMerchantRef: 'Modification Merchant Reference',
  batch: 'Batch Number',
  booked: 'Booking Date',
  bookedZone: 'Booking Date TimeZone',
  country: 'Shopper Country',
  orderRef: 'Merchant Order Reference',
} as const;
type Column = keyof typeof COLUMNS;
const REQUIRED: Column[] = ['psp', 'merchantRef', 'created', 'type', 'modRef', 'grossCurrency', 'grossDebit', 'grossCredit', 'netCurrency', 'netDebit', 'netCredit'];

function readHeader(cells: string[], line: number): { columns: Columns; i: Record<Column, number> } {
  const columns = new Columns(cells, line);
  columns.expectSignature('Adyen Settlement Details Report', ['Net Currency', 'Net Credit (NC)', 'Gross Credit (GC)']);
  const missing = columns.missing(REQUIRED.map((c) => [COLUMNS[c]]));
  if (missing.length > 0) columns.refuseMissing(missing);
  const i = Object.fromEntries(Object.entries(COLUMNS).map(([key, name]) => [key, columns.find(name)])) as Record<Column, number>;
  return { columns, i };
}

function toLine(i: Record<Column, number>, row: Row): SettlementLine {
  const text = (c: Column) => row.text(i[c]);
  const currency = (c: Column) => (text(c) === '' ? null : currencyAt(text(c), row.at(i[c])));
  const grossCurrency = currency('grossCurrency');
  const netCurrency = currency('netCurrency');
  // Debit and credit are separate columns: the sign is the column. An absent or empty cell is 0.
  const amount = (c: Column, cur: string | null) => (i[c] < 0 || text(c) === '' || !cur ? 0n : amountAt(text(c), cur, row.at(i[c])));
  const hasGross = text('grossDebit') !== '' || text('grossCredit') !== '';
  const transaction = grossCurrency && hasGross ? { amount: amount('grossCredit', grossCurrency) - amount('grossDebit', grossCurrency), currency: grossCurrency } : null;
  const fee = (...cs: Column[]) => (cs.every((c) => i[c] < 0) ? null : cs.reduce((sum, c) => sum + amount(c, netCurrency), 0n));
  const fees = { acquirer: fee('commission', 'markup'), interchange: fee('interchange'), scheme: fee('scheme'), other: fee('dccMarkup'), threeDS: null };
  const net = netCurrency ? { amount: amount('netCredit', netCurrency) - amount('netDebit', netCurrency), currency: netCurrency } : null;
  const feeTotal = (fees.acquirer ?? 0n) + (fees.interchange ?? 0n) + (fees.scheme ?? 0n) + (fees.other ?? 0n);
  const type = text('type');
  const kind = KINDS[type] ?? 'other';
  const created = dateTimeAt(text('created'), row.at(i.created), zoneOffset(text('zone')));
  const booked = text('booked') === '' ? null : dateTimeAt(text('booked'), row.at(i.booked), zoneOffset(text('bookedZone')));
  const psp = row.optional(i.psp);
  const isModification = MODIFICATIONS.has(kind) && psp !== null;
  const method = row.optional(i.method);
  return {
    channel: 'adyen',
    source: { line: row.line, entry: null },
    kind,
    // A modification's own PSP reference is in Modification Reference; Psp Reference is the payment's.
    channelTransactionId: isModification ? row.optional(i.modRef) : psp,
    merchantOrderId: row.optional(i.orderRef) ?? row.optional(i.merchantRef),
    merchantReference: row.optional(i.modMerchantRef),
    originalTransactionId: isModification ? psp : null,
    transactionTime: created.time,
    postDate: (booked ?? created).date,
    transaction,
    // Not printed in the net currency: the net plus the fees taken from it, exactly.
    settlement: net ? { amount: net.amount + feeTotal, currency: net.currency } : null,
    fxRate: text('rate') === '' ? null : rateAt(text('rate'), row.at(i.rate)),
    fees,
    net,
    cardBrand: method && CARD_SCHEMES.has(method.toLowerCase()) ? method : null,
    paymentMethod: method,
    region: row.optional(i.country),
    status: type || null,
    // Batch lines (fees, payouts) carry free text here instead of a reference.
    description: psp === null ? row.optional(i.modRef) : null,
    raw: row.raw(),
  };
}

/**
 * Adyen Settlement Details Report: the 30-column legacy header and the 49-column one after the
 * balance-platform migration (and any reordering or subset), mapped by header name.
 */
export function parseAdyenSettlementDetails(source: ByteSource): SettlementFileParse {
  return startParse('adyen', async function* (session) {
    session.format = 'adyen.settlement_details';
    const lines = session.lines(await session.bytes(source), { encoding: 'utf-8', asciiFallback: 'utf-8' });
    let layout: ReturnType<typeof readHeader> | null = null;
    for await (const records of readCsvRecords(lines, ',')) for (const record of records) {
      if (!layout) {
        layout = readHeader(record.cells, record.line);
        session.formatVersion = `${layout.columns.names.length}-column`;
        session.headers.push({ entry: null, line: record.line, columns: layout.columns.names });
        continue;
      }
      yield toLine(layout.i, layout.columns.row(record.cells, record.line));
    }
    if (!layout) throw unrecognised({ line: 1 }, 'the file is empty', { expected: 'a report header' });
  });
}
