/**
 * The discrepancy reasons and the decision on a match group, in one table used twice: `decide()`
 * in JavaScript (tests, single groups) and `decisionSql()` inside the set-based matcher (a run
 * over a million lines decides in PostgreSQL, not line by line in Node). A test runs both over the
 * same scenario table, so they cannot drift apart.
 */

export const FEE_ITEMS = ['acquirer', 'interchange', 'scheme', 'other', 'three_ds'] as const;
export type FeeItem = (typeof FEE_ITEMS)[number];
export type FeeSums = Record<FeeItem, bigint | null>;

/** Order statuses under which no money should have been taken (ours, or a shop's export's). */
export const NO_MONEY_STATUSES = ['requires_authorization', 'pending', 'authorized', 'voided', 'declined', 'cancelled', 'canceled', 'unpaid'] as const;
/** Order statuses under which a refund may exist. */
export const REFUNDED_STATUSES = ['partially_refunded', 'refunded'] as const;
/** Captures below the order total are expected while the order is only partly captured. */
export const PARTIAL_STATUSES = ['partially_captured'] as const;

/** What a group of channel lines and our transactions adds up to; the SQL computes the same columns. */
export interface GroupFacts {
  matchClass: 'payment' | 'refund';
  /** Channel side: number of lines, the sum of their transaction amounts and their currency ('*' when mixed). */
  cCount: number;
  cAmount: bigint | null;
  cCurrency: string | null;
  /** Sum over the lines of what the stated FX rate does not explain (beyond 1 minor unit per line). */
  cFxGap: bigint | null;
  cFees: FeeSums;
  oCount: number;
  oAmount: bigint | null;
  oCurrency: string | null;
  /** The order total our side knows, and the order's status. */
  oOrderAmount: bigint | null;
  oOrderStatus: string | null;
  oFees: FeeSums;
  /** Days from the group's post date to the run's day. */
  ageDays: number;
  lookBackDays: number;
}

interface Rule {
  reason: string;
  /** What the reason means, for docs/reconciliation.md (a test keeps the doc's table equal to this). */
  meaning: string;
  applies(f: GroupFacts): boolean;
  /** The same test over the columns of `g` (see matchGroupsSql), never null. */
  sql: string;
}

const sqlList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
const both = (f: GroupFacts) => f.cCount > 0 && f.oCount > 0;
const orderKnown = (f: GroupFacts) => f.oCount > 0 && f.matchClass === 'payment' && f.oOrderAmount !== null && !(PARTIAL_STATUSES as readonly string[]).includes(f.oOrderStatus ?? '');
const ORDER_KNOWN_SQL = `g.o_count > 0 AND g.match_class = 'payment' AND g.o_order_amount IS NOT NULL AND coalesce(g.o_order_status, '') NOT IN (${sqlList(PARTIAL_STATUSES)})`;

