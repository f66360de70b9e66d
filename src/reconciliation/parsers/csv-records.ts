import { malformed } from './file-errors.ts';
import { MAX_LINE_LENGTH, type PhysicalLine } from './line-splitter.ts';

export interface CsvRecord {
  /** Physical line where the record starts (a quoted cell may run over several lines). */
  line: number;
  cells: string[];
}

/**
 * Cells of one record (RFC 4180: `"` quotes, `""` inside quotes), or null when the text ends
 * inside a quoted cell and the record continues on the next line.
 */
export function parseCsvCells(text: string, delimiter: string, line: number, entry: string | null): string[] | null {
  if (!text.includes('"')) return text.split(delimiter);
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === 34) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0) return null;
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
      if (i === text.length) return cells;
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
      if (next < 0) return cells;
      i = next + delimiter.length;
    }
  }
}

/** Records of a delimited file, as the physical lines arrive; blank lines are skipped. */
export async function* readCsvRecords(
  lines: AsyncIterable<PhysicalLine>,
  delimiter: string,
  entry: string | null = null,
): AsyncGenerator<CsvRecord> {
  let open: { line: number; text: string } | null = null;
  for await (const { number, text } of lines) {
    const record: { line: number; text: string } = open ? { line: open.line, text: `${open.text}\n${text}` } : { line: number, text };
    if (!open && text === '') continue;
    const cells = parseCsvCells(record.text, delimiter, record.line, entry);
    if (cells) {
      open = null;
      yield { line: record.line, cells };
      continue;
    }
    if (record.text.length > MAX_LINE_LENGTH) {
      throw malformed({ line: record.line, entry }, `a quoted cell runs over more than ${MAX_LINE_LENGTH} characters`, { expected: 'a closing quote' });
    }
    open = record;
  }
  if (open) throw malformed({ line: open.line, entry }, 'the file ends inside a quoted cell', { expected: 'a closing quote' });
}
