import { KessaiError } from '../../errors/index.ts';
import { isSupportedCurrency } from '../../money/index.ts';

export interface FxRateInput {
  date: string;
  base: string;
  quote: string;
  rate: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const RATE = /^(?:0|[1-9]\d{0,11})(?:\.\d{1,12})?$/;
const COLUMNS = ['date', 'base', 'quote', 'rate'] as const;

function malformed(line: number, column: string, message: string, columnIndex: Record<string, number> = {}): KessaiError {
  const index = columnIndex[column];
  return new KessaiError('KS_ERR_FX_RATES_MALFORMED', `line ${line}, column ${column}: ${message}`, {
    line,
    ...(index !== undefined && index >= 0 ? { column: index + 1 } : {}),
    column_name: column,
  });
}

function validDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(text);
}

/**
 * A rates file: a header naming `date,base,quote,rate` (any order, any case, more columns
 * ignored), then one rate per line: `2026-11-20,USD,JPY,154.235`. All or nothing: the first bad
 * cell is an error naming its line and column; the same day and pair twice is an error too.
 */
export function parseRatesCsv(text: string): FxRateInput[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const at = Object.fromEntries(COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<(typeof COLUMNS)[number], number>;
  const bad = (line: number, column: string, message: string) => malformed(line, column, message, at);
  for (const c of COLUMNS) if (at[c] < 0) throw bad(1, c, `the header must name the column ${c} (date,base,quote,rate)`);
  const out: FxRateInput[] = [];
  const seen = new Set<string>();
  lines.slice(1).forEach((raw, i) => {
    const line = i + 2;
    if (raw.trim() === '') return;
    const cells = raw.split(',').map((c) => c.trim());
    const cell = (c: (typeof COLUMNS)[number]) => cells[at[c]] ?? '';
    const date = cell('date');
    if (!validDate(date)) throw bad(line, 'date', `a date YYYY-MM-DD (got ${JSON.stringify(date)})`);
    const base = cell('base').toUpperCase();
    const quote = cell('quote').toUpperCase();
    if (!isSupportedCurrency(base)) throw bad(line, 'base', `an ISO 4217 currency (got ${JSON.stringify(cell('base'))})`);
    if (!isSupportedCurrency(quote) || quote === base) throw bad(line, 'quote', `an ISO 4217 currency other than the base (got ${JSON.stringify(cell('quote'))})`);
    const rate = cell('rate');
    if (!RATE.test(rate) || /^0(\.0*)?$/.test(rate)) throw bad(line, 'rate', `a positive decimal such as 154.235 (got ${JSON.stringify(rate)})`);
    const key = `${date} ${base}/${quote}`;
    if (seen.has(key)) throw bad(line, 'date', `${base}/${quote} on ${date} is given twice`);
    seen.add(key);
    out.push({ date, base, quote, rate });
  });
  if (out.length === 0) throw bad(2, 'date', 'the file has no rates');
  return out;
}
