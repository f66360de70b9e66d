// A generated ~96 MB WeChat-style bill streams through the parser in bounded memory. It runs in
// a child with a 32 MiB old-space limit, so a parser that held the file (96 MB of bytes, ~2× as
// UTF-16 text) would die; its resident memory must also grow by less than a third of the file
// (measured: 18 MiB, with the young generation capped too), and every line must be read (count,
// amounts and the summary are checked).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const CHILD = fileURLToPath(new URL('../../../test/fixtures/settlement/stream-generated-bill.ts', import.meta.url));
const MIB = 1024 * 1024;

test('a 96 MB bill streams in bounded memory (32 MiB heap)', { timeout: 600_000 }, async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--max-old-space-size=32', '--max-semi-space-size=4', CHILD, '96'], { maxBuffer: MIB });
  const seen = JSON.parse(stdout.trim().split('\n').pop()!);
  assert.ok(seen.generatedBytes >= 96 * MIB, `generated ${seen.generatedBytes} bytes`);
  assert.equal(seen.byteLength, seen.generatedBytes);
  assert.equal(seen.lines, seen.generatedRows);
  assert.equal(seen.fen, seen.generatedFen);
  assert.equal(seen.footer, 'passed');
  const growth = seen.peakRss - seen.baselineRss;
  assert.ok(growth < 32 * MIB, `rss grew by ${Math.round(growth / MIB)} MiB reading ${Math.round(seen.generatedBytes / MIB)} MiB`);
  console.log(`streamed ${Math.round(seen.generatedBytes / MIB)} MiB, ${seen.lines} lines in ${seen.seconds} s; rss grew ${Math.round(growth / MIB)} MiB`);
});
