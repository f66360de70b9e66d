// Ways a settlement file arrives broken: cut short, in the wrong encoding, with cells added or
// lost, random bytes, empty, header only, totals that do not add up. Each is a fast-check
// generator of a function from the valid bytes to the broken ones.
import fc from 'fast-check';
import { encodeGbk } from './common.ts';

export interface Mutation {
  name: string;
  /** The bytes are a prefix of the valid file (so the lines before the cut are still right). */
  truncation: boolean;
  apply(bytes: Buffer): Buffer;
}

const LF = 0x0a;

/** Start offsets of the physical lines. */
function lineStarts(bytes: Buffer): number[] {
  const starts = [0];
  for (let i = bytes.indexOf(LF); i >= 0 && i + 1 < bytes.length; i = bytes.indexOf(LF, i + 1)) starts.push(i + 1);
  return starts;
}

/** Latin-1 → UTF-8 and back, UTF-8 ↔ GBK: the text is right, the bytes are not what was expected. */
function reencode(bytes: Buffer, to: 'latin1' | 'gbk' | 'utf-8-from-gbk' | 'utf-8-from-latin1'): Buffer {
  switch (to) {
    case 'latin1':
      return Buffer.from(bytes.toString('utf8'), 'latin1');
    case 'gbk': {
      try {
        return encodeGbk(bytes.toString('utf8').replace(/^\uFEFF/, ''));
      } catch {
        return Buffer.from(bytes.toString('utf8'), 'latin1');
      }
    }
    case 'utf-8-from-gbk':
      return Buffer.from(new TextDecoder('gbk').decode(bytes), 'utf8');
    case 'utf-8-from-latin1':
      return Buffer.from(bytes.toString('latin1'), 'utf8');
  }
}

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((n) => ({ name: `truncated at byte ${n}`, truncation: true, apply: (b: Buffer) => b.subarray(0, b.length === 0 ? 0 : n % b.length) })),
  fc.constantFrom('latin1' as const, 'gbk' as const, 'utf-8-from-gbk' as const, 'utf-8-from-latin1' as const).map((to) => ({ name: `re-encoded ${to}`, truncation: false, apply: (b: Buffer) => reencode(b, to) })),
  fc.tuple(fc.nat(), fc.constantFrom(',extra', ',`extra', ',"x,y"', ';1', '\t9', ',,,,')).map(([n, cells]) => ({
    name: `cells ${JSON.stringify(cells)} added to a line`,
    truncation: false,
    apply: (b: Buffer) => {
      const starts = lineStarts(b);
      const end = b.indexOf(LF, starts[n % starts.length]!);
      const at = end < 0 ? b.length : b[end - 1] === 0x0d ? end - 1 : end;
      return Buffer.concat([b.subarray(0, at), Buffer.from(cells), b.subarray(at)]);
    },
  })),
  fc.nat().map((n) => ({
    name: 'a cell removed from a line',
    truncation: false,
    apply: (b: Buffer) => {
      const starts = lineStarts(b);
      const start = starts[n % starts.length]!;
      const end = b.indexOf(LF, start);
      const comma = b.lastIndexOf(0x2c, end < 0 ? b.length : end);
      return comma < start ? b : Buffer.concat([b.subarray(0, comma), b.subarray(end < 0 ? b.length : end)]);
    },
  })),
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }).map((edits) => ({
    name: `random bytes ${JSON.stringify(edits)}`,
    truncation: false,
    apply: (b: Buffer) => {
      const out = Buffer.from(b);
      for (const [at, value] of edits) if (out.length > 0) out[at % out.length] = value;
      return out;
    },
  })),
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([at, junk]) => ({
    name: 'random bytes inserted',
    truncation: false,
    apply: (b: Buffer) => Buffer.concat([b.subarray(0, at % (b.length + 1)), junk, b.subarray(at % (b.length + 1))]),
  })),
  fc.constant({ name: 'empty', truncation: true, apply: () => Buffer.alloc(0) }),
  fc.integer({ min: 1, max: 6 }).map((keep) => ({
    name: `only the first ${keep} lines`,
    truncation: true,
    apply: (b: Buffer) => {
      const starts = lineStarts(b);
      return b.subarray(0, starts[keep] ?? b.length);
    },
  })),
  fc.nat().map((n) => ({
    name: 'a digit changed near the end (totals)',
    truncation: false,
    apply: (b: Buffer) => {
      const out = Buffer.from(b);
      const digits: number[] = [];
      for (let i = Math.max(0, out.length - 400); i < out.length; i++) if (out[i]! >= 0x30 && out[i]! <= 0x39) digits.push(i);
      if (digits.length > 0) {
        const at = digits[n % digits.length]!;
        out[at] = out[at] === 0x39 ? 0x31 : out[at]! + 1;
      }
      return out;
    },
  })),
);
