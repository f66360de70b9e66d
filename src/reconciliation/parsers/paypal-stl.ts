import { currencyAt, hundredthsAt } from './amounts.ts';
import { readCsvRecords, type CsvRecord } from './csv-records.ts';
import { Columns, type Row } from './columns.ts';
import { dateTimeAt } from './dates.ts';
import type { TextEncodingName } from './decode.ts';
import { malformed, unrecognised } from './file-errors.ts';
import { startParse, type ParseSession } from './parse-session.ts';
import type { ByteSource, SettlementFileParse, SettlementLine, SettlementRecordKind } from './settlement-line.ts';

export interface PaypalStlOptions {
  /** Default `auto`: UTF-8, or UTF-16 when the file starts with its BOM (older reports). */
  encoding?: TextEncodingName | 'auto';
}

/** Transaction event codes (SmashPig's BaseParser, PayPal's T-code list) folded into our kinds. */
function kindOf(code: string): SettlementRecordKind {
  if (code === 'T1107') return 'refund';
  if (code === 'T1106' || code === 'T1201') return 'chargeback';
  if (code === 'T1202') return 'chargeback_reversal';
  if (code === 'T1108' || code === 'T1109') return 'fee';
  if (/^T00/.test(code)) return 'payment';
  if (/^T01/.test(code)) return 'fee';
  if (/^T02/.test(code)) return 'conversion';
  if (/^T04/.test(code)) return 'payout';
  if (/^T1[01]/.test(code)) return 'adjustment';
  return 'other';
}

/** Old headers are CamelCase (`TransactionID`), some have doubled spaces: compare without spaces. */
const squeeze = (name: string) => name.replace(/\s+/g, '');

const COLUMNS = {
  id: 'Transaction ID',
  invoice: 'Invoice ID',
  ref: 'PayPal Reference ID',
  refType: 'PayPal Reference ID Type',
  code: 'Transaction Event Code',
  initiated: 'Transaction Initiation Date',
  completed: 'Transaction Completion Date',
  grossSign: 'Transaction Debit or Credit',
  gross: 'Gross Transaction Amount',
  currency: 'Gross Transaction Currency',
  feeSign: 'Fee Debit or Credit',
  fee: 'Fee Amount',
  feeCurrency: 'Fee Currency',
  custom: 'Custom Field',
  status: 'Transactional Status',
  cardType: 'Card Type',
  source: 'Payment Source',
} as const;
type Column = keyof typeof COLUMNS;
const REQUIRED: Column[] = ['id', 'code', 'initiated', 'grossSign', 'gross', 'currency'];

/** Sums per currency of one section or of the whole report, in hundredths as printed. */
type Totals = Map<string, { grossCredit: bigint; grossDebit: bigint; feeCredit: bigint; feeDebit: bigint; rows: number }>;

function addTo(totals: Totals, currency: string, part: { grossCredit?: bigint; grossDebit?: bigint; feeCredit?: bigint; feeDebit?: bigint }): void {
  const t = totals.get(currency) ?? { grossCredit: 0n, grossDebit: 0n, feeCredit: 0n, feeDebit: 0n, rows: 0 };
  t.grossCredit += part.grossCredit ?? 0n;
  t.grossDebit += part.grossDebit ?? 0n;
  t.feeCredit += part.feeCredit ?? 0n;
  t.feeDebit += part.feeDebit ?? 0n;
  totals.set(currency, t);
}

function sign(row: Row, k: number): 'CR' | 'DR' | null {
  const flag = row.text(k).toUpperCase();
  if (flag === 'CR' || flag === 'DR') return flag;
  if (flag === '') return null;
  throw malformed(row.at(k), `not CR or DR: ${JSON.stringify(row.text(k))}`, { expected: 'CR or DR', actual: row.text(k) });
}

