import { malformed } from './file-errors.ts';

export interface PhysicalLine {
  /** 1-based. */
  number: number;
  /** Without its line ending (LF or CRLF). */
  text: string;
}

/** No settlement line is anywhere near this long; a longer one is a broken or hostile file. */
export const MAX_LINE_LENGTH = 1024 * 1024;

/**
 * Splits decoded text into physical lines as it arrives, holding at most one unfinished line,
 * so memory stays bounded by the longest line whatever the file's size. The lines of one chunk
 * come as one batch: the readers above loop over a batch synchronously, so a line costs no
 * promise of its own.
 */
export async function* splitLines(text: AsyncIterable<string>, entry: string | null = null): AsyncGenerator<PhysicalLine[]> {
  let pending = '';
  let number = 0;
  for await (const chunk of text) {
    const batch: PhysicalLine[] = [];
    let start = 0;
    const buffer = pending.length > 0 ? pending + chunk : chunk;
    // The unfinished line has no line feed: the search starts after it.
    for (let end = buffer.indexOf('\n', pending.length); end >= 0; end = buffer.indexOf('\n', start)) {
      number += 1;
      const stop = end > start && buffer.charCodeAt(end - 1) === 13 ? end - 1 : end;
      batch.push({ number, text: buffer.slice(start, stop) });
      start = end + 1;
    }
    pending = start === 0 ? buffer : buffer.slice(start);
    if (batch.length > 0) yield batch;
    if (pending.length > MAX_LINE_LENGTH) {
      throw malformed({ line: number + 1, entry }, `a line is longer than ${MAX_LINE_LENGTH} characters`, { expected: 'lines ending with a line feed' });
    }
  }
  if (pending.length > 0) {
    const stop = pending.charCodeAt(pending.length - 1) === 13 ? pending.length - 1 : pending.length;
    yield [{ number: number + 1, text: pending.slice(0, stop) }];
  }
}
