import { TextDecoder } from 'node:util';
import type { ByteSource } from './settlement-line.ts';

export type TextEncodingName = 'utf-8' | 'gbk' | 'utf-16le' | 'utf-16be';
export const TEXT_ENCODINGS: readonly TextEncodingName[] = ['utf-8', 'gbk', 'utf-16le', 'utf-16be'];

export interface DecodeOptions {
  /** `auto`: a BOM decides; otherwise UTF-8 if the first non-ASCII bytes are valid UTF-8, else GBK. */
  encoding: TextEncodingName | 'auto';
  /** Used by `auto` when the first 64 KiB are plain ASCII (nothing to tell the encodings apart). */
  asciiFallback: TextEncodingName;
}

const DETECT_ALL_ASCII_LIMIT = 64 * 1024;
/** How much text after the first non-ASCII byte is checked: one Chinese header line is enough. */
const DETECT_WINDOW_AFTER_NON_ASCII = 1024;

function bomEncoding(head: Uint8Array): TextEncodingName | null {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return null;
}

function isValidUtf8Prefix(bytes: Uint8Array): boolean {
  try {
    // stream: a multi-byte character cut at the window's end is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

function detect(head: Uint8Array, options: DecodeOptions, complete: boolean): TextEncodingName | null {
  if (head.length < 3 && !complete) return null;
  const bom = bomEncoding(head);
  if (bom) return bom;
  if (options.encoding !== 'auto') return options.encoding;
  const firstNonAscii = head.findIndex((b) => b >= 0x80);
  if (firstNonAscii < 0) return complete || head.length >= DETECT_ALL_ASCII_LIMIT ? options.asciiFallback : null;
  if (!complete && head.length < firstNonAscii + DETECT_WINDOW_AFTER_NON_ASCII) return null;
  return isValidUtf8Prefix(head) ? 'utf-8' : 'gbk';
}

/**
 * Decodes bytes to text incrementally; a character split across chunks is joined. Invalid bytes
 * become U+FFFD, which the cell readers refuse with the line and column where they sit.
 */
export class TextDecoding {
  encoding: TextEncodingName | null = null;
  readonly #options: DecodeOptions;

  constructor(options: DecodeOptions) {
    this.#options = options;
  }

  async *decode(source: ByteSource): AsyncGenerator<string> {
    const pending: Uint8Array[] = [];
    let pendingLength = 0;
    let decoder: TextDecoder | null = null;
    const start = (complete: boolean): TextDecoder | null => {
      const head = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingLength);
      pending.length = 0;
      pending.push(head);
      const encoding = detect(head, this.#options, complete);
      if (!encoding) return null;
      this.encoding = encoding;
      return new TextDecoder(encoding);
    };
    for await (const chunk of source) {
      if (decoder) {
        const text = decoder.decode(chunk, { stream: true });
        if (text) yield text;
        continue;
      }
      pending.push(chunk);
      pendingLength += chunk.length;
      decoder = start(false);
      if (decoder) {
        const text = decoder.decode(pending[0], { stream: true });
        pending.length = 0;
        if (text) yield text;
      }
    }
    if (!decoder) {
      decoder = start(true)!;
      const text = decoder.decode(pending[0] ?? new Uint8Array(0), { stream: true });
      if (text) yield text;
    }
    const rest = decoder.decode();
    if (rest) yield rest;
  }
}
