// Shared by the format writers (test helpers): text encodings as the channels write them, times,
// CSV quoting, and the normalised line a writer expects the parser to give back.
import { TextDecoder } from 'node:util';
import { currencyExponent, toMajorString } from '../../../money/index.ts';
import type { SettlementChannel, SettlementLine } from '../settlement-line.ts';

/** What a file's bytes are written in: UTF-8 with or without BOM, GBK, UTF-16LE with BOM. */
export type WrittenEncoding = 'utf-8' | 'utf-8-bom' | 'gbk' | 'utf-16le-bom';

let gbkTable: Map<number, number> | null = null;

/** Node decodes GBK but cannot encode it: the table is GBK's decoder read backwards. */
function gbkCodes(): Map<number, number> {
  if (gbkTable) return gbkTable;
  const table = new Map<number, number>();
  const decoder = new TextDecoder('gbk');
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const ch = decoder.decode(Uint8Array.of(lead, trail));
      if (ch.length === 1 && ch !== '\uFFFD' && !table.has(ch.charCodeAt(0))) table.set(ch.charCodeAt(0), (lead << 8) | trail);
    }
  }
  return (gbkTable = table);
}

export function encodeGbk(text: string): Buffer {
  const table = gbkCodes();
  const out = Buffer.alloc(text.length * 2);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      out[n++] = code;
      continue;
    }
    const gbk = table.get(code);
    if (gbk === undefined) throw new RangeError(`${JSON.stringify(text[i])} has no GBK code`);
    out[n++] = gbk >> 8;
    out[n++] = gbk & 0xff;
  }
  return out.subarray(0, n);
}

export function encodeText(text: string, encoding: WrittenEncoding): Buffer {
  switch (encoding) {
    case 'utf-8':
      return Buffer.from(text, 'utf8');
    case 'utf-8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'gbk':
      return encodeGbk(text);
    case 'utf-16le-bom':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  }
}

/** The encoding a parse reports for bytes written in `encoding`. */
export function writtenEncodingName(encoding: WrittenEncoding): string {
  return encoding === 'gbk' ? 'gbk' : encoding === 'utf-16le-bom' ? 'utf-16le' : 'utf-8';
}

/** Lines joined by the file's line ending, the last one ended too. */
export function joinLines(lines: string[], eol: '\r\n' | '\n'): string {
  return lines.map((l) => l + eol).join('');
}

/** A wall-clock time as seconds since 2000-01-01 read as UTC: the digits a file prints. */
export interface WallClock {
  date: string;
  time: string;
}

export function wallClock(seconds: number): WallClock {
  const iso = new Date(Date.UTC(2000, 0, 1) + seconds * 1000).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 19) };
}

/** ISO 8601 as the parsers give it: `YYYY-MM-DDTHH:MM:SS` and the offset. */
export function isoTime(clock: WallClock, offset: string): string {
  return `${clock.date}T${clock.time}${offset}`;
}

/** Major units as the channels print them: `12.34`, `-0.50`, `1000` (JPY). */
export function major(amount: bigint, currency: string): string {
  return toMajorString(amount, currency);
}

export function exponent(currency: string): number {
  return currencyExponent(currency)!;
}

/** RFC 4180: a cell with the delimiter, a quote or a line break is quoted, quotes doubled. */
export function csvCell(value: string, delimiter = ',', always = false): string {
  if (!always && !value.includes(delimiter) && !/["\r\n]/.test(value)) return value;
  return `"${value.replaceAll('"', '""')}"`;
}

export function csvRow(values: string[], delimiter = ','): string {
  return values.map((v) => csvCell(v, delimiter)).join(delimiter);
}

export type ExpectedLine = Omit<SettlementLine, 'raw'>;

/** An expected line: everything the format does not state is null. */
export function expectLine(channel: SettlementChannel, line: number, entry: string | null, facts: Partial<ExpectedLine>): ExpectedLine {
  return {
    channel,
    source: { line, entry },
    kind: 'other',
    channelTransactionId: null,
    merchantOrderId: null,
    merchantReference: null,
    originalTransactionId: null,
    transactionTime: null,
    postDate: null,
    transaction: null,
    settlement: null,
    fxRate: null,
    fees: { acquirer: null, interchange: null, scheme: null, other: null, threeDS: null },
    net: null,
    cardBrand: null,
    paymentMethod: null,
    region: null,
    status: null,
    description: null,
    ...facts,
  };
}

/** A parsed line without its `raw` cells, to compare with an expected one. */
export function withoutRaw(line: SettlementLine): ExpectedLine {
  const { raw: _raw, ...rest } = line;
  return rest;
}

/** A UTF-8 CSV of a format without totals (Stripe, Adyen): its records and expected lines. */
export function footerlessCsv(records: string[], eol: '\r\n' | '\n', lines: ExpectedLine[], format: string, columns: number): WrittenFile {
  return { bytes: Buffer.from(joinLines(records, eol), 'utf8'), lines, footer: 'not_applicable', encoding: 'utf-8', format, formatVersion: `${columns}-column` };
}

/** A written file and what its parse must give. */
export interface WrittenFile {
  bytes: Buffer;
  lines: ExpectedLine[];
  /** Footer status the parse must report. */
  footer: 'passed' | 'failed' | 'missing' | 'not_applicable';
  encoding: string;
  format: string;
  formatVersion: string;
}
