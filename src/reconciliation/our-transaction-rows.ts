import { KessaiError } from '../errors/index.ts';
import { parseMajorString } from '../money/index.ts';
import type { SettlementLine } from './parsers/index.ts';
import type { SavedMapping } from './mappings.ts';

/** The columns COPY writes, in this order (recon_our_transactions). */
export const OUR_TRANSACTION_COLUMNS = [
  'source',
  'source_ref',
  'file_id',
  'channel',
  'kind',
  'match_class',
  'payment_id',
  'order_id',
  'channel_ref',
  'amount',
  'currency',
  'order_amount',
  'order_status',
  'fee_acquirer',
  'fee_interchange',
  'fee_scheme',
  'fee_other',
  'fee_three_ds',
  'settled_at',
  'post_date',
] as const;

function refuse(line: SettlementLine, column: string, message: string, actual?: string): never {
  throw new KessaiError('KS_ERR_SETTLEMENT_FILE_MALFORMED', `line ${line.source.line}, column ${column}: ${message}`, {
    line: line.source.line,
    column_name: column,
    ...(actual !== undefined ? { actual: actual.slice(0, 200) } : {}),
  });
}

/** An order total cell, read as the mapping reads amounts. */
function orderAmountOf(line: SettlementLine, mapping: SavedMapping, currency: string): bigint | null {
  const column = mapping.orderAmountColumn;
  const text = column ? (line.raw[column] ?? '').trim() : '';
  if (!column || text === '') return null;
  try {
    if (mapping.amountFormat === 'minor_units') {
      if (!/^[+-]?\d+$/.test(text)) throw new Error('not whole minor units');
      return BigInt(text);
    }
    const normalised = mapping.decimalSeparator === ',' ? text.replace(/[.\s'\u00a0]/g, '').replace(',', '.') : text.replace(/[,\s'\u00a0]/g, '');
    return parseMajorString(normalised, currency);
  } catch {
    return refuse(line, column, `not an amount in ${currency}`, text);
  }
}

/**
 * A line of a shop's order export as one of our transactions: payments are captures, refunds
 * refunds (negative, like the channel's); the channel's transaction id, when the export has it,
 * is what the channel will call it.
 */
export function ourTransactionRow(fileId: string, channel: string, mapping: SavedMapping, line: SettlementLine): Array<string | bigint | number | null> {
  if (line.kind !== 'payment' && line.kind !== 'refund') refuse(line, mapping.columns.kind ?? 'kind', `our side holds payments and refunds, not ${line.kind}`);
  const money = line.settlement ?? line.transaction;
  if (!money) refuse(line, mapping.columns.settlementAmount ?? 'amount', 'no amount');
  const postDate = line.postDate ?? line.transactionTime?.slice(0, 10);
  if (!postDate) refuse(line, mapping.columns.postDate ?? 'postDate', 'no date');
  const status = mapping.orderStatusColumn ? (line.raw[mapping.orderStatusColumn] ?? '').trim().toLowerCase() || null : null;
  const refund = line.kind === 'refund';
  return [
    'file',
    String(line.source.line),
    fileId,
    channel,
    refund ? 'refund' : 'capture',
    refund ? 'refund' : 'payment',
    null,
    line.merchantOrderId,
    line.channelTransactionId,
    money.amount,
    money.currency,
    orderAmountOf(line, mapping, money.currency),
    status,
    line.fees.acquirer,
    line.fees.interchange,
    line.fees.scheme,
    line.fees.other,
    line.fees.threeDS,
    line.transactionTime ?? `${postDate}T00:00:00Z`,
    postDate,
  ];
}
