import { KessaiError } from '../../errors/index.ts';

/** A place in a file: physical line (1-based), ZIP entry, and the cell when there is one. */
export interface FilePosition {
  line: number;
  entry?: string | null;
  /** 1-based column index. */
  column?: number;
  /** The column's header as printed. */
  columnName?: string;
}

export interface ProblemFacts {
  expected?: string;
  actual?: string;
  [key: string]: unknown;
}

/** `actual` is cut so that a huge cell never becomes a huge error body. */
function shorten(text: string | undefined): string | undefined {
  if (text === undefined || text.length <= 200) return text;
  return `${text.slice(0, 200)}…`;
}

function details(at: FilePosition, facts: ProblemFacts) {
  return {
    line: at.line,
    ...(at.entry ? { entry: at.entry } : {}),
    ...(at.column !== undefined ? { column: at.column } : {}),
    ...(at.columnName !== undefined ? { column_name: at.columnName } : {}),
    ...facts,
    ...(facts.actual !== undefined ? { actual: shorten(facts.actual) } : {}),
  };
}

function where(at: FilePosition): string {
  const number = at.column !== undefined ? ` ${at.column}` : '';
  const cell = at.columnName !== undefined ? `, column${number} (${at.columnName})` : number ? `, column${number}` : '';
  return `${at.entry ? `${at.entry}: ` : ''}line ${at.line}${cell}`;
}

/** The file is of the right kind but a line of it cannot be read. */
export function malformed(at: FilePosition, message: string, facts: ProblemFacts = {}): KessaiError {
  return new KessaiError('KS_ERR_SETTLEMENT_FILE_MALFORMED', `${where(at)}: ${message}`, details(at, facts));
}

/** The file is not what the chosen parser reads (another channel's file, an error page, a binary). */
export function unrecognised(at: FilePosition, message: string, facts: ProblemFacts = {}): KessaiError {
  return new KessaiError('KS_ERR_SETTLEMENT_FILE_UNRECOGNISED', `${where(at)}: ${message}`, details(at, facts));
}
