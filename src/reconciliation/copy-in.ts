import { once } from 'node:events';
import type { PoolClient } from '../db/index.ts';

/** The bits of pg's connection a COPY … FROM STDIN drives (pg calls these on its active query). */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
  stream: NodeJS.WritableStream & { writableNeedDrain?: boolean };
}

/**
 * A `COPY … FROM STDIN` fed from an async iterable of text chunks, with back-pressure. pg runs any
 * object with `submit()` as its active query and hands it the protocol messages, so this needs no
 * extra package. If the source throws (a malformed line), the COPY is failed on the server and the
 * source's error is what the caller sees; the transaction is then aborted, nothing is kept.
 */
class CopyFromStdin {
  readonly text: string;
  private readonly source: AsyncIterable<string>;
  private sourceError: unknown = null;
  private serverError: unknown = null;
  private rowCount = 0;
  private resolve!: (rows: number) => void;
  private reject!: (err: unknown) => void;
  readonly done: Promise<number>;

  constructor(text: string, source: AsyncIterable<string>) {
    this.text = text;
    this.source = source;
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    void this.pump(connection);
  }

  private async pump(connection: CopyConnection): Promise<void> {
    try {
      for await (const chunk of this.source) {
        if (this.serverError) break;
        connection.sendCopyFromChunk(Buffer.from(chunk, 'utf8'));
        if (connection.stream.writableNeedDrain) await once(connection.stream, 'drain');
      }
      connection.endCopyFrom();
    } catch (err) {
      this.sourceError = err;
      connection.sendCopyFail('the source of the copy failed');
    }
  }

  handleCommandComplete(message: { text?: string }): void {
    const n = /^COPY (\d+)/.exec(message.text ?? '');
    if (n) this.rowCount = Number(n[1]);
  }

  /** pg drops an errored query at once (no ReadyForQuery reaches it), so the copy ends here. */
  handleError(err: unknown): void {
    this.serverError = err;
    this.reject(this.sourceError ?? err);
  }

  handleReadyForQuery(): void {
    if (this.sourceError) this.reject(this.sourceError);
    else if (this.serverError) this.reject(this.serverError);
    else this.resolve(this.rowCount);
  }

  // A COPY returns no rows; pg may still call these on any active query.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handleCopyData(): void {}
}

/** Runs `COPY table (columns) FROM STDIN` on `client` from text chunks; resolves with the row count. */
export async function copyIn(client: PoolClient, table: string, columns: readonly string[], chunks: AsyncIterable<string>): Promise<number> {
  const copy = new CopyFromStdin(`COPY ${table} (${columns.join(', ')}) FROM STDIN`, chunks);
  (client as unknown as { query(q: CopyFromStdin): void }).query(copy);
  return copy.done;
}

const NEEDS_ESCAPE = /[\\\t\n\r\0]/;

/** One value in COPY's text format: `\N` for null; backslash, tab, newline and CR escaped. */
export function copyValue(value: string | bigint | number | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value !== 'string') return String(value);
  // One test for the common case: nothing to escape.
  if (!NEEDS_ESCAPE.test(value)) return value;
  // PostgreSQL text cannot hold NUL; a cell with one keeps the rest of its text.
  if (value.includes('\0')) value = value.replaceAll('\0', '');
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** Rows of values gathered into chunks of about `chunkChars` characters (fewer, larger messages). */
export async function* copyChunks<T>(items: AsyncIterable<T> | Iterable<T>, toRow: (item: T) => Array<string | bigint | number | null | undefined>, chunkChars = 256 * 1024): AsyncGenerator<string> {
  let buffer = '';
  const add = (item: T) => {
    const row = toRow(item);
    let line = row.length > 0 ? copyValue(row[0]) : '';
    for (let i = 1; i < row.length; i++) line += `\t${copyValue(row[i])}`;
    buffer += `${line}\n`;
  };
  if (Symbol.iterator in items) {
    // A synchronous source is read without an await per row (a million promises otherwise).
    for (const item of items) {
      add(item);
      if (buffer.length >= chunkChars) {
        yield buffer;
        buffer = '';
      }
    }
  } else {
    for await (const item of items) {
      add(item);
      if (buffer.length >= chunkChars) {
        yield buffer;
        buffer = '';
      }
    }
  }
  if (buffer) yield buffer;
}
