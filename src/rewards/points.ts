import { decimalToString, divideRounded, exponentOf, normalizeDecimal, parseDecimal, pow10, type Decimal } from '../money/index.ts';
import type { PointsRounding, StageRate } from './model.ts';

/**
 * Points for an amount at a rate: `amount in major units × ratePercent / 100`, rounded to a
 * whole point by the campaign's rule. The rate applies to major units (yen, dollars), so 10,000
 * JPY at 1 % is 100 points and 100.00 USD (10000 minor units) at 1 % is 1 point: a point is
 * worth one major unit's worth of percent whatever the currency's exponent (ISO 4217). Exact:
 * one bigint division, no floating point.
 */
export function computePoints(amount: bigint, currency: string, ratePercent: Decimal, rounding: PointsRounding): bigint {
  if (amount < 0n || ratePercent.coefficient < 0n) throw new RangeError('amount and rate must not be negative');
  // amount / 10^exponent × coefficient / 10^scale / 100
  const numerator = amount * ratePercent.coefficient;
  const denominator = pow10(exponentOf(currency) + ratePercent.scale + 2);
  return divideRounded(numerator, denominator, rounding);
}

/** The rate of the highest `minStage` at or below `stage`; null below the table (or no stage). */
export function rateForStage(rates: readonly StageRate[], stage: number | null): StageRate | null {
  if (stage === null) return null;
  let found: StageRate | null = null;
  for (const r of rates) {
    if (r.minStage > stage) break;
    found = r;
  }
  return found;
}

/** A rate as the API shows it: exact, trailing zeros trimmed but one decimal kept ("1.0", "2.25"). */
export function formatRate(rate: Decimal): string {
  const text = decimalToString(normalizeDecimal(rate));
  return text.includes('.') ? text : `${text}.0`;
}

export function parseRate(text: string): Decimal {
  return normalizeDecimal(parseDecimal(text));
}
