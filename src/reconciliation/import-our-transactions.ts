import { newId } from '../db/index.ts';
import { KessaiError } from '../errors/index.ts';
import { peekBytes } from './channels.ts';
import type { ReconciliationContext } from './context.ts';
import { importFile } from './file-import.ts';
import type { FileView } from './file-view.ts';
import { loadMapping } from './mappings.ts';
import { OUR_TRANSACTION_COLUMNS, ourTransactionRow } from './our-transaction-rows.ts';
import { DETECTION_BYTES, parseGenericSettlement, type ByteSource, type SettlementChannel } from './parsers/index.ts';

export interface OurExportUpload {
  /** The channel these transactions were paid through. */
  channel: SettlementChannel;
  /** The saved mapping that reads the export. */
  mappingName: string;
  fileName: string;
  source: ByteSource;
  uploadedBy: string;
  onProgress?: (lines: number) => void;
}

/**
 * Our side for shops whose payments are not on Kessai: their order or transaction export (CSV or
 * XLSX) read through a saved mapping by the generic parser, copied in atomically like a channel's
 * file, and refused when the same export was imported before.
 */
export async function importOurTransactions(ctx: ReconciliationContext, upload: OurExportUpload): Promise<FileView> {
  const { head, source } = await peekBytes(upload.source, DETECTION_BYTES);
  if (head.length === 0) throw new KessaiError('KS_ERR_SETTLEMENT_FILE_UNRECOGNISED', 'The file is empty', { line: 1 });
  const mapping = await loadMapping(ctx, upload.mappingName);
  const id = newId('rfil');
  return importFile(ctx, {
    id,
    side: 'ours',
    channel: upload.channel,
    fileName: upload.fileName,
    uploadedBy: upload.uploadedBy,
    parse: parseGenericSettlement(source, mapping),
    table: 'recon_our_transactions',
    columns: OUR_TRANSACTION_COLUMNS,
    toRow: (line) => ourTransactionRow(id, upload.channel, mapping, line),
    postDateIndex: OUR_TRANSACTION_COLUMNS.indexOf('post_date'),
    ...(upload.onProgress ? { onProgress: upload.onProgress } : {}),
  });
}
