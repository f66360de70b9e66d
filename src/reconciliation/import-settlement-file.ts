import { newId } from '../db/index.ts';
import { KessaiError } from '../errors/index.ts';
import { checkDetectedChannel, mappingNameOf, parserFor, peekBytes } from './channels.ts';
import { CHANNEL_LINE_COLUMNS, channelLineRow } from './channel-line-rows.ts';
import type { ReconciliationContext } from './context.ts';
import { importFile } from './file-import.ts';
import type { FileView } from './file-view.ts';
import { loadMapping } from './mappings.ts';
import { DETECTION_BYTES, type ByteSource, type SettlementChannel } from './parsers/index.ts';

export interface SettlementFileUpload {
  channel: SettlementChannel;
  fileName: string;
  source: ByteSource;
  uploadedBy: string;
  onProgress?: (lines: number) => void;
}

/**
 * Imports a channel's settlement file: its content must be that channel's (detected from the
 * first bytes, whatever the name says), then every line is parsed and copied in one transaction.
 */
export async function importSettlementFile(ctx: ReconciliationContext, upload: SettlementFileUpload): Promise<FileView> {
  const { head, source } = await peekBytes(upload.source, DETECTION_BYTES);
  if (head.length === 0) throw new KessaiError('KS_ERR_SETTLEMENT_FILE_UNRECOGNISED', 'The file is empty', { line: 1 });
  checkDetectedChannel(upload.channel, head, upload.fileName);
  const mappingName = mappingNameOf(upload.channel);
  const mapping = mappingName ? await loadMapping(ctx, mappingName) : null;
  const id = newId('rfil');
  return importFile(ctx, {
    id,
    side: 'channel',
    channel: upload.channel,
    fileName: upload.fileName,
    uploadedBy: upload.uploadedBy,
    parse: parserFor(upload.channel, source, mapping),
    table: 'recon_channel_lines',
    columns: CHANNEL_LINE_COLUMNS,
    toRow: (line) => channelLineRow(id, line),
    postDateIndex: CHANNEL_LINE_COLUMNS.indexOf('post_date'),
    ...(upload.onProgress ? { onProgress: upload.onProgress } : {}),
  });
}
