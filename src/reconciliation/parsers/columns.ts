import { malformed, unrecognised, type FilePosition } from './file-errors.ts';

/**
 * Header names are compared after normalising what exports vary in: BOM, WeChat's back-tick,
 * full-width brackets (`（元）` vs `(元)`), case, and runs of spaces (PayPal's
 * `Transaction  Debit or Credit`).
 */
export function normaliseHeaderName(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .replace(/^`/, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** A detail header: columns are found by name, never by position. */
export class Columns {
  readonly names: string[];
  readonly line: number;
  readonly entry: string | null;
  /** Keys of `Row.raw()`: the names, a repeated one suffixed with its position. */
  readonly rawKeys: string[];
  readonly #index = new Map<string, number>();

  constructor(names: string[], line: number, entry: string | null = null) {
    this.names = names.map((n) => n.replace(/^\uFEFF/, '').replace(/^`/, '').trim());
    this.line = line;
    this.entry = entry;
    this.names.forEach((name, i) => {
      const key = normaliseHeaderName(name);
      if (!this.#index.has(key)) this.#index.set(key, i);
    });
    const seen = new Set<string>();
    this.rawKeys = this.names.map((name, i) => {
      const key = seen.has(name) ? `${name} (${i + 1})` : name;
      seen.add(key);
      return key;
    });
  }

  /** Index of the first of `aliases` present, or -1. */
  find(...aliases: string[]): number {
    for (const alias of aliases) {
      const i = this.#index.get(normaliseHeaderName(alias));
      if (i !== undefined) return i;
    }
    return -1;
  }

  has(...aliases: string[]): boolean {
    return this.find(...aliases) >= 0;
  }

  /** Index of a column the format cannot do without. */
  require(name: string, ...aliases: string[]): number {
    const i = this.find(name, ...aliases);
    if (i < 0) this.refuseMissing([name]);
    return i;
  }

  /** Names (first alias of each group) absent from the header. */
  missing(groups: ReadonlyArray<readonly string[]>): string[] {
    return groups.filter((aliases) => this.find(...aliases) < 0).map((aliases) => aliases[0]!);
  }

  refuseMissing(missing: string[]): never {
    throw malformed({ line: this.line, entry: this.entry, columnName: missing[0]! }, `the header lacks ${missing.map((m) => JSON.stringify(m)).join(', ')}`, {
      expected: `columns ${missing.join(', ')}`,
      missing_columns: missing,
    });
  }

  /** Refuses a header that shares none of the format's signature columns: another kind of file. */
  expectSignature(format: string, signature: readonly string[]): void {
    if (signature.some((name) => this.find(name) >= 0)) return;
    throw unrecognised({ line: this.line, entry: this.entry }, `the header is not that of a ${format}`, {
      expected: `a header with ${signature.join(', ')}`,
      actual: this.names.slice(0, 8).join(','),
    });
  }

  position(index: number, line: number): FilePosition {
    return { line, entry: this.entry, column: index + 1, columnName: this.names[index] ?? `#${index + 1}` };
  }

  /**
   * The cells of one data line, checked against the header: as many cells (extra empty cells
   * at the end are tolerated), and no undecodable bytes.
   */
  row(cells: string[], line: number): Row {
    if (cells.length < this.names.length) {
      throw malformed(this.position(cells.length, line), `the line has ${cells.length} cells, the header ${this.names.length}: truncated?`, {
        expected: `${this.names.length} cells`,
        actual: `${cells.length} cells`,
      });
    }
    for (let i = this.names.length; i < cells.length; i++) {
      if (cells[i]!.trim() !== '') {
        throw malformed({ line, entry: this.entry, column: i + 1 }, `the line has more cells than the header (${this.names.length})`, {
          expected: `${this.names.length} cells`,
          actual: cells[i],
        });
      }
    }
    for (let i = 0; i < this.names.length; i++) {
      if (cells[i]!.includes('\uFFFD')) {
        throw malformed(this.position(i, line), 'the cell has bytes that are not valid in the file’s encoding', { expected: 'text in one encoding throughout' });
      }
    }
    return new Row(this, cells, line);
  }
}

/** One data line with its header: cells by index, trimmed, and positions for errors. */
export class Row {
  readonly columns: Columns;
  readonly cells: string[];
  readonly line: number;

  constructor(columns: Columns, cells: string[], line: number) {
    this.columns = columns;
    this.cells = cells;
    this.line = line;
  }

  /** The cell trimmed of spaces and Alipay's trailing tabs; '' when the column is absent. */
  text(index: number): string {
    return index < 0 ? '' : (this.cells[index] ?? '').trim();
  }

  /** The cell, or null when it is empty or the column absent. */
  optional(index: number): string | null {
    const text = this.text(index);
    return text === '' ? null : text;
  }

  at(index: number): FilePosition {
    return this.columns.position(index, this.line);
  }

  raw(): Record<string, string> {
    const out: Record<string, string> = {};
    const keys = this.columns.rawKeys;
    for (let i = 0; i < keys.length; i++) out[keys[i]!] = (this.cells[i] ?? '').trim();
    return out;
  }
}
