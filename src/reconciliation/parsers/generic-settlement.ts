import { currencyExponent } from '../../money/index.ts';
import { amountAt, currencyAt, exactMinorUnits, rateAt } from './amounts.ts';
import { readCsvRecords, type CsvRecord } from './csv-records.ts';
import type { PhysicalLine } from './line-splitter.ts';
import { Columns, type Row } from './columns.ts';
import { dateTimeAt } from './dates.ts';
import { malformed, unrecognised, type FilePosition } from './file-errors.ts';
import { GENERIC_FIELDS, validateMapping, type DateFormat, type GenericColumnMapping, type GenericField } from './generic-mapping.ts';
import { startParse } from './parse-session.ts';
import type { ByteSource, SettlementFees, SettlementFileParse, SettlementLine, SettlementRecordKind } from './settlement-line.ts';
import { readXlsxRows } from './xlsx-rows.ts';

const DATE_PATTERNS: Record<DateFormat, { pattern: RegExp; order: [number, number, number] }> = {
  'YYYY-MM-DD': { pattern: /^(\d{4})-(\d{1,2})-(\d{1,2})/, order: [1, 2, 3] },
  'YYYY/MM/DD': { pattern: /^(\d{4})\/(\d{1,2})\/(\d{1,2})/, order: [1, 2, 3] },
  YYYYMMDD: { pattern: /^(\d{4})(\d{2})(\d{2})/, order: [1, 2, 3] },
  'DD/MM/YYYY': { pattern: /^(\d{1,2})\/(\d{1,2})\/(\d{4})/, order: [3, 2, 1] },
  'MM/DD/YYYY': { pattern: /^(\d{1,2})\/(\d{1,2})\/(\d{4})/, order: [3, 1, 2] },
  'DD.MM.YYYY': { pattern: /^(\d{1,2})\.(\d{1,2})\.(\d{4})/, order: [3, 2, 1] },
};

/** How a date is written back in the mapping's format (XLSX date cells). */
function dateWriter(format: DateFormat): (y: string, m: string, d: string) => string {
  return (y, m, d) => format.replace('YYYY', y).replace('MM', m).replace('DD', d);
}

/** A date in the mapping's format, with an optional time after it, as ISO 8601. */
function mappedDateTime(text: string, mapping: GenericColumnMapping, at: FilePosition) {
  const { pattern, order } = DATE_PATTERNS[mapping.dateFormat];
  const m = pattern.exec(text);
  if (!m) throw malformed(at, `not a date in ${mapping.dateFormat}: ${JSON.stringify(text)}`, { expected: mapping.dateFormat, actual: text });
  const iso = `${m[order[0]]}-${m[order[1]]!.padStart(2, '0')}-${m[order[2]]!.padStart(2, '0')}${text.slice(m[0].length)}`;
  return dateTimeAt(iso, at, mapping.timeZoneOffset ?? null);
}

type Indexes = Record<GenericField, number>;

function readHeader(mapping: GenericColumnMapping, cells: string[], line: number, entry: string | null): { columns: Columns; i: Indexes } {
  const columns = new Columns(cells, line, entry);
  const mapped = Object.entries(mapping.columns) as Array<[GenericField, string]>;
  if (!mapped.some(([, header]) => columns.has(header))) {
    throw unrecognised({ line, entry }, `the header has none of the columns of the mapping ${mapping.name}`, {
      expected: mapped.map(([, h]) => h).join(', '),
      actual: columns.names.slice(0, 8).join(','),
    });
  }
  const missing = columns.missing(mapped.map(([, header]) => [header]));
  if (missing.length > 0) columns.refuseMissing(missing);
  const i = Object.fromEntries(GENERIC_FIELDS.map((f) => [f, mapping.columns[f] ? columns.find(mapping.columns[f]!) : -1])) as Indexes;
  return { columns, i };
}

/** What a mapping decides once per file rather than once per line. */
interface Compiled {
  mapping: GenericColumnMapping;
  debitValues: Set<string>;
  kinds: Map<string, SettlementRecordKind>;
  /** The last date cell and its reading: most lines of a file share their day. */
  lastDate: { text: string; value: ReturnType<typeof dateTimeAt> } | null;
}