export const DISCREPANCY_RULES: readonly Rule[] = [
  {
    reason: 'our_amount_differs_from_order',
    meaning: 'Our captures of the order do not add up to the order total (the order is not partly captured).',
    applies: (f) => orderKnown(f) && f.oAmount !== f.oOrderAmount,
    sql: `(${ORDER_KNOWN_SQL} AND g.o_amount <> g.o_order_amount)`,
  },
  {
    reason: 'channel_amount_differs_from_order',
    meaning: 'The channel’s amount, in the order’s currency, is not the order total.',
    applies: (f) => orderKnown(f) && f.cCount > 0 && f.cCurrency === f.oCurrency && f.cAmount !== f.oOrderAmount,
    sql: `(${ORDER_KNOWN_SQL} AND g.c_count > 0 AND g.c_currency = g.o_currency AND g.c_amount <> g.o_order_amount)`,
  },
  {
    reason: 'amount_inconsistent_with_order_status',
    meaning: 'Money moved that the order’s status says should not have: a payment on an order never captured, voided or cancelled, a refund on an order not refunded.',
    applies: (f) =>
      f.oCount > 0 &&
      f.oOrderStatus !== null &&
      (f.matchClass === 'payment' ? (NO_MONEY_STATUSES as readonly string[]).includes(f.oOrderStatus) : !(REFUNDED_STATUSES as readonly string[]).includes(f.oOrderStatus)),
    sql:
      `(g.o_count > 0 AND g.o_order_status IS NOT NULL AND CASE WHEN g.match_class = 'payment' ` +
      `THEN g.o_order_status IN (${sqlList(NO_MONEY_STATUSES)}) ELSE g.o_order_status NOT IN (${sqlList(REFUNDED_STATUSES)}) END)`,
  },
  {
    reason: 'channel_differs_from_ours',
    meaning: 'The channel’s amount or currency is not ours.',
    applies: (f) => both(f) && (f.cCurrency !== f.oCurrency || f.cAmount !== f.oAmount),
    sql: `(g.c_count > 0 AND g.o_count > 0 AND (g.c_currency IS DISTINCT FROM g.o_currency OR g.c_amount IS DISTINCT FROM g.o_amount))`,
  },
  {
    reason: 'fx_difference',
    meaning: 'The settlement amount is not the transaction amount at the rate the channel states, or else at the day’s rate (more than 1 minor unit off on a line).',
    applies: (f) => (f.cFxGap ?? 0n) > 0n,
    sql: `(coalesce(g.c_fx_gap, 0) > 0)`,
  },
  {
    reason: 'fee_mismatch',
    meaning: 'A fee item both sides have differs (acquirer, interchange, scheme, other, 3DS), stated or computed from the fee rules.',
    applies: (f) => FEE_ITEMS.some((i) => f.cFees[i] !== null && f.oFees[i] !== null && f.cFees[i] !== f.oFees[i]),
    sql: `(${FEE_ITEMS.map((i) => `coalesce(g.c_fee_${i} <> g.o_fee_${i}, false)`).join(' OR ')})`,
  },
  {
    reason: 'missing_on_our_side',
    meaning: 'The channel has lines we have no transaction for, after the look-back.',
    applies: (f) => f.cCount > 0 && f.oCount === 0,
    sql: `(g.c_count > 0 AND g.o_count = 0)`,
  },
  {
    reason: 'missing_on_channel_side',
    meaning: 'We have transactions the channel has no line for, after the look-back.',
    applies: (f) => f.oCount > 0 && f.cCount === 0,
    sql: `(g.o_count > 0 AND g.c_count = 0)`,
  },
];

export const DISCREPANCY_REASONS = DISCREPANCY_RULES.map((r) => r.reason);
export type DiscrepancyReason = (typeof DISCREPANCY_REASONS)[number];

export interface Decision {
  status: 'matched' | 'discrepant' | 'expected';
  reasons: string[];
}

/**
 * A group with no reason is matched. A lone member (nothing on the other side) waits as
 * `expected` while it is within the look-back, whatever else is wrong with it: its counterpart
 * may still arrive. Otherwise it is a discrepancy with every reason that applies.
 */
export function decide(f: GroupFacts): Decision {
  const reasons = DISCREPANCY_RULES.filter((r) => r.applies(f)).map((r) => r.reason);
  if (reasons.length === 0) return { status: 'matched', reasons };
  if ((f.cCount === 0 || f.oCount === 0) && f.ageDays <= f.lookBackDays) return { status: 'expected', reasons };
  return { status: 'discrepant', reasons };
}

/**
 * SQL for `decide()`: `reasons` (text[]) over a relation `g` with the GroupFacts columns
 * (c_count, c_amount, … o_fee_three_ds); `status` over `g.reasons`, `g.age_days`, `g.look_back`.
 */
export function decisionSql(): { reasons: string; status: string } {
  const reasons = `array_remove(ARRAY[${DISCREPANCY_RULES.map((r) => `CASE WHEN ${r.sql} THEN '${r.reason}' END`).join(', ')}]::text[], NULL)`;
  const status = `CASE WHEN cardinality(g.reasons) = 0 THEN 'matched' WHEN (g.c_count = 0 OR g.o_count = 0) AND g.age_days <= g.look_back THEN 'expected' ELSE 'discrepant' END`;
  return { reasons, status };
}
