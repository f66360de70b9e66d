import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { CsvRecord } from './csv-records.ts';
import { malformed } from './file-errors.ts';

/**
 * A spreadsheet number back to the decimal text Excel stored. exceljs hands over a double; its
 * shortest round-trip text is the stored text for the ≤ 15 significant digits Excel keeps, so
 * no arithmetic is done on it, only exponent notation is spelled out.
 */
export function spreadsheetNumberText(value: number): string {
  const text = String(value);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const [, sign, first, rest = '', exp] = m;
  const digits = `${first}${rest}`;
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

const two = (n: number) => String(n).padStart(2, '0');

/** exceljs gives a date cell as a Date whose UTC fields are the wall-clock time typed in the sheet. */
function dateText(value: Date, format: (y: string, m: string, d: string) => string): string {
  const date = format(String(value.getUTCFullYear()), two(value.getUTCMonth() + 1), two(value.getUTCDate()));
  const time = `${two(value.getUTCHours())}:${two(value.getUTCMinutes())}:${two(value.getUTCSeconds())}`;
  return time === '00:00:00' ? date : `${date} ${time}`;
}

function cellText(value: unknown, formatDate: (y: string, m: string, d: string) => string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return spreadsheetNumberText(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return dateText(value, formatDate);
  if (typeof value === 'object') {
    const v = value as { richText?: Array<{ text: string }>; result?: unknown; text?: unknown; error?: string };
    if (v.richText) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText(v.result, formatDate);
    if (v.text !== undefined) return cellText(v.text, formatDate);
    if (v.error) return v.error;
  }
  return String(value);
}

/**
 * Rows of the first worksheet of an XLSX, streamed (exceljs' streaming reader), as records of
 * cell texts. `line` is the sheet's row number.
 */
export async function* readXlsxRows(bytes: AsyncIterable<Uint8Array>, formatDate: (y: string, m: string, d: string) => string): AsyncGenerator<CsvRecord> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(bytes), {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'ignore',
  });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = Array.isArray(row.values) ? row.values.slice(1) : [];
        yield { line: row.number, cells: Array.from(values, (v) => cellText(v, formatDate)) };
      }
      return;
    }
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('KS_ERR_')) throw err;
    throw malformed({ line: 1 }, `the spreadsheet cannot be read: ${(err as Error).message}`, { expected: 'an XLSX workbook' });
  }
}
