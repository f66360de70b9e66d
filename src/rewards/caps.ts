/**
 * Caps on granted points: a customer's points per campaign per calendar month, and a campaign's
 * budget. The estimate ignores them (it is cap-blind by design); the grant applies them with
 * `allocateWithinCaps`, under the database's CHECK constraints that make overshooting impossible.
 */

export type CapLimit = 'customer_month_cap' | 'campaign_budget';

export interface Allocation {
  /** What may be granted: the request, or what is left under the tighter cap. */
  points: bigint;
  /** Which cap cut the request down; null when it was granted in full. */
  limitedBy: CapLimit | null;
}

/**
 * The points a grant gets: all it asks for if both caps leave room, otherwise the remainder
 * under the tighter cap (a payment that crosses the cap gets what is left, not nothing — what a
 * customer expects from "up to N points a month"). `null` means no such cap. Never negative,
 * never more than asked, never more than either remainder.
 */
export function allocateWithinCaps(requested: bigint, customerMonthRemaining: bigint | null, budgetRemaining: bigint | null): Allocation {
  if (requested < 0n) throw new RangeError('requested points must not be negative');
  let points = requested;
  let limitedBy: CapLimit | null = null;
  if (customerMonthRemaining !== null) {
    const room = customerMonthRemaining > 0n ? customerMonthRemaining : 0n;
    if (room < points) {
      points = room;
      limitedBy = 'customer_month_cap';
    }
  }
  if (budgetRemaining !== null) {
    const room = budgetRemaining > 0n ? budgetRemaining : 0n;
    if (room < points) {
      points = room;
      limitedBy = 'campaign_budget';
    }
  }
  return { points, limitedBy };
}

const monthFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar month (`YYYY-MM`) an instant falls in, in a timezone (default Asia/Tokyo). */
export function capMonth(at: Date, timeZone = 'Asia/Tokyo'): string {
  let format = monthFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' });
    monthFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const year = parts.find((p) => p.type === 'year')!.value;
  const month = parts.find((p) => p.type === 'month')!.value;
  return `${year}-${month}`;
}

/** Whether a name is an IANA timezone this runtime knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