function compile(mapping: GenericColumnMapping): Compiled {
  return {
    mapping,
    debitValues: new Set((mapping.debitValues ?? []).map((v) => v.toLowerCase())),
    kinds: new Map(Object.entries(mapping.kindValues ?? {}).map(([value, kind]) => [value.toLowerCase(), kind])),
    lastDate: null,
  };
}

function dateOf(compiled: Compiled, row: Row, index: number) {
  const text = row.text(index);
  if (text === '') return null;
  if (compiled.lastDate?.text === text) return compiled.lastDate.value;
  const value = mappedDateTime(text, compiled.mapping, row.at(index));
  compiled.lastDate = { text, value };
  return value;
}

const FEE_ITEMS: ReadonlyArray<[GenericField, keyof SettlementFees]> = [
  ['acquirerFee', 'acquirer'],
  ['interchangeFee', 'interchange'],
  ['schemeFee', 'scheme'],
  ['otherFee', 'other'],
  ['threeDSFee', 'threeDS'],
];

function toLine(compiled: Compiled, i: Indexes, row: Row, entry: string | null): SettlementLine {
  const { mapping } = compiled;
  const text = (f: GenericField) => row.text(i[f]);
  const currencyOf = (f: GenericField) => (text(f) !== '' ? currencyAt(text(f), row.at(i[f])) : null);
  const settlementCurrency = currencyOf('settlementCurrency') ?? currencyOf('transactionCurrency') ?? mapping.currency ?? null;
  const transactionCurrency = currencyOf('transactionCurrency') ?? settlementCurrency;
  if (!settlementCurrency || !transactionCurrency) {
    const f = i.settlementCurrency >= 0 ? 'settlementCurrency' : 'transactionCurrency';
    throw malformed(row.at(i[f]), 'the currency cell is empty', { expected: 'an ISO 4217 currency code', actual: '' });
  }
  const debitCredit = mapping.signConvention === 'debit_credit';
  const isDebit = debitCredit && compiled.debitValues.has(text('debitCredit').toLowerCase());
  const amount = (f: GenericField, currency: string, flagged = true): bigint | null => {
    let cell = text(f);
    if (i[f] < 0 || cell === '') return null;
    let value: bigint;
    if (mapping.amountFormat === 'minor_units') {
      if (!/^[+-]?\d+$/.test(cell)) throw malformed(row.at(i[f]), `not an amount in minor units: ${JSON.stringify(cell)}`, { expected: 'a whole number of minor units', actual: cell });
      value = BigInt(cell);
    } else {
      // Thousands separators (the other mark, spaces, apostrophes) go; the decimal mark becomes '.'.
      cell = mapping.decimalSeparator === ',' ? cell.replace(/[.\s'\u00a0]/g, '').replace(',', '.') : cell.replace(/[,\s'\u00a0]/g, '');
      value = exactMinorUnits(cell, currencyExponent(currency)!) ?? amountAt(cell, currency, row.at(i[f]));
    }
    if (flagged && debitCredit) return isDebit ? -(value < 0n ? -value : value) : value < 0n ? -value : value;
    return value;
  };
  const fees: SettlementFees = { acquirer: null, interchange: null, scheme: null, other: null, threeDS: null };
  let feeTotal = 0n;
  for (const [f, item] of FEE_ITEMS) {
    if (i[f] < 0) continue;
    // The debit/credit flag is the line's: a fee keeps its own sign, read by the mapping's fee
    // sign (a fee given back must stay given back, whatever the line's flag).
    const value = amount(f, settlementCurrency, false) ?? 0n;
    const fee = mapping.feeSign === 'negative_is_charge' ? -value : value;
    fees[item] = fee;
    feeTotal += fee;
  }
  const settlementAmount = amount('settlementAmount', settlementCurrency) ?? amount('transactionAmount', settlementCurrency);
  const transactionAmount = amount('transactionAmount', transactionCurrency) ?? settlementAmount;
  if (settlementAmount === null) {
    const f = i.settlementAmount >= 0 ? 'settlementAmount' : 'transactionAmount';
    throw malformed(row.at(i[f]), 'the amount cell is empty', { expected: 'an amount' });
  }
  const netAmount = amount('netAmount', settlementCurrency) ?? settlementAmount - feeTotal;
  const time = i.transactionTime >= 0 ? dateOf(compiled, row, i.transactionTime) : null;
  const post = (i.postDate >= 0 ? dateOf(compiled, row, i.postDate) : null) ?? time;
  const mappedKind = compiled.kinds.get(text('kind').toLowerCase());
  const kind: SettlementRecordKind = mappedKind ?? (i.kind >= 0 ? 'other' : settlementAmount < 0n ? 'refund' : 'payment');
  return {
    channel: `generic:${mapping.name}`,
    source: { line: row.line, entry },
    kind,
    channelTransactionId: row.optional(i.channelTransactionId),
    merchantOrderId: row.optional(i.merchantOrderId),
    merchantReference: row.optional(i.merchantReference),
    originalTransactionId: row.optional(i.originalTransactionId),
    transactionTime: time?.time ?? null,
    postDate: post?.date ?? null,
    transaction: { amount: transactionAmount!, currency: transactionCurrency },
    settlement: { amount: settlementAmount, currency: settlementCurrency },
    fxRate: text('fxRate') === '' ? null : rateAt(text('fxRate'), row.at(i.fxRate)),
    fees,
    net: { amount: netAmount, currency: settlementCurrency },
    cardBrand: row.optional(i.cardBrand),
    paymentMethod: row.optional(i.paymentMethod),
    region: row.optional(i.region),
    status: row.optional(i.status),
    description: row.optional(i.description),
    raw: row.raw(),
  };
}

