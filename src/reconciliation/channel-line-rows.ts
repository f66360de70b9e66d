import { convert, isSupportedCurrency } from '../money/index.ts';
import { KessaiError } from '../errors/index.ts';
import type { SettlementLine, SettlementRecordKind } from './parsers/index.ts';

/** The columns COPY writes, in this order (recon_channel_lines). */
export const CHANNEL_LINE_COLUMNS = [
  'file_id',
  'line_no',
  'entry',
  'channel',
  'kind',
  'match_class',
  'channel_transaction_id',
  'merchant_order_id',
  'merchant_reference',
  'original_transaction_id',
  'transaction_time',
  'post_date',
  'transaction_amount',
  'transaction_currency',
  'settlement_amount',
  'settlement_currency',
  'fx_rate',
  'fx_expected_settlement',
  'fee_acquirer',
  'fee_interchange',
  'fee_scheme',
  'fee_other',
  'fee_three_ds',
  'net_amount',
  'card_brand',
  'payment_method',
  'region',
  'status',
  'description',
  'raw',
] as const;

/**
 * Which of our transactions a line answers for. Chargebacks, fees, payouts, conversions and
 * adjustments are the channel's own movements: they count in the day's totals, not in matching.
 */
export function matchClassOf(kind: SettlementRecordKind): 'payment' | 'refund' | null {
  return kind === 'payment' ? 'payment' : kind === 'refund' ? 'refund' : null;
}

/** The settlement amount the stated rate gives (half-up), for a cross-currency line; else null. */
export function fxExpectedSettlement(line: SettlementLine): bigint | null {
  const { transaction, settlement, fxRate } = line;
  if (!transaction || !settlement || !fxRate || transaction.currency === settlement.currency) return null;
  if (!isSupportedCurrency(transaction.currency) || !isSupportedCurrency(settlement.currency)) return null;
  return convert(transaction.amount, transaction.currency, settlement.currency, fxRate, 'half_up');
}

/** The day a line counts for: its post date, else its transaction's date. A line with neither cannot be reconciled. */
export function postDateOf(line: SettlementLine): string {
  const date = line.postDate ?? line.transactionTime?.slice(0, 10) ?? null;
  if (date && /^\d{4}-\d{2}-\d{2}$/.test(date)) return date;
  throw new KessaiError('KS_ERR_SETTLEMENT_FILE_MALFORMED', `${line.source.entry ? `${line.source.entry}: ` : ''}line ${line.source.line}: the line has no post date or transaction time`, {
    line: line.source.line,
    ...(line.source.entry ? { entry: line.source.entry } : {}),
    expected: 'a post date',
  });
}

export function channelLineRow(fileId: string, line: SettlementLine): Array<string | bigint | number | null> {
  const fees = line.fees;
  return [
    fileId,
    line.source.line,
    line.source.entry,
    line.channel,
    line.kind,
    matchClassOf(line.kind),
    line.channelTransactionId,
    line.merchantOrderId,
    line.merchantReference,
    line.originalTransactionId,
    line.transactionTime,
    postDateOf(line),
    line.transaction?.amount ?? null,
    line.transaction?.currency ?? null,
    line.settlement?.amount ?? null,
    line.settlement?.currency ?? null,
    line.fxRate,
    fxExpectedSettlement(line),
    fees.acquirer,
    fees.interchange,
    fees.scheme,
    fees.other,
    fees.threeDS,
    line.net?.amount ?? null,
    line.cardBrand,
    line.paymentMethod,
    line.region,
    line.status,
    line.description,
    JSON.stringify(line.raw),
  ];
}
