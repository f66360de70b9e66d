// Writes Adyen's Settlement Details Report (FORMATS.md §3.4) with the 30-column legacy header or
// the 49-column one, in any column order: debit and credit in separate columns, GC and NC
// currencies, batch lines without PSP reference and quoted free text with commas.
import { decimalToString, parseDecimal } from '../../../money/index.ts';
import type { SettlementRecordKind } from '../settlement-line.ts';
import { csvRow, expectLine, footerlessCsv, isoTime, major, wallClock, type WrittenFile } from './common.ts';

export const ADYEN_LEGACY =
  'Company Account,Merchant Account,Psp Reference,Merchant Reference,Payment Method,Creation Date,TimeZone,Type,Modification Reference,Gross Currency,Gross Debit (GC),Gross Credit (GC),Exchange Rate,Net Currency,Net Debit (NC),Net Credit (NC),Commission (NC),Markup (NC),Scheme Fees (NC),Interchange (NC),Payment Method Variant,Modification Merchant Reference,Batch Number,Reserved4,Reserved5,Reserved6,Reserved7,Reserved8,Reserved9,Reserved10'.split(',');
export const ADYEN_2025 = [
  ...ADYEN_LEGACY,
  ...'Booking Date,Booking Date TimeZone,Metadata,Balance Currency,Net Debit (BC),Net Credit (BC),Payment Fees (NC),DCC Markup (NC),Funds Destination,Balance Platform Debit,Balance Platform Credit,Shopper Country,Clearing Network,Merchant Order Reference,Dispute Reference,ARN,Settlement Flow,Authorisation Code,Gross Fees (NC)'.split(','),
];

export interface AdyenRow {
  type: 'Settled' | 'Refunded' | 'Chargeback' | 'ChargebackReversed' | 'Fee' | 'MerchantPayout';
  psp: string;
  modRef: string;
  merchantRef: string;
  orderRef: string;
  method: string;
  created: number;
  zone: { name: string; offset: string };
  booked: number;
  grossCurrency: string;
  /** Signed minor units: credit when positive. */
  gross: bigint;
  rate: string;
  netCurrency: string;
  net: bigint;
  commission: bigint;
  markup: bigint;
  scheme: bigint;
  interchange: bigint;
  dcc: bigint;
  country: string;
}

export interface AdyenReport {
  generation: 'legacy' | '2025';
  /** A permutation of the header's indexes. */
  order: number[];
  eol: '\r\n' | '\n';
  rows: AdyenRow[];
}

const KINDS: Record<AdyenRow['type'], SettlementRecordKind> = {
  Settled: 'payment',
  Refunded: 'refund',
  Chargeback: 'chargeback',
  ChargebackReversed: 'chargeback_reversal',
  Fee: 'fee',
  MerchantPayout: 'payout',
};
const SCHEMES = new Set(['visa', 'mc', 'amex']);
const isBatch = (r: AdyenRow) => r.type === 'Fee' || r.type === 'MerchantPayout';

function cells(r: AdyenRow): Record<string, string> {
  const created = wallClock(r.created);
  const booked = wallClock(r.booked);
  const nc = (v: bigint) => (v === 0n ? '' : major(v, r.netCurrency));
  const batch = isBatch(r);
  return {
    'Company Account': 'KessaiCOM',
    'Merchant Account': 'KessaiEU',
    'Psp Reference': batch ? '' : r.psp,
    'Merchant Reference': batch ? '' : r.merchantRef,
    'Payment Method': batch ? '' : r.method,
    'Creation Date': `${created.date} ${created.time}`,
    TimeZone: r.zone.name,
    Type: r.type,
    'Modification Reference': r.modRef,
    'Gross Currency': batch ? '' : r.grossCurrency,
    'Gross Debit (GC)': !batch && r.gross < 0n ? major(-r.gross, r.grossCurrency) : '',
    'Gross Credit (GC)': !batch && r.gross >= 0n ? major(r.gross, r.grossCurrency) : '',
    'Exchange Rate': batch ? '' : r.rate,
    'Net Currency': r.netCurrency,
    'Net Debit (NC)': r.net < 0n ? major(-r.net, r.netCurrency) : '',
    'Net Credit (NC)': r.net >= 0n ? major(r.net, r.netCurrency) : '',
    'Commission (NC)': nc(r.commission),
    'Markup (NC)': nc(r.markup),
    'Scheme Fees (NC)': nc(r.scheme),
    'Interchange (NC)': nc(r.interchange),
    'Payment Method Variant': batch ? '' : `${r.method}credit`,
    'Modification Merchant Reference': '',
    'Batch Number': '12',
    'Booking Date': `${booked.date} ${booked.time}`,
    'Booking Date TimeZone': r.zone.name,
    Metadata: batch ? '' : `{"order":"${r.orderRef}"}`,
    'DCC Markup (NC)': nc(r.dcc),
    'Shopper Country': batch ? '' : r.country,
    'Merchant Order Reference': batch ? '' : r.orderRef,
    ARN: batch ? '' : '1.2302025304E+022',
  };
}

export function writeAdyenReport(report: AdyenReport): WrittenFile {
  const header = report.generation === 'legacy' ? ADYEN_LEGACY : ADYEN_2025;
  const columns = report.order.map((k) => header[k]!);
  const has = (c: string) => columns.includes(c);
  const records = [csvRow(columns), ...report.rows.map((r) => csvRow(columns.map((c) => cells(r)[c] ?? '')))];
  const lines = report.rows.map((r, k) => {
    const kind = KINDS[r.type];
    const batch = isBatch(r);
    const fee = (...vs: bigint[]) => vs.reduce((s, v) => s + v, 0n);
    const fees = { acquirer: fee(r.commission, r.markup), interchange: r.interchange, scheme: r.scheme, other: has('DCC Markup (NC)') ? r.dcc : null, threeDS: null };
    const created = wallClock(r.created);
    const posted = has('Booking Date') ? wallClock(r.booked) : created;
    const modification = !batch && kind !== 'payment';
    const orderRef = has('Merchant Order Reference') && !batch ? r.orderRef : null;
    return expectLine('adyen', k + 2, null, {
      kind,
      channelTransactionId: batch ? null : modification ? r.modRef : r.psp,
      merchantOrderId: orderRef ?? (batch ? null : r.merchantRef),
      originalTransactionId: modification ? r.psp : null,
      transactionTime: isoTime(created, r.zone.offset),
      postDate: posted.date,
      transaction: batch ? null : { amount: r.gross, currency: r.grossCurrency },
      settlement: { amount: r.net + fees.acquirer + fees.interchange + fees.scheme + (fees.other ?? 0n), currency: r.netCurrency },
      fxRate: batch ? null : decimalToString(parseDecimal(r.rate)),
      fees,
      net: { amount: r.net, currency: r.netCurrency },
      cardBrand: !batch && SCHEMES.has(r.method) ? r.method : null,
      paymentMethod: batch ? null : r.method,
      region: has('Shopper Country') && !batch ? r.country : null,
      status: r.type,
      description: batch ? r.modRef : null,
    });
  });
  return footerlessCsv(records, report.eol, lines, 'adyen.settlement_details', columns.length);
}