function bodyLine(i: Record<Column, number>, row: Row, section: Totals, report: Totals): SettlementLine {
  const currency = currencyAt(row.text(i.currency), row.at(i.currency));
  const grossSign = sign(row, i.grossSign) ?? 'CR';
  const gross = hundredthsAt(row.text(i.gross) || '0', currency, row.at(i.gross));
  const printedGross = BigInt(row.text(i.gross) || '0');
  const feeText = row.text(i.fee);
  const feeSign = i.feeSign >= 0 ? sign(row, i.feeSign) : null;
  const feeCurrencyText = row.text(i.feeCurrency);
  if (feeCurrencyText !== '' && feeText !== '' && feeCurrencyText.toUpperCase() !== currency) {
    throw malformed(row.at(i.feeCurrency), `the fee is in ${feeCurrencyText}, the transaction in ${currency}`, { expected: currency, actual: feeCurrencyText });
  }
  const fee = feeText === '' ? 0n : hundredthsAt(feeText, currency, row.at(i.fee));
  const printedFee = feeText === '' ? 0n : BigInt(feeText);
  for (const totals of [section, report]) {
    addTo(totals, currency, grossSign === 'CR' ? { grossCredit: printedGross } : { grossDebit: printedGross });
    if (feeSign) addTo(totals, currency, feeSign === 'CR' ? { feeCredit: printedFee } : { feeDebit: printedFee });
    totals.get(currency)!.rows += 1;
  }
  const amount = grossSign === 'CR' ? gross : -gross;
  // A fee debited is a charge (positive fee item); a fee credited is a fee given back.
  const feeItem = feeSign === 'CR' ? -fee : fee;
  const code = row.text(i.code);
  const initiated = dateTimeAt(row.text(i.initiated), row.at(i.initiated));
  const completed = row.text(i.completed) === '' ? initiated : dateTimeAt(row.text(i.completed), row.at(i.completed));
  const refType = row.text(i.refType).toUpperCase();
  return {
    channel: 'paypal',
    source: { line: row.line, entry: null },
    kind: kindOf(code),
    channelTransactionId: row.optional(i.id),
    merchantOrderId: row.optional(i.invoice),
    merchantReference: row.optional(i.custom),
    originalTransactionId: refType === 'TXN' ? row.optional(i.ref) : null,
    transactionTime: initiated.time,
    postDate: completed.date,
    transaction: { amount, currency },
    settlement: { amount, currency },
    fxRate: null,
    fees: { acquirer: i.fee >= 0 ? feeItem : null, interchange: null, scheme: null, other: null, threeDS: null },
    net: { amount: amount - feeItem, currency },
    cardBrand: row.optional(i.cardType),
    paymentMethod: row.optional(i.source),
    region: null,
    status: row.optional(i.status) ?? (code || null),
    description: null,
    raw: row.raw(),
  };
}

/** SF / RF: currency, gross credits, gross debits, fee credits, fee debits, then balances. */
function checkFooter(session: ParseSession, record: CsvRecord, scope: string, totals: Totals): void {
  const [, currencyText = '', ...figures] = record.cells.map((c) => c.trim());
  const currency = currencyAt(currencyText, { line: record.line, column: 2 });
  const computed = totals.get(currency) ?? { grossCredit: 0n, grossDebit: 0n, feeCredit: 0n, feeDebit: 0n, rows: 0 };
  const labels = ['Total Gross Amount Credits', 'Total Gross Amount Debits', 'Total Transaction Fee Credits', 'Total Transaction Fee Debits'] as const;
  const values = [computed.grossCredit, computed.grossDebit, computed.feeCredit, computed.feeDebit];
  labels.forEach((label, k) => {
    const stated = figures[k] ?? '';
    const at = { line: record.line, column: k + 3, columnName: label };
    if (!/^\d+$/.test(stated)) throw malformed(at, `not an amount in hundredths: ${JSON.stringify(stated)}`, { expected: 'an unsigned integer', actual: stated });
    session.checkTotal(`${scope} ${label} (hundredths)`, at, currency, stated, String(values[k]));
  });
}

function checkCount(session: ParseSession, record: CsvRecord, scope: string, rows: number): void {
  const stated = (record.cells[1] ?? '').trim();
  if (!/^\d+$/.test(stated)) throw malformed({ line: record.line, column: 2 }, `not a count: ${JSON.stringify(stated)}`, { expected: 'a whole number', actual: stated });
  session.checkTotal(`${scope} record count`, { line: record.line }, null, stated, String(rows));
}

