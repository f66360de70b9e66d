// Writes Stripe's itemised payout reconciliation report as the Dashboard does (FORMATS.md §3.3):
// any subset and order of the optional columns, every value quoted, empties bare, lower-case
// currencies, major units, net = gross − fee.
import type { SettlementRecordKind } from '../settlement-line.ts';
import { csvCell, expectLine, footerlessCsv, isoTime, major, wallClock, type WrittenFile } from './common.ts';

export interface StripeRow {
  category: 'charge' | 'refund' | 'dispute' | 'dispute_reversal' | 'fee' | 'payout' | 'risk_reserved_funds';
  id: string;
  created: number;
  currency: string;
  /** Minor units. */
  gross: bigint;
  fee: bigint;
  chargeId: string;
  orderId: string;
  description: string;
  /** The presentment amount when Stripe converted. */
  facing: { amount: bigint; currency: string } | null;
  cardBrand: string;
  country: string;
}

export const STRIPE_REQUIRED = ['balance_transaction_id', 'created_utc', 'currency', 'gross', 'fee', 'net', 'reporting_category'];
export const STRIPE_OPTIONAL = [
  'automatic_payout_id',
  'available_on_utc',
  'source_id',
  'charge_id',
  'description',
  'customer_facing_amount',
  'customer_facing_currency',
  'card_brand',
  'card_country',
  'payment_method_type',
  'payment_metadata[order_id]',
];

export interface StripeReport {
  /** Header order: the required columns and any optional ones, shuffled. */
  columns: string[];
  eol: '\r\n' | '\n';
  rows: StripeRow[];
}

const KINDS: Record<StripeRow['category'], SettlementRecordKind> = {
  charge: 'payment',
  refund: 'refund',
  dispute: 'chargeback',
  dispute_reversal: 'chargeback_reversal',
  fee: 'fee',
  payout: 'payout',
  risk_reserved_funds: 'adjustment',
};

function cells(r: StripeRow): Record<string, string> {
  const c = wallClock(r.created);
  const currency = r.currency.toLowerCase();
  return {
    automatic_payout_id: 'po_1OaBcD',
    balance_transaction_id: r.id,
    created_utc: `${c.date} ${c.time}`,
    available_on_utc: `${c.date} 00:00:00`,
    currency,
    gross: major(r.gross, r.currency),
    fee: major(r.fee, r.currency),
    net: major(r.gross - r.fee, r.currency),
    reporting_category: r.category,
    source_id: r.chargeId,
    charge_id: r.chargeId,
    description: r.description,
    customer_facing_amount: r.facing ? major(r.facing.amount, r.facing.currency) : '',
    customer_facing_currency: r.facing ? r.facing.currency.toLowerCase() : '',
    card_brand: r.cardBrand,
    card_country: r.country,
    payment_method_type: r.cardBrand ? 'card' : '',
    'payment_metadata[order_id]': r.orderId,
  };
}

export function writeStripeReport(report: StripeReport): WrittenFile {
  const has = (c: string) => report.columns.includes(c);
  const records = [report.columns.map((c) => csvCell(c, ',', true)).join(',')];
  const starts: number[] = [];
  let line = 2;
  for (const r of report.rows) {
    const values = cells(r);
    const record = report.columns.map((c) => (values[c] === '' ? '' : csvCell(values[c]!, ',', true))).join(',');
    starts.push(line);
    line += record.split('\n').length;
    records.push(record);
  }
  const lines = report.rows.map((r, k) => {
    const kind = KINDS[r.category];
    const when = wallClock(r.created);
    const facing = r.facing && has('customer_facing_amount') && has('customer_facing_currency') ? r.facing : null;
    const settlement = { amount: r.gross, currency: r.currency };
    const optional = (c: string, v: string) => (has(c) && v.trim() !== '' ? v.trim() : null);
    return expectLine('stripe', starts[k]!, null, {
      kind,
      channelTransactionId: r.id,
      merchantOrderId: optional('payment_metadata[order_id]', r.orderId),
      originalTransactionId: ['refund', 'chargeback', 'chargeback_reversal'].includes(kind) ? optional('charge_id', r.chargeId) : null,
      transactionTime: isoTime(when, 'Z'),
      postDate: when.date,
      transaction: facing ? { amount: facing.amount, currency: facing.currency } : settlement,
      settlement,
      fees: { acquirer: r.fee, interchange: null, scheme: null, other: null, threeDS: null },
      net: { amount: r.gross - r.fee, currency: r.currency },
      cardBrand: optional('card_brand', r.cardBrand),
      paymentMethod: optional('payment_method_type', r.cardBrand ? 'card' : ''),
      region: optional('card_country', r.country),
      status: r.category,
      description: optional('description', r.description),
    });
  });
  return footerlessCsv(records, report.eol, lines, 'stripe.payout_reconciliation', report.columns.length);
}
