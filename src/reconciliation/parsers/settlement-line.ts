import type { Money } from '../../money/index.ts';

/** Who issued the file. `generic:<name>` is a channel read through a saved column mapping. */
export type SettlementChannel = 'wechat' | 'alipay' | 'stripe' | 'adyen' | 'paypal' | `generic:${string}`;

/**
 * What a line does to the merchant's money. `conversion` is a currency exchange between two of
 * the merchant's balances (PayPal T0200): it is neither a sale nor a fee, and matching must skip it.
 */
export const SETTLEMENT_RECORD_KINDS = [
  'payment',
  'refund',
  'chargeback',
  'chargeback_reversal',
  'fee',
  'payout',
  'conversion',
  'adjustment',
  'other',
] as const;
export type SettlementRecordKind = (typeof SETTLEMENT_RECORD_KINDS)[number];

/**
 * Fee items in minor units of the settlement currency; positive = charged to the merchant,
 * negative = given back (a refunded fee). `null` = the file has no column for this item, so a
 * fee-rule engine may fill it in; an empty cell in a column the file does have is zero.
 */
export interface SettlementFees {
  acquirer: bigint | null;
  interchange: bigint | null;
  scheme: bigint | null;
  other: bigint | null;
  threeDS: bigint | null;
}

/** Where a line came from: its 1-based physical line, and the ZIP entry when the file was a ZIP. */
export interface SettlementLineSource {
  line: number;
  entry: string | null;
}

/**
 * One line of a settlement file, normalised. Amounts are signed from the merchant's side:
 * money in is positive, money out (refunds, chargebacks, payouts to the bank) negative.
 */
export interface SettlementLine {
  channel: SettlementChannel;
  source: SettlementLineSource;
  kind: SettlementRecordKind;
  /** The channel's id of this line (a refund line carries the refund's id when the file states it). */
  channelTransactionId: string | null;
  /** Our order number, as we sent it to the channel. */
  merchantOrderId: string | null;
  /** Our reference for this operation when it is not the order number (refund request number…). */
  merchantReference: string | null;
  /** For refunds, chargebacks and their reversals: the channel's id of the original payment. */
  originalTransactionId: string | null;
  /** ISO 8601 local date-time as the file states it (`2019-02-19T05:01:46`), with the offset when known. */
  transactionTime: string | null;
  /** The day the channel booked the line, `YYYY-MM-DD`, in the file's own time zone. */
  postDate: string | null;
  /** Gross in the transaction (presentment) currency. */
  transaction: Money | null;
  /** Gross in the settlement currency (before fees). */
  settlement: Money | null;
  /** Exact decimal string, settlement currency units per transaction currency unit, when stated. */
  fxRate: string | null;
  fees: SettlementFees;
  /** Settlement amount less the fees, in the settlement currency. */
  net: Money | null;
  cardBrand: string | null;
  paymentMethod: string | null;
  /** Country or region of the card or shopper, when stated. */
  region: string | null;
  status: string | null;
  description: string | null;
  /** The line's cells keyed by header, as printed (trimmed), for display. */
  raw: Record<string, string>;
}

/** One figure of a file's own totals compared with the sum of its lines (exact decimals as strings). */
export interface FooterCheckItem {
  label: string;
  /** Physical line of the footer that states it. */
  line: number;
  entry: string | null;
  currency: string | null;
  stated: string;
  computed: string;
  matches: boolean;
}

export interface FooterCheck {
  /** `missing`: the format has totals but this file lacks them (a truncated download?). */
  status: 'passed' | 'failed' | 'missing' | 'not_applicable';
  items: FooterCheckItem[];
}

/** Something wrong with a file that does not stop it being read; the importer decides. */
export interface SettlementFileProblem {
  code: 'footer_mismatch' | 'footer_missing' | 'line_arithmetic';
  message: string;
  line: number | null;
  entry: string | null;
  column: string | null;
  expected: string | null;
  actual: string | null;
}

export interface SettlementFileResult {
  channel: SettlementChannel;
  /** e.g. `wechat.tradebill.all`, `alipay.trade`, `stripe.payout_reconciliation`, `adyen.settlement_details`, `paypal.stl`. */
  format: string;
  /** Header generation or report version, e.g. `2018` / `legacy` for WeChat, `30-column` / `49-column` for Adyen. */
  formatVersion: string;
  encoding: string;
  /** SHA-256 (hex) of the bytes exactly as received, so the same file is recognised when sent twice. */
  sha256: string;
  byteLength: number;
  lineCount: number;
  /** Detail header(s) as printed, per entry for a ZIP. */
  headers: Array<{ entry: string | null; line: number; columns: string[] }>;
  /** What the file says about itself: account, period, generation time… */
  metadata: Record<string, string>;
  footer: FooterCheck;
  problems: SettlementFileProblem[];
}

/**
 * A file being read: iterate it once for its lines; `result` settles when the last line has been
 * read (and rejects with the same error the iteration threw).
 */
export interface SettlementFileParse extends AsyncIterable<SettlementLine> {
  readonly result: Promise<SettlementFileResult>;
}

/** Bytes of a file, as a Node Readable or any async iterable of chunks. */
export type ByteSource = AsyncIterable<Uint8Array>;
