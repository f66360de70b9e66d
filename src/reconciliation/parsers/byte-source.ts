import { createHash, type Hash } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { malformed } from './file-errors.ts';
import type { ByteSource } from './settlement-line.ts';

/** SHA-256 and length of the bytes exactly as received, taken while they stream past. */
export class ByteTally {
  readonly #hash: Hash = createHash('sha256');
  #digest: string | null = null;
  byteLength = 0;

  add(chunk: Uint8Array): void {
    this.#hash.update(chunk);
    this.byteLength += chunk.length;
  }

  /** Valid once the source is exhausted. */
  sha256(): string {
    return (this.#digest ??= this.#hash.digest('hex'));
  }
}

export async function* tallied(source: ByteSource, tally: ByteTally): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    if (typeof chunk === 'string') throw new TypeError('settlement files are read as bytes: do not set an encoding on the stream');
    tally.add(chunk);
    yield chunk;
  }
}

/**
 * The first `size` bytes (fewer if the source is shorter), and the whole source again, so that a
 * format can be recognised by its first bytes without reading anything twice.
 */
export async function peek(source: ByteSource, size: number): Promise<{ head: Buffer; all: AsyncGenerator<Uint8Array> }> {
  const iterator = source[Symbol.asyncIterator]();
  const seen: Uint8Array[] = [];
  let length = 0;
  let done = false;
  while (length < size) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    seen.push(next.value);
    length += next.value.length;
  }
  async function* all(): AsyncGenerator<Uint8Array> {
    yield* seen;
    seen.length = 0;
    if (done) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { head: Buffer.concat(seen).subarray(0, size), all: all() };
}

export function isGzip(head: Uint8Array): boolean {
  return head[0] === 0x1f && head[1] === 0x8b;
}

export function isZip(head: Uint8Array): boolean {
  return head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

/** WeChat's v3 download with `tar_type=GZIP`: inflated as it streams. */
export async function* gunzipped(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const inflated = pipeline(Readable.from(source), createGunzip(), () => {});
  try {
    for await (const chunk of inflated) yield chunk as Buffer;
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('Z_')) throw malformed({ line: 1 }, 'the gzip data is corrupt or cut short', { expected: 'a complete gzip stream' });
    throw err;
  }
}

/** The bytes to read: gzip is unwrapped; anything else passes through. */
export async function readableBytes(source: ByteSource): Promise<AsyncGenerator<Uint8Array>> {
  const { head, all } = await peek(source, 2);
  return isGzip(head) ? gunzipped(all) : all;
}
