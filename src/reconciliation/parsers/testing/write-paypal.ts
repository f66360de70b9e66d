// Writes a PayPal Settlement Report (FORMATS.md §3.5): RH/FH/SH/CH/SB/SF/SC/RF/RC/FF records,
// amounts as integer hundredths whatever the currency, CR/DR flags, per-currency footers per
// section and for the report; UTF-8, UTF-8 with BOM, or UTF-16LE with BOM.
import { pow10 } from '../../../money/index.ts';
import type { SettlementRecordKind } from '../settlement-line.ts';
import { encodeText, writtenEncodingName, exponent, expectLine, isoTime, joinLines, wallClock, type ExpectedLine, type WrittenEncoding, type WrittenFile } from './common.ts';

export interface PaypalRow {
  code: 'T0006' | 'T0000' | 'T1107' | 'T1201' | 'T1202' | 'T0400' | 'T0100' | 'T0200';
  id: string;
  invoice: string;
  custom: string;
  /** The payment a refund or chargeback refers to ('' for none). */
  reference: string;
  initiated: number;
  completed: number;
  zone: { printed: string; iso: string };
  currency: string;
  /** Signed minor units: CR when ≥ 0. */
  gross: bigint;
  /** Signed minor units: a charge (DR) when > 0, given back (CR) when < 0, no fee flag when null. */
  fee: bigint | null;
}

export interface PaypalReport {
  encoding: WrittenEncoding;
  eol: '\r\n' | '\n';
  /** Header spelling: the 2026 one, Magento's doubled space, or the old CamelCase. */
  headerStyle: 'spaced' | 'double-space' | 'camel';
  sections: PaypalRow[][];
}

const CH = ['Transaction ID', 'Invoice ID', 'PayPal Reference ID', 'PayPal Reference ID Type', 'Transaction Event Code', 'Transaction Initiation Date', 'Transaction Completion Date', 'Transaction Debit or Credit', 'Gross Transaction Amount', 'Gross Transaction Currency', 'Fee Debit or Credit', 'Fee Amount', 'Fee Currency', 'Custom Field', 'Consumer ID'];

const KINDS: Record<PaypalRow['code'], SettlementRecordKind> = { T0006: 'payment', T0000: 'payment', T1107: 'refund', T1201: 'chargeback', T1202: 'chargeback_reversal', T0400: 'payout', T0100: 'fee', T0200: 'conversion' };

/** Minor units → PayPal's hundredths (JPY ¥100 → 10000). */
function hundredths(minor: bigint, currency: string): bigint {
  const e = exponent(currency);
  return e >= 2 ? minor / pow10(e - 2) : minor * pow10(2 - e);
}

const q = (s: string) => `"${s}"`;
const abs = (v: bigint) => (v < 0n ? -v : v);

function headerName(name: string, style: PaypalReport['headerStyle']): string {
  if (style === 'camel') return name.replace(/ /g, '');
  return style === 'double-space' ? name.replace('Transaction Debit', 'Transaction  Debit') : name;
}

interface Totals {
  grossCredit: bigint;
  grossDebit: bigint;
  feeCredit: bigint;
  feeDebit: bigint;
}

function footers(type: 'SF' | 'RF', rows: PaypalRow[]): string[] {
  const byCurrency = new Map<string, Totals>();
  for (const r of rows) {
    const t = byCurrency.get(r.currency) ?? { grossCredit: 0n, grossDebit: 0n, feeCredit: 0n, feeDebit: 0n };
    const gross = hundredths(abs(r.gross), r.currency);
    if (r.gross >= 0n) t.grossCredit += gross;
    else t.grossDebit += gross;
    if (r.fee !== null && r.fee > 0n) t.feeDebit += hundredths(r.fee, r.currency);
    if (r.fee !== null && r.fee < 0n) t.feeCredit += hundredths(-r.fee, r.currency);
    byCurrency.set(r.currency, t);
  }
  return [...byCurrency].map(([currency, t]) => {
    const net = t.grossCredit - t.grossDebit + t.feeCredit - t.feeDebit;
    return [q(type), q(currency), t.grossCredit, t.grossDebit, t.feeCredit, t.feeDebit, q('CR'), 0, q(net < 0n ? 'DR' : 'CR'), abs(net), q('CR'), 0, q(net < 0n ? 'DR' : 'CR'), abs(net), q('CR'), 0, q('CR'), 0].join(',');
  });
}

function body(r: PaypalRow): string {
  const date = (s: number) => {
    const c = wallClock(s);
    return `${c.date.replaceAll('-', '/')} ${c.time} ${r.zone.printed}`;
  };
  const fee = r.fee === null ? ['', '', ''] : [q(r.fee < 0n ? 'CR' : 'DR'), String(hundredths(abs(r.fee), r.currency)), q(r.currency)];
  return [q('SB'), q(r.id), q(r.invoice), q(r.reference), q(r.reference ? 'TXN' : ''), q(r.code), date(r.initiated), date(r.completed), q(r.gross < 0n ? 'DR' : 'CR'), String(hundredths(abs(r.gross), r.currency)), q(r.currency), ...fee, q(r.custom), q('BUYER1')].join(',');
}

export function writePaypalReport(report: PaypalReport): WrittenFile {
  const records = [`${q('RH')},2026/01/07 02:00:00 -0800,${q('A')},${q('MERCHANT01')},011`, `${q('FH')},01`];
  const lines: ExpectedLine[] = [];
  for (const section of report.sections) {
    records.push(`${q('SH')},2026/01/06 00:00:00 -0800,2026/01/06 23:59:59 -0800,${q('MERCHANT01')},""`);
    records.push([q('CH'), ...CH.map((c) => q(headerName(c, report.headerStyle)))].join(','));
    for (const r of section) {
      records.push(body(r));
      const amount = { amount: r.gross, currency: r.currency };
      const fee = r.fee ?? 0n;
      const completed = wallClock(r.completed);
      lines.push(
        expectLine('paypal', records.length, null, {
          kind: KINDS[r.code],
          channelTransactionId: r.id,
          merchantOrderId: r.invoice || null,
          merchantReference: r.custom || null,
          originalTransactionId: r.reference || null,
          transactionTime: isoTime(wallClock(r.initiated), r.zone.iso),
          postDate: completed.date,
          transaction: amount,
          settlement: amount,
          fees: { acquirer: fee, interchange: null, scheme: null, other: null, threeDS: null },
          net: { amount: r.gross - fee, currency: r.currency },
          status: r.code,
        }),
      );
    }
    records.push(...footers('SF', section), `${q('SC')},${section.length}`);
  }
  const all = report.sections.flat();
  records.push(...footers('RF', all), `${q('RC')},${all.length}`, `${q('FF')},${all.length}`);
  return {
    bytes: encodeText(joinLines(records, report.eol), report.encoding),
    lines,
    footer: 'passed',
    encoding: writtenEncodingName(report.encoding),
    format: 'paypal.stl',
    formatVersion: '011',
  };
}
