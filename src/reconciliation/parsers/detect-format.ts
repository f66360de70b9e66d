import { TextDecoder } from 'node:util';
import { isGzip, isZip } from './byte-source.ts';
import { parseCsvCells } from './csv-records.ts';
import { normaliseHeaderName } from './columns.ts';


export type DetectedSettlementFormat =
  | { channel: 'wechat'; format: 'wechat.tradebill' | 'wechat.error_response' | 'wechat.gzip' }
  | { channel: 'alipay'; format: 'alipay.bill' | 'alipay.zip' }
  | { channel: 'stripe'; format: 'stripe.payout_reconciliation' }
  | { channel: 'adyen'; format: 'adyen.settlement_details' }
  | { channel: 'paypal'; format: 'paypal.stl' }
  | { channel: null; format: 'xlsx' };

/** Enough of a file to recognise it: the first line of any of these formats fits. */
export const DETECTION_BYTES = 8 * 1024;

function decodeHead(head: Uint8Array): string {
  // PayPal's older reports are UTF-16 with a BOM: read as UTF-8 they would look like nothing known.
  if (head[0] === 0xff && head[1] === 0xfe) return new TextDecoder('utf-16le').decode(head, { stream: true });
  if (head[0] === 0xfe && head[1] === 0xff) return new TextDecoder('utf-16be').decode(head, { stream: true });
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return new TextDecoder('gbk').decode(head);
  }
}

function firstLines(head: Uint8Array): string[] {
  return decodeHead(head).replace(/^\uFEFF/, '').split(/\r?\n/).slice(0, 8);
}

/**
 * Which parser reads a file, from its first bytes (see DETECTION_BYTES) and, when the bytes do not
 * say, its name. Null when nothing fits: ask the operator, or use a generic mapping.
 */
export function detectSettlementFormat(head: Uint8Array, fileName = ''): DetectedSettlementFormat | null {
  const name = fileName.toLowerCase();
  if (isZip(head)) return name.endsWith('.xlsx') ? { channel: null, format: 'xlsx' } : { channel: 'alipay', format: 'alipay.zip' };
  if (isGzip(head)) return { channel: 'wechat', format: 'wechat.gzip' };
  const lines = firstLines(head);
  const first = lines[0] ?? '';
  if (/^\s*<(\?xml|xml)/i.test(first) && lines.join('\n').includes('return_code')) return { channel: 'wechat', format: 'wechat.error_response' };
  if (lines.some((l) => /^#.*(业务明细|账务明细)/.test(l))) return { channel: 'alipay', format: 'alipay.bill' };
  const header = (parseCsvCells(first.replace(/^`/, '').replace(/,`/g, ','), ',', 1, null) ?? []).map(normaliseHeaderName);
  const has = (...names: string[]) => names.every((n) => header.includes(normaliseHeaderName(n)));
  if (has('交易时间', '微信订单号')) return { channel: 'wechat', format: 'wechat.tradebill' };
  if (has('支付宝交易号') || has('账务流水号')) return { channel: 'alipay', format: 'alipay.bill' };
  if (['rh', 'fh', 'sh', 'ch'].includes(header[0] ?? '')) return { channel: 'paypal', format: 'paypal.stl' };
  if (has('psp reference', 'net currency', 'type')) return { channel: 'adyen', format: 'adyen.settlement_details' };
  if (has('balance_transaction_id', 'reporting_category')) return { channel: 'stripe', format: 'stripe.payout_reconciliation' };
  if (/^stl-\d{8}/.test(name.split('/').pop() ?? '')) return { channel: 'paypal', format: 'paypal.stl' };
  return null;
}