/** A CSV or XLSX settlement file read through a saved column mapping (validated first). */
export function parseGenericSettlement(source: ByteSource, mapping: GenericColumnMapping): SettlementFileParse {
  validateMapping(mapping);
  return startParse(`generic:${mapping.name}`, async function* (session) {
    const format = mapping.format ?? 'csv';
    session.format = `generic.${format}`;
    session.formatVersion = mapping.name;
    const bytes = await session.bytes(source);
    let records: AsyncIterable<CsvRecord[]>;
    if (format === 'xlsx') {
      session.encoding = 'xlsx';
      records = oneByOne(readXlsxRows(bytes, dateWriter(mapping.dateFormat)));
    } else {
      const lines = session.lines(bytes, { encoding: mapping.encoding ?? 'auto', asciiFallback: 'utf-8' });
      records = readCsvRecords(skipPreamble(lines, mapping), mapping.delimiter ?? ',');
    }
    let layout: ReturnType<typeof readHeader> | null = null;
    const compiled = compile(mapping);
    for await (const batch of records) {
      const lines: SettlementLine[] = [];
      try {
        for (const record of batch) {
          if (!layout) {
            layout = readHeader(mapping, record.cells, record.line, null);
            session.headers.push({ entry: null, line: record.line, columns: layout.columns.names });
            continue;
          }
          if (record.cells.every((c) => c.trim() === '')) continue;
          lines.push(toLine(compiled, layout.i, layout.columns.row(record.cells, record.line), null));
        }
      } catch (err) {
        // The lines before the bad one come first, as they would one by one.
        if (lines.length > 0) yield lines;
        throw err;
      }
      if (lines.length > 0) yield lines;
    }
    if (!layout) throw unrecognised({ line: 1 }, 'the file has no header', { expected: 'a header line' });
  });
}

async function* skipPreamble(lines: AsyncIterable<PhysicalLine[]>, mapping: GenericColumnMapping): AsyncGenerator<PhysicalLine[]> {
  const skip = mapping.skipLines ?? 0;
  const prefix = mapping.commentPrefix;
  for await (const batch of lines) {
    if (skip === 0 && !prefix) yield batch;
    else yield batch.filter((line) => line.number > skip && !(prefix && line.text.startsWith(prefix)));
  }
}

async function* oneByOne<T>(items: AsyncIterable<T>): AsyncGenerator<T[]> {
  for await (const item of items) yield [item];
}
