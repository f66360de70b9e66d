import { sql } from 'kysely';
import { withTransaction } from '../db/index.ts';
import { KessaiError } from '../errors/index.ts';
import { copyChunks, copyIn } from './copy-in.ts';
import { isUniqueViolation, type ReconciliationContext } from './context.ts';
import type { SettlementFileParse, SettlementLine } from './parsers/index.ts';
import { presentFile, type FileView } from './file-view.ts';

/** How often the progress callback hears of the lines read. */
const PROGRESS_EVERY = 10_000;

export interface FileImport {
  id: string;
  side: 'channel' | 'ours';
  channel: string;
  fileName: string;
  uploadedBy: string;
  parse: SettlementFileParse;
  table: 'recon_channel_lines' | 'recon_our_transactions';
  columns: readonly string[];
  /** A parsed line as a row of `columns`; its post date is `row[postDateIndex]`. */
  toRow(line: SettlementLine): Array<string | bigint | number | null>;
  postDateIndex: number;
  onProgress?: (lines: number) => void;
}

/**
 * Streams a parsed file into its table with COPY, in one transaction with the file's own row:
 * memory holds one chunk of rows, and a line that cannot be read (even the last of a huge file)
 * aborts the transaction, so nothing of the file is kept. The file row goes in last, when the
 * whole file has been hashed; its unique constraint (side, channel, sha256) refuses a file
 * imported before, and decides between two uploads of the same file racing each other.
 */
export async function importFile(ctx: ReconciliationContext, job: FileImport): Promise<FileView> {
  const postDates = new Set<string>();
  let lines = 0;
  const rows = copyChunks(job.parse, (line) => {
    const row = job.toRow(line);
    postDates.add(row[job.postDateIndex] as string);
    lines += 1;
    if (job.onProgress && lines % PROGRESS_EVERY === 0) job.onProgress(lines);
    return row;
  });
  await withTransaction(ctx.pool, async (client) => {
    await copyIn(client, job.table, job.columns, rows);
    const result = await job.parse.result;
    job.onProgress?.(lines);
    try {
      await client.query(
        `INSERT INTO recon_files (id, side, channel, file_name, sha256, byte_length, format, format_version, encoding, line_count,
                                  footer_status, footer, problems, metadata, post_dates, uploaded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::date[], $16)`,
        [
          job.id,
          job.side,
          job.channel,
          job.fileName,
          result.sha256,
          result.byteLength,
          result.format,
          result.formatVersion,
          result.encoding,
          lines,
          result.footer.status,
          JSON.stringify(result.footer.items),
          JSON.stringify(result.problems),
          JSON.stringify(result.metadata),
          [...postDates].sort(),
          job.uploadedBy,
        ],
      );
    } catch (err) {
      if (!isUniqueViolation(err, 'recon_files_same_bytes')) throw err;
      throw await duplicateError(ctx, job, result.sha256);
    }
  });
  const row = await ctx.db.selectFrom('recon_files').selectAll().select(sql<string[]>`post_dates::text[]`.as('post_dates')).where('id', '=', job.id).executeTakeFirstOrThrow();
  return presentFile(row);
}

async function duplicateError(ctx: ReconciliationContext, job: FileImport, sha256: string): Promise<KessaiError> {
  const earlier = await ctx.db
    .selectFrom('recon_files')
    .select(['id', 'file_name', 'uploaded_at', 'uploaded_by'])
    .where('side', '=', job.side)
    .where('channel', '=', job.channel)
    .where('sha256', '=', sha256)
    .executeTakeFirst();
  const when = earlier ? ` as ${earlier.id} (${earlier.file_name}, ${earlier.uploaded_at.toISOString()} by ${earlier.uploaded_by})` : '';
  return new KessaiError('KS_ERR_RECONCILIATION_FILE_DUPLICATE', `This file was imported for ${job.channel} already${when}; nothing was imported again`, {
    sha256,
    earlier_file_id: earlier?.id ?? null,
    earlier_file_name: earlier?.file_name ?? null,
    earlier_uploaded_at: earlier?.uploaded_at.toISOString() ?? null,
  });
}
