// Fuzzed input: generated valid files, then cut, re-encoded, given extra or fewer cells, random
// bytes, emptied, reduced to the header, totals changed; and a 10 MB cell. A parser either gives
// right lines or throws a catalogued file error naming the line (and the column where a cell is
// at fault): never another exception, never a hang, never the whole huge cell in memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isKessaiError } from '../../errors/index.ts';
import { isSupportedCurrency } from '../../money/index.ts';
import { FORMAT_CASES, type GeneratedFile } from './testing/cases.ts';
import { withoutRaw } from './testing/common.ts';
import { mutation, type Mutation } from './testing/mutations.ts';
import { SETTLEMENT_RECORD_KINDS, type ByteSource, type SettlementFileResult, type SettlementLine } from './index.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const FILE_ERRORS = ['KS_ERR_SETTLEMENT_FILE_MALFORMED', 'KS_ERR_SETTLEMENT_FILE_UNRECOGNISED'];
/** A few KB of text take milliseconds: seconds mean a parse that does not end (a loop that never
 * awaits would not let the timer fire, but the test then fails on its own timeout). */
const HANG_MS = 5_000;

async function* once(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes;
}

type Outcome = { ok: true; lines: SettlementLine[]; result: SettlementFileResult } | { ok: false; error: unknown };

/** Reads the parse to the end, or its error; fails when it takes longer than HANG_MS. */
async function outcome(file: GeneratedFile, source: ByteSource): Promise<Outcome> {
  const parse = file.parse(source);
  const run = (async (): Promise<Outcome> => {
    const lines: SettlementLine[] = [];
    try {
      for await (const line of parse) lines.push(line);
      return { ok: true, lines, result: await parse.result };
    } catch (error) {
      return { ok: false, error };
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the parse did not end within ${HANG_MS} ms`)), HANG_MS)));
  try {
    return await Promise.race([run, hang]);
  } finally {
    clearTimeout(timer);
  }
}

const physicalLineCount = (bytes: Buffer) => bytes.toString('latin1').split('\n').length;

/** A catalogued file error whose line is in the file and whose column, when named, is a cell. */
function assertFileError(error: unknown, bytes: Buffer): void {
  assert.ok(isKessaiError(error), `not a catalogued error: ${(error as Error)?.stack ?? String(error)}`);
  assert.ok(FILE_ERRORS.includes(error.code), `${error.code}: ${error.message}`);
  const details = error.details as Record<string, unknown>;
  const line = details.line;
  assert.ok(Number.isInteger(line) && (line as number) >= 1 && (line as number) <= physicalLineCount(bytes) + 1, `line ${String(line)} of ${physicalLineCount(bytes)}: ${error.message}`);
  if (details.column !== undefined) assert.ok(Number.isInteger(details.column) && (details.column as number) >= 1, `column ${String(details.column)}`);
  assert.ok(error.message.length < 2_000, 'a short message, whatever the cell');
  assert.ok(JSON.stringify(details).length < 4_000, 'short details, whatever the cell');
}

/** What any line must be, whatever the bytes it came from. */
function assertWellFormed(line: SettlementLine, bytes: Buffer): void {
  assert.ok((SETTLEMENT_RECORD_KINDS as readonly string[]).includes(line.kind));
  assert.ok(Number.isInteger(line.source.line) && line.source.line >= 1 && line.source.line <= physicalLineCount(bytes));
  for (const money of [line.transaction, line.settlement, line.net]) {
    if (money) assert.ok(typeof money.amount === 'bigint' && isSupportedCurrency(money.currency), JSON.stringify(money, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
  }
  for (const fee of Object.values(line.fees)) assert.ok(fee === null || typeof fee === 'bigint');
  if (line.postDate !== null) assert.match(line.postDate, /^\d{4}-\d{2}-\d{2}$/);
  if (line.transactionTime !== null) assert.match(line.transactionTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})?$/);
}

async function checkMutated(file: GeneratedFile, m: Mutation, hasFooter: boolean): Promise<void> {
  const bytes = m.apply(file.bytes);
  const seen = await outcome(file, once(bytes));
  if (!seen.ok) return assertFileError(seen.error, bytes);
  for (const line of seen.lines) assertWellFormed(line, bytes);
  if (bytes.equals(file.bytes)) return assert.deepEqual(seen.lines.map(withoutRaw), file.lines);
  if (!m.truncation) return;
  // A cut file: the lines before the cut are right, only the last may be cut inside a cell; a
  // format with totals must not pass its footer check unless nothing that counts was cut.
  const got = seen.lines.map(withoutRaw);
  assert.ok(got.length <= file.lines.length);
  assert.deepEqual(got.slice(0, -1), file.lines.slice(0, Math.max(0, got.length - 1)));
  if (hasFooter && seen.result.footer.status === 'passed') assert.deepEqual(got, file.lines, `${m.name}: footer passed on a cut file`);
}

for (const c of FORMAT_CASES) {
  test(`${c.name}: malformed files give right lines or a file error naming the line`, async () => {
    await fc.assert(fc.asyncProperty(c.file, mutation, (file, m) => checkMutated(file, m, c.hasFooter)), { numRuns: RUNS });
  });
}

const MIB = 1024 * 1024;

/**
 * The valid bytes with 10 MB pushed into the first data line, streamed in 64 KiB chunks (never
 * held whole); `pulled` counts what the parser read before it stopped.
 */
function withHugeCell(bytes: Buffer, at: number, opening: string, unit: string): { source: ByteSource; pulled: () => number } {
  let pulled = 0;
  async function* source(): AsyncGenerator<Buffer> {
    const chunks = [bytes.subarray(0, at), Buffer.from(opening)];
    const body = Buffer.from(unit.repeat(Math.floor((64 * 1024) / unit.length)));
    for (let i = 0; i < 160; i++) chunks.push(body);
    chunks.push(bytes.subarray(at));
    for (const chunk of chunks) {
      pulled += chunk.length;
      yield chunk;
    }
  }
  return { source: source(), pulled: () => pulled };
}

for (const c of FORMAT_CASES) {
  for (const [shape, opening, unit] of [
    ['one line', '', 'x'],
    ['a quoted cell over short lines', '"', 'abcdefg\n'],
  ] as const) {
    test(`${c.name}: a 10 MB cell (${shape}) is refused after reading a bounded part of it`, async () => {
      const sample = fc.sample(c.file.filter((f) => f.lines.length > 0 && f.encoding !== 'utf-16le'), { numRuns: 1, seed: 42 })[0]!;
      const firstData = sample.lines[0]!.source.line;
      let at = 0;
      for (let k = 1; k < firstData; k++) at = sample.bytes.indexOf(0x0a, at) + 1;
      at = sample.bytes.indexOf(0x2c, at) + 1;
      const huge = withHugeCell(sample.bytes, at, opening, unit);
      const started = performance.now();
      const seen = await outcome(sample, huge.source);
      assert.equal(seen.ok, false, 'a 10 MB cell is no settlement line');
      assertFileError((seen as { error: unknown }).error, sample.bytes);
      assert.ok(huge.pulled() < 4 * MIB, `read ${Math.round(huge.pulled() / MIB)} MiB before refusing`);
      assert.ok(performance.now() - started < 3_000, `took ${Math.round(performance.now() - started)} ms`);
    });
  }
}
