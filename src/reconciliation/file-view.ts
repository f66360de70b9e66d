import type { FileRow } from './tables.ts';

export interface FileView {
  id: string;
  object: 'reconciliation_file';
  side: 'channel' | 'ours';
  channel: string;
  file_name: string;
  sha256: string;
  byte_length: number;
  format: string;
  format_version: string;
  encoding: string;
  line_count: number;
  post_dates: string[];
  footer: { status: string; items: unknown[] };
  problems: unknown[];
  metadata: Record<string, string>;
  status: string;
  uploaded_by: string;
  uploaded_at: string;
}

export function presentFile(row: FileRow): FileView {
  return {
    id: row.id,
    object: 'reconciliation_file',
    side: row.side,
    channel: row.channel,
    file_name: row.file_name,
    sha256: row.sha256,
    byte_length: Number(row.byte_length),
    format: row.format,
    format_version: row.format_version,
    encoding: row.encoding,
    line_count: row.line_count,
    post_dates: row.post_dates,
    footer: { status: row.footer_status, items: row.footer },
    problems: row.problems,
    metadata: row.metadata,
    status: row.status,
    uploaded_by: row.uploaded_by,
    uploaded_at: row.uploaded_at.toISOString(),
  };
}
