import { sql } from 'kysely';
import { KessaiError } from '../errors/index.ts';
import type { ReconciliationContext } from './context.ts';
import { presentFile, type FileView } from './file-view.ts';

const columns = sql<string[]>`post_dates::text[]`.as('post_dates');

export async function getFile(ctx: ReconciliationContext, id: string): Promise<FileView> {
  const row = await ctx.db.selectFrom('recon_files').selectAll().select(columns).where('id', '=', id).executeTakeFirst();
  if (!row) throw new KessaiError('KS_ERR_RECONCILIATION_FILE_NOT_FOUND', `No reconciliation file ${id}`, { file_id: id });
  return presentFile(row);
}

/** Imported files, newest first (ids are time-ordered), with a cursor. */
export async function listFiles(ctx: ReconciliationContext, filter: { channel?: string; side?: 'channel' | 'ours'; limit: number; startingAfter?: string }) {
  let q = ctx.db.selectFrom('recon_files').selectAll().select(columns);
  if (filter.channel) q = q.where('channel', '=', filter.channel);
  if (filter.side) q = q.where('side', '=', filter.side);
  if (filter.startingAfter) q = q.where('id', '<', filter.startingAfter);
  const rows = await q.orderBy('id', 'desc').limit(filter.limit + 1).execute();
  const page = rows.slice(0, filter.limit);
  return { data: page.map(presentFile), has_more: rows.length > filter.limit, next_cursor: rows.length > filter.limit ? page.at(-1)!.id : null };
}