/** PayPal Settlement Report (STL): sections of RH/FH/SH/CH/SB/SF/SC/RF/RC/FF records, amounts in hundredths with CR/DR flags. */
export function parsePaypalStl(source: ByteSource, options: PaypalStlOptions = {}): SettlementFileParse {
  return startParse('paypal', async function* (session) {
    session.format = 'paypal.stl';
    session.footerExpected = true;
    const lines = session.lines(await session.bytes(source), { encoding: options.encoding ?? 'auto', asciiFallback: 'utf-8' });
    let layout: { columns: Columns; i: Record<Column, number> } | null = null;
    let section: Totals = new Map();
    const report: Totals = new Map();
    let sectionRows = 0;
    let fileRows = 0;
    let reportRows = 0;
    let sawRecord = false;
    let sawReportFooter = false;
    for await (const records of readCsvRecords(lines, ',')) for (const record of records) {
      const type = (record.cells[0] ?? '').trim().toUpperCase();
      if (!sawRecord && !['RH', 'FH', 'SH', 'CH'].includes(type)) {
        throw unrecognised({ line: record.line, column: 1 }, 'not a PayPal settlement report: it must start with an RH, FH, SH or CH record', { expected: 'RH, FH, SH or CH', actual: record.cells.slice(0, 4).join(',') });
      }
      sawRecord = true;
      if (type === 'RF' || type === 'RC') sawReportFooter = true;
      const cell = (k: number) => (record.cells[k] ?? '').trim();
      switch (type) {
        case 'RH':
          session.metadata.generated_at = cell(1);
          session.metadata.reporting_window = cell(2);
          session.metadata.account_id = cell(3);
          session.formatVersion = cell(4) || 'unversioned';
          break;
        case 'FH':
          session.metadata.file_number = cell(1);
          break;
        case 'SH':
          session.metadata.period_start = cell(1);
          session.metadata.period_end = cell(2);
          session.metadata.account_id ||= cell(3);
          section = new Map();
          sectionRows = 0;
          break;
        case 'CH': {
          // The record type is a column too, so that error positions count as the line does.
          const columns = new Columns(['Record Type', ...record.cells.slice(1)], record.line);
          const find = (name: string) => columns.names.findIndex((n) => squeeze(n).toLowerCase() === squeeze(name).toLowerCase());
          const i = Object.fromEntries(Object.entries(COLUMNS).map(([key, name]) => [key, find(name)])) as Record<Column, number>;
          const missing = REQUIRED.filter((c) => i[c] < 0).map((c) => COLUMNS[c]);
          if (missing.length > 0) columns.refuseMissing(missing);
          layout = { columns, i };
          session.formatVersion ||= 'unversioned';
          session.headers.push({ entry: null, line: record.line, columns: columns.names });
          break;
        }
        case 'SB': {
          if (!layout) throw malformed({ line: record.line, column: 1 }, 'a body record before any column header (CH)', { expected: 'a CH record first', actual: 'SB' });
          const row = layout.columns.row(record.cells, record.line);
          sectionRows += 1;
          fileRows += 1;
          reportRows += 1;
          yield bodyLine(layout.i, row, section, report);
          break;
        }
        case 'SF':
          checkFooter(session, record, 'section', section);
          break;
        case 'SC':
          checkCount(session, record, 'section', sectionRows);
          break;
        case 'RF':
          checkFooter(session, record, 'report', report);
          break;
        case 'RC':
          checkCount(session, record, 'report', reportRows);
          break;
        case 'FF':
          checkCount(session, record, 'file', fileRows);
          fileRows = 0;
          break;
        default:
          throw malformed({ line: record.line, column: 1 }, `unknown record type ${JSON.stringify(cell(0))}`, { expected: 'RH, FH, SH, CH, SB, SF, SC, RF, RC or FF', actual: cell(0) });
      }
    }
    if (!sawRecord) throw unrecognised({ line: 1 }, 'the file is empty', { expected: 'PayPal STL records' });
    // A report cut after a section's footer still adds up: only the report footer (RF, RC) tells.
    if (!sawReportFooter) session.missingFooter('report footer (RF, RC)');
  });
}
