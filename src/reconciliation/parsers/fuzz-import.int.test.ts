// Fuzzed files through the real import (detection, parser, COPY, file row) on PostgreSQL: an
// import either lands whole — every line the parser reads, one file row — or fails with a
// catalogued error and leaves nothing: no line, no file record. Never half-imported.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isKessaiError } from '../../errors/index.ts';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { FORMAT_CASES, type GeneratedFile } from './testing/cases.ts';
import { mutation, type Mutation } from './testing/mutations.ts';

const RUNS = Number(process.env.FUZZ_IMPORT_RUNS ?? 12);
/** Refusals that are whole-file outcomes; anything else (a database error, a TypeError) fails. */
const REFUSALS = ['KS_ERR_SETTLEMENT_FILE_MALFORMED', 'KS_ERR_SETTLEMENT_FILE_UNRECOGNISED', 'KS_ERR_RECONCILIATION_FILE_DUPLICATE'];

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

async function counts(channel: string): Promise<{ lines: number; files: number }> {
  const { rows } = await t.platform.database.pool.query<{ lines: number; files: number }>(
    `SELECT (SELECT count(*)::int FROM recon_channel_lines WHERE channel = $1) AS lines, (SELECT count(*)::int FROM recon_files WHERE channel = $1) AS files`,
    [channel],
  );
  return rows[0]!;
}

async function* once(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes;
}

for (const c of FORMAT_CASES) {
  test(`${c.name}: a fuzzed file is imported whole or not at all`, async () => {
    let imported = 0;
    let refused = 0;
    const attempt = async (file: GeneratedFile, m: Mutation | null) => {
      const bytes = m ? m.apply(file.bytes) : file.bytes;
      if (file.mapping) {
        const { name: _name, ...mapping } = file.mapping;
        await t.platform.reconciliation.saveMapping(file.mapping.name, mapping, 'fuzz');
      }
      const before = await counts(c.channel);
      try {
        const view = await t.platform.reconciliation.importSettlementFile({ channel: c.channel, fileName: 'fuzzed.csv', source: once(bytes), uploadedBy: 'fuzz' });
        imported += 1;
        // Whole: every line the parser reads from these bytes, and the file's row.
        let parsed = 0;
        for await (const _ of file.parse(once(bytes))) parsed += 1;
        assert.deepEqual(await counts(c.channel), { lines: before.lines + parsed, files: before.files + 1 });
        assert.equal(view.line_count, parsed);
      } catch (err) {
        if (err instanceof assert.AssertionError) throw err;
        assert.ok(isKessaiError(err) && REFUSALS.includes(err.code), `${m?.name ?? 'valid file'}: ${(err as Error).stack}`);
        refused += 1;
        assert.deepEqual(await counts(c.channel), before, `${m?.name ?? 'valid file'} (${err.code}) left rows behind`);
      }
    };
    await fc.assert(fc.asyncProperty(c.file, fc.option(mutation, { freq: 4 }), attempt), { numRuns: RUNS });
    // Both sides of the property, whatever the random runs were: a valid file with lines lands,
    // an empty one does not.
    const valid = fc.sample(c.file.filter((f) => f.lines.length > 1), { numRuns: 1, seed: Date.now() })[0]!;
    const landed = imported;
    await attempt(valid, null);
    assert.equal(imported, landed + 1, 'a valid generated file is imported');
    const cut = refused;
    await attempt(valid, { name: 'emptied', truncation: true, apply: () => Buffer.alloc(0) });
    assert.equal(refused, cut + 1, 'an empty file is refused');
  });
}
