/**
 * The order-change decision table (BRIEF §1, seed 004). A pure function: the same rows are the
 * code here, the table in docs/order-changes.md and the table-driven test beside this file.
 *
 * Why it is shaped like this: a debit card is charged at authorization, so re-authorizing on
 * every edit would take the customer's money several times. Only upward moves need new
 * authority; downward moves keep the authorization and capture less later.
 */
export const ORDER_CHANGE_KINDS = ['items', 'delivery_slot', 'stockout', 'substitution', 'discount', 'cancel'] as const;
export type OrderChangeKind = (typeof ORDER_CHANGE_KINDS)[number];
export type Decision = 'keep' | 'reauthorize' | 'authorize' | 'void';

export interface OrderChangeFacts {
  kind: OrderChangeKind;
  /** The order total the customer owes now. */
  currentTotal: bigint;
  /** The new order total as sent (for substitutions, with the substitute at its own price). */
  newTotal: bigint;
  /** What is authorized now (0 when nothing is held). */
  authorized: bigint;
  /** Substitutions: the price of the line that ran out, and of the item put in its place. */
  originalLineAmount?: bigint;
  substituteLineAmount?: bigint;
}

export interface OrderChangeDecision {
  decision: Decision;
  /** The order total after the change (a substitution is capped at the original price). */
  total: bigint;
  /** The row of the table that decided. */
  rule: string;
}

export class InvalidOrderChange extends Error {
  readonly field: string;
  constructor(message: string, field = 'amount') {
    super(message);
    this.field = field;
  }
}

export const ORDER_CHANGE_RULES = {
  cancel: 'cancellation → void',
  discountToZeroWithAuthorization: 'points/coupons bring the total to 0 with an authorization → void',
  zeroToZero: 'points/coupons bring the total to 0 with nothing authorized (0 → 0) → take none',
  zeroToPositive: 'total goes from 0 to > 0 → authorize',
  stockout: 'stock-out lowers the total → never re-authorize',
  substitution: 'substitution is capped at the original line price → never re-authorize',
  higher: 'total above the authorized amount → re-authorize for the new total',
  equalOrLower: 'total equal to or below the authorized amount → keep; capture the lower amount later',
} as const;

export function decideOrderChange(f: OrderChangeFacts): OrderChangeDecision {
  const R = ORDER_CHANGE_RULES;
  if (f.kind === 'cancel') return { decision: 'void', total: 0n, rule: R.cancel };

  let total = f.newTotal;
  if (f.kind === 'substitution') {
    if (f.originalLineAmount === undefined || f.substituteLineAmount === undefined) {
      throw new InvalidOrderChange('a substitution needs original_line_amount and substitute_line_amount', 'original_line_amount');
    }
    const extra = f.substituteLineAmount - f.originalLineAmount;
    if (extra > 0n) total -= extra; // the customer never pays more for a substitute
    if (total > f.currentTotal) throw new InvalidOrderChange('a substitution cannot raise the order total');
    return { decision: 'keep', total, rule: R.substitution };
  }
  if (f.kind === 'stockout') {
    if (total > f.currentTotal) throw new InvalidOrderChange('a stock-out cannot raise the order total');
    return { decision: 'keep', total, rule: R.stockout };
  }
  if (total === 0n) {
    return f.authorized > 0n ? { decision: 'void', total, rule: R.discountToZeroWithAuthorization } : { decision: 'keep', total, rule: R.zeroToZero };
  }
  if (f.authorized === 0n) return { decision: 'authorize', total, rule: R.zeroToPositive };
  if (total > f.authorized) return { decision: 'reauthorize', total, rule: R.higher };
  return { decision: 'keep', total, rule: R.equalOrLower };
}
