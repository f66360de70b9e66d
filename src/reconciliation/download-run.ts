import { PassThrough, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { KessaiError } from '../errors/index.ts';
import type { ReconciliationContext } from './context.ts';

export const DOWNLOAD_SIDES = ['channel', 'ours', 'discrepancies'] as const;
export type DownloadSide = (typeof DOWNLOAD_SIDES)[number];

/**
 * The columns of each download, in order; amounts are minor units, as stored. `fees_computed`
 * names the fee items a fee rule computed (the others the channel or our books stated), and
 * `corrected` holds an operator's latest amount correction per side and field.
 */
const COLUMNS: Record<DownloadSide, { table: string; columns: string[] }> = {
  channel: {
    table: 'recon_channel_lines',
    columns: ['id', 'file_id', 'line_no', 'kind', 'channel_transaction_id', 'merchant_order_id', 'original_transaction_id', 'transaction_time', 'post_date', 'transaction_amount', 'transaction_currency', 'settlement_amount', 'settlement_currency', 'fx_rate', 'fee_acquirer', 'fee_interchange', 'fee_scheme', 'fee_other', 'fee_three_ds', 'net_amount', 'fees_computed', 'fee_rule_id'],
  },
  ours: {
    table: 'recon_our_transactions',
    columns: ['id', 'source', 'source_ref', 'kind', 'payment_id', 'order_id', 'channel_ref', 'amount', 'currency', 'order_amount', 'order_status', 'fee_acquirer', 'fee_interchange', 'fee_scheme', 'fee_other', 'fee_three_ds', 'settled_at', 'post_date', 'fees_computed', 'fee_rule_id'],
  },
  discrepancies: {
    table: 'recon_discrepancies',
    columns: ['id', 'match_key', 'reasons', 'system_reason', 'currency', 'channel_amount', 'our_amount', 'fields', 'corrected', 'state', 'operator', 'operator_reason', 'created_at', 'resolved_at'],
  },
};

const PAGE = 5000;

/** Rows of one side of a channel's day, a page at a time by id (a day can be a million lines). */
async function* pages(ctx: ReconciliationContext, side: DownloadSide, channel: string, postDate: string): AsyncGenerator<Record<string, unknown>[]> {
  const { table, columns } = COLUMNS[side];
  const list = columns.map((c) => (c === 'post_date' ? 'post_date::text AS post_date' : c === 'fx_rate' ? 'fx_rate::text AS fx_rate' : c)).join(', ');
  let after: string | null = null;
  for (;;) {
    const { rows }: { rows: Record<string, unknown>[] } = await ctx.pool.query(
      `SELECT ${list} FROM ${table} WHERE channel = $1 AND post_date = $2 ${after === null ? '' : 'AND id > $3'} ORDER BY id LIMIT ${PAGE}`,
      after === null ? [channel, postDate] : [channel, postDate, after],
    );
    if (rows.length === 0) return;
    yield rows;
    after = String(rows.at(-1)!.id);
    if (rows.length < PAGE) return;
  }
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.join(';');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function csvField(text: string): string {
  // A leading = + - @ would be a formula in a spreadsheet: prefixed with ' (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * One side of a run's day (channel lines, our transactions, or the discrepancies) as CSV or
 * XLSX, streamed page by page: memory stays flat whatever the day's size.
 */
export async function downloadRunSide(ctx: ReconciliationContext, runId: string, side: DownloadSide, format: 'csv' | 'xlsx'): Promise<{ stream: Readable; fileName: string; contentType: string }> {
  const run = await ctx.pool.query<{ channel: string; post_date: string }>('SELECT channel, post_date::text AS post_date FROM recon_runs WHERE id = $1', [runId]);
  const r = run.rows[0];
  if (!r) throw new KessaiError('KS_ERR_RECONCILIATION_RUN_NOT_FOUND', `No reconciliation run ${runId}`, { run_id: runId });
  const { columns } = COLUMNS[side];
  const base = `${r.channel.replace(/[^A-Za-z0-9_-]/g, '_')}-${r.post_date}-${side}`;
  const out = new PassThrough();
  if (format === 'csv') {
    void (async () => {
      out.write(`${columns.join(',')}\r\n`);
      for await (const rows of pages(ctx, side, r.channel, r.post_date)) {
        out.write(rows.map((row) => columns.map((c) => csvField(cell(row[c]))).join(',')).join('\r\n') + '\r\n');
      }
      out.end();
    })().catch((err) => out.destroy(err as Error));
    return { stream: out, fileName: `${base}.csv`, contentType: 'text/csv; charset=utf-8' };
  }
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet(side);
  sheet.addRow(columns).commit();
  void (async () => {
    for await (const rows of pages(ctx, side, r.channel, r.post_date)) {
      for (const row of rows) sheet.addRow(columns.map((c) => cell(row[c]))).commit();
    }
    sheet.commit();
    await workbook.commit();
  })().catch((err) => out.destroy(err as Error));
  return { stream: out, fileName: `${base}.xlsx`, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
}
