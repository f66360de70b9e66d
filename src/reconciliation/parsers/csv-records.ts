import { malformed } from './file-errors.ts';
import { MAX_LINE_LENGTH, type PhysicalLine } from './line-splitter.ts';

export interface CsvRecord {
  /** Physical line where the record starts (a quoted cell may run over several lines). */
  line: number;
  cells: string[];
}

/**
 * Reads cells of `text` from `i` into `cells` (RFC 4180: `"` quotes, `""` inside quotes).
 * Returns -1 when the record is complete, else the index of the opening quote of the cell that
 * is still open at the end of the text.
 */
function scanCells(text: string, i: number, delimiter: string, cells: string[], line: number, entry: string | null): number {
  for (;;) {
    if (text.charCodeAt(i) === 34) {
      const open = i;
      let value = '';
      let from = i + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0) return open;
        value += text.slice(from, quote);
        if (text.charCodeAt(quote + 1) === 34) {
          value += '"';
          from = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      cells.push(value);
      if (i === text.length) return -1;
      if (!text.startsWith(delimiter, i)) {
        throw malformed({ line, entry, column: cells.length }, 'text after the closing quote of a cell', {
          expected: `${JSON.stringify(delimiter)} or the end of the line after a closing quote`,
          actual: text.slice(i, i + 20),
        });
      }
      i += delimiter.length;
    } else {
      const next = text.indexOf(delimiter, i);
      // A quote inside an unquoted cell is taken literally, as spreadsheets write it.
      cells.push(text.slice(i, next < 0 ? text.length : next));
      if (next < 0) return -1;
      i = next + delimiter.length;
    }
  }
}

/**
 * Cells of one record, or null when the text ends inside a quoted cell and the record continues
 * on the next line.
 */
export function parseCsvCells(text: string, delimiter: string, line: number, entry: string | null): string[] | null {
  if (!text.includes('"')) return text.split(delimiter);
  const cells: string[] = [];
  return scanCells(text, 0, delimiter, cells, line, entry) < 0 ? cells : null;
}

/** Whether a line inside an open quoted cell closes it: a `"` that is not half of a `""`. */
function closesQuote(text: string): boolean {
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 2)) if (text.charCodeAt(i + 1) !== 34) return true;
  return false;
}

/**
 * Turns physical lines into records, one line at a time and synchronously. A quoted cell over
 * many lines is read once: a line that cannot close it is only appended, so a stray quote in a
 * large file costs linear time up to the length limit, not a re-read of the record per line.
 */
export class CsvRecordReader {
  readonly #delimiter: string;
  readonly #entry: string | null;
  /** A record whose last cell is a quoted cell still open: the cells before it, and its text so far. */
  #open: { line: number; cells: string[]; tail: string } | null = null;

  constructor(delimiter: string, entry: string | null = null) {
    this.#delimiter = delimiter;
    this.#entry = entry;
  }

  /** The record this line completes, or null (a blank line, or a quoted cell still open). */
  push(number: number, text: string): CsvRecord | null {
    const open = this.#open;
    if (open) {
      open.tail += `\n${text}`;
      if (closesQuote(text)) {
        const at = scanCells(open.tail, 0, this.#delimiter, open.cells, open.line, this.#entry);
        if (at < 0) {
          this.#open = null;
          return { line: open.line, cells: open.cells };
        }
        open.tail = open.tail.slice(at);
      }
      if (open.tail.length > MAX_LINE_LENGTH) {
        throw malformed({ line: open.line, entry: this.#entry }, `a quoted cell runs over more than ${MAX_LINE_LENGTH} characters`, { expected: 'a closing quote' });
      }
      return null;
    }
    if (text === '') return null;
    if (!text.includes('"')) return { line: number, cells: text.split(this.#delimiter) };
    const cells: string[] = [];
    const at = scanCells(text, 0, this.#delimiter, cells, number, this.#entry);
    if (at < 0) return { line: number, cells };
    this.#open = { line: number, cells, tail: text.slice(at) };
    return null;
  }

  /** At the end of the file: a quoted cell may not be left open. */
  end(): void {
    if (this.#open) throw malformed({ line: this.#open.line, entry: this.#entry }, 'the file ends inside a quoted cell', { expected: 'a closing quote' });
  }
}

/** Records of a delimited file, in batches as the batches of physical lines arrive; blank lines are skipped. */
export async function* readCsvRecords(lines: AsyncIterable<PhysicalLine[]>, delimiter: string, entry: string | null = null): AsyncGenerator<CsvRecord[]> {
  const reader = new CsvRecordReader(delimiter, entry);
  for await (const batch of lines) {
    const records: CsvRecord[] = [];
    try {
      for (const { number, text } of batch) {
        const record = reader.push(number, text);
        if (record) records.push(record);
      }
    } catch (err) {
      // The lines before the bad one come first, as they would one by one.
      if (records.length > 0) yield records;
      throw err;
    }
    if (records.length > 0) yield records;
  }
  reader.end();
}
