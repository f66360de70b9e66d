import { amountAt, currencyAt } from './amounts.ts';
import { readCsvRecords } from './csv-records.ts';
import { Columns, type Row } from './columns.ts';
import { dateTimeAt } from './dates.ts';
import { unrecognised } from './file-errors.ts';
import { startParse } from './parse-session.ts';
import type { ByteSource, SettlementFileParse, SettlementLine, SettlementRecordKind } from './settlement-line.ts';

export interface StripePayoutReportOptions {
  /** Columns that hold our order number, first non-empty wins. */
  orderIdColumns?: string[];
}

const DEFAULT_ORDER_ID_COLUMNS = ['order_id', 'payment_metadata[order_id]', 'payment_metadata[order_number]'];

/** docs.stripe.com/reports/reporting-categories, folded into our kinds. */
const KINDS: Readonly<Record<string, SettlementRecordKind>> = {
  charge: 'payment',
  payment: 'payment',
  refund: 'refund',
  payment_reversal: 'refund',
  dispute: 'chargeback',
  dispute_reversal: 'chargeback_reversal',
  fee: 'fee',
  payout: 'payout',
  payout_reversal: 'payout',
  risk_reserved_funds: 'adjustment',
  refund_failure: 'adjustment',
  partial_capture_reversal: 'adjustment',
  other_adjustment: 'adjustment',
  transfer: 'adjustment',
  transfer_reversal: 'adjustment',
};

/** Lines whose source is another transaction: the original is the charge. */
const ORIGINAL_IS_CHARGE = new Set<SettlementRecordKind>(['refund', 'chargeback', 'chargeback_reversal']);

interface Layout {
  columns: Columns;
  i: Record<'id' | 'currency' | 'gross' | 'fee' | 'net' | 'category' | 'created' | 'createdUtc' | 'source' | 'charge' | 'description' | 'facingAmount' | 'facingCurrency' | 'brand' | 'method' | 'country', number>;
  orderIds: number[];
}

function readHeader(cells: string[], line: number, orderIdColumns: string[]): Layout {
  const columns = new Columns(cells, line);
  columns.expectSignature('Stripe itemised payout reconciliation report', ['balance_transaction_id', 'reporting_category']);
  const missing = columns.missing([['balance_transaction_id'], ['currency'], ['gross'], ['fee'], ['net'], ['reporting_category'], ['created_utc', 'created']]);
  if (missing.length > 0) columns.refuseMissing(missing);
  const f = (...names: string[]) => columns.find(...names);
  return {
    columns,
    i: {
      id: f('balance_transaction_id'),
      currency: f('currency'),
      gross: f('gross'),
      fee: f('fee'),
      net: f('net'),
      category: f('reporting_category'),
      created: f('created'),
      createdUtc: f('created_utc'),
      source: f('source_id'),
      charge: f('charge_id'),
      description: f('description'),
      facingAmount: f('customer_facing_amount'),
      facingCurrency: f('customer_facing_currency'),
      brand: f('card_brand'),
      method: f('payment_method_type'),
      country: f('card_country'),
    },
    orderIds: orderIdColumns.map((c) => columns.find(c)).filter((k) => k >= 0),
  };
}

function toLine(layout: Layout, row: Row): SettlementLine {
  const { i } = layout;
  const currency = currencyAt(row.text(i.currency), row.at(i.currency));
  const money = (k: number, cur = currency) => (row.text(k) === '' ? 0n : amountAt(row.text(k), cur, row.at(k)));
  const gross = money(i.gross);
  const fee = money(i.fee);
  const statedNet = money(i.net);
  const category = row.text(i.category);
  const kind = KINDS[category] ?? 'other';
  const timeColumn = i.createdUtc >= 0 && row.text(i.createdUtc) !== '' ? i.createdUtc : i.created;
  const when = dateTimeAt(row.text(timeColumn), row.at(timeColumn), timeColumn === i.createdUtc ? 'Z' : null);
  // The presentment amount, when Stripe converted: what the customer was charged.
  const facingCurrencyText = row.text(i.facingCurrency);
  const facingCurrency = facingCurrencyText === '' ? null : currencyAt(facingCurrencyText, row.at(i.facingCurrency));
  const transaction = facingCurrency && row.text(i.facingAmount) !== '' ? { amount: money(i.facingAmount, facingCurrency), currency: facingCurrency } : { amount: gross, currency };
  const orderId = layout.orderIds.map((k) => row.optional(k)).find((v) => v !== null) ?? null;
  return {
    channel: 'stripe',
    source: { line: row.line, entry: null },
    kind,
    channelTransactionId: row.optional(i.id),
    merchantOrderId: orderId,
    merchantReference: null,
    originalTransactionId: ORIGINAL_IS_CHARGE.has(kind) ? row.optional(i.charge) : null,
    transactionTime: when.time,
    postDate: when.date,
    transaction,
    settlement: { amount: gross, currency },
    fxRate: null,
    // Stripe's one `fee` is its whole processing fee (blended pricing): the acquirer fee.
    fees: { acquirer: fee, interchange: null, scheme: null, other: null, threeDS: null },
    net: { amount: statedNet, currency },
    cardBrand: row.optional(i.brand),
    paymentMethod: row.optional(i.method),
    region: row.optional(i.country),
    status: category || null,
    description: row.optional(i.description),
    raw: row.raw(),
  };
}

/**
 * Stripe itemised payout reconciliation (and balance change) reports: CSV, columns by header
 * name, `gross`/`fee`/`net` in major units, currency often lower-case.
 */
export function parseStripePayoutReport(source: ByteSource, options: StripePayoutReportOptions = {}): SettlementFileParse {
  return startParse('stripe', async function* (session) {
    session.format = 'stripe.payout_reconciliation';
    const lines = session.lines(await session.bytes(source), { encoding: 'utf-8', asciiFallback: 'utf-8' });
    let layout: Layout | null = null;
    for await (const records of readCsvRecords(lines, ',')) for (const record of records) {
      if (!layout) {
        layout = readHeader(record.cells, record.line, options.orderIdColumns ?? DEFAULT_ORDER_ID_COLUMNS);
        session.formatVersion = `${layout.columns.names.length}-column`;
        session.headers.push({ entry: null, line: record.line, columns: layout.columns.names });
        continue;
      }
      const line = toLine(layout, layout.columns.row(record.cells, record.line));
      const expected = line.settlement!.amount - line.fees.acquirer!;
      if (line.net!.amount !== expected) {
        session.lineProblem(line, 'net', `net is not gross less fee (minor units: ${expected} expected, ${line.net!.amount} stated)`, String(expected), String(line.net!.amount));
      }
      yield line;
    }
    if (!layout) throw unrecognised({ line: 1 }, 'the file is empty', { expected: 'a report header' });
  });
}
