import { Unzip, UnzipInflate } from 'fflate';
import { malformed } from './file-errors.ts';

export interface ZipEntry {
  /** Decoded name: UTF-8 when flagged or valid, otherwise GBK (Alipay's downloads). */
  name: string;
  bytes: AsyncGenerator<Uint8Array>;
}

type UnzipEvent = { kind: 'start'; name: string } | { kind: 'data'; chunk: Uint8Array; final: boolean } | { kind: 'error'; error: Error };

/** Input is fed to the inflater in slices, so one slice can only expand so far before it is read. */
const FEED_SLICE = 16 * 1024;

/**
 * fflate hands over a name without the UTF-8 flag as Latin-1 characters; the bytes behind them
 * are UTF-8 from some zippers and GBK from Alipay (`<pid>_<date>_业务明细.csv`).
 */
export function decodeEntryName(name: string): string {
  if ([...name].some((ch) => ch.charCodeAt(0) > 0xff)) return name;
  const bytes = Buffer.from(name, 'latin1');
  if (!bytes.some((b) => b >= 0x80)) return name;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gbk').decode(bytes);
  }
}

/**
 * The entries of a ZIP read front to back through its local headers, as the bytes stream in:
 * the central directory at the end is never needed, so nothing is held but the entry being read.
 * Each entry's bytes must be read (or abandoned) before the next entry is asked for.
 */
export async function* zipEntries(source: AsyncIterable<Uint8Array>): AsyncGenerator<ZipEntry> {
  const events: UnzipEvent[] = [];
  const unzip = new Unzip((file) => {
    events.push({ kind: 'start', name: decodeEntryName(file.name) });
    file.ondata = (error, chunk, final) => events.push(error ? { kind: 'error', error } : { kind: 'data', chunk, final });
    file.start();
  });
  unzip.register(UnzipInflate);
  const input = source[Symbol.asyncIterator]();
  let inputDone = false;
  const feed = (chunk: Uint8Array, final: boolean) => {
    try {
      unzip.push(chunk, final);
    } catch (error) {
      events.push({ kind: 'error', error: error as Error });
    }
  };
  const next = async (): Promise<UnzipEvent | null> => {
    while (events.length === 0) {
      if (inputDone) return null;
      const r = await input.next();
      if (r.done) {
        inputDone = true;
        feed(new Uint8Array(0), true);
      } else {
        for (let i = 0; i < r.value.length; i += FEED_SLICE) feed(r.value.subarray(i, i + FEED_SLICE), false);
      }
    }
    return events.shift()!;
  };
  const corrupt = (name: string, why: string) => malformed({ line: 1, entry: name }, `the ZIP entry is ${why}`, { expected: 'a complete ZIP archive' });

  let event = await next();
  let sawEntry = false;
  while (event) {
    if (event.kind === 'error') throw corrupt('(archive)', `unreadable: ${event.error.message}`);
    if (event.kind !== 'start') {
      event = await next();
      continue;
    }
    sawEntry = true;
    const name = event.name;
    async function* bytes(): AsyncGenerator<Uint8Array> {
      for (;;) {
        const e = await next();
        if (!e || e.kind === 'start') throw corrupt(name, 'cut short');
        if (e.kind === 'error') throw corrupt(name, `unreadable: ${e.error.message}`);
        if (e.chunk.length > 0) yield e.chunk;
        if (e.final) return;
      }
    }
    yield { name, bytes: bytes() };
    // Data of an entry the reader skipped or left early is passed over by this loop.
    event = await next();
  }
  if (!sawEntry) throw malformed({ line: 1 }, 'the ZIP archive has no entries', { expected: 'a ZIP with the bill inside' });
}
