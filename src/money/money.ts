import { KessaiError } from '../errors/index.ts';
import { currencyExponent } from './currencies.ts';
import { decimal, multiplyDecimal, pow10, type Decimal } from './decimal.ts';
import { divideRounded, type RoundingMode } from './rounding.ts';

/** An amount in integer minor units of an ISO 4217 currency. */
export interface Money {
  readonly amount: bigint;
  readonly currency: string;
}

/** The largest amount the API accepts: far above any real order, far below 2^53. */
export const MAX_AMOUNT = 10n ** 15n;

export function exponentOf(currency: string): number {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) {
    throw new KessaiError('KS_ERR_CURRENCY_UNSUPPORTED', `Unknown ISO 4217 currency ${JSON.stringify(currency)}`, {
      field: 'currency',
    });
  }
  return exponent;
}

export function money(amount: bigint, currency: string): Money {
  exponentOf(currency);
  return { amount, currency };
}

/** Reads an amount in minor units from an API value: a safe integer or a string of digits. */
export function parseMinorUnits(value: unknown, field = 'amount', { allowZero = true } = {}): bigint {
  let amount: bigint | undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) amount = BigInt(value);
  else if (typeof value === 'bigint') amount = value;
  else if (typeof value === 'string' && /^-?\d{1,19}$/.test(value)) amount = BigInt(value);
  if (amount === undefined) {
    throw new KessaiError('KS_ERR_AMOUNT_INVALID', `${field} must be an integer number of minor units`, { field });
  }
  if (amount < 0n || (!allowZero && amount === 0n) || amount > MAX_AMOUNT) {
    throw new KessaiError(
      'KS_ERR_AMOUNT_INVALID',
      `${field} must be ${allowZero ? 'between 0' : 'between 1'} and ${MAX_AMOUNT} minor units`,
      { field },
    );
  }
  return amount;
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new KessaiError('KS_ERR_CURRENCY_MISMATCH', `Cannot combine ${a.currency} and ${b.currency}`);
  }
}

export function add(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { amount: a.amount + b.amount, currency: a.currency };
}

export function subtract(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { amount: a.amount - b.amount, currency: a.currency };
}

export function compare(a: Money, b: Money): -1 | 0 | 1 {
  sameCurrency(a, b);
  return a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0;
}

export function minAmount(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function maxAmount(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** `12.34` for 1234 USD, `1000` for 1000 JPY, `1.234` for 1234 KWD. */
export function toMajorString(amount: bigint, currency: string): string {
  const exponent = exponentOf(currency);
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const frac = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '';
  return `${negative ? '-' : ''}${whole}${frac}`;
}

/**
 * Reads a major-unit string (`"12.34"`) into minor units. More fractional digits than the
 * currency has is an error, never silently rounded.
 */
export function parseMajorString(text: string, currency: string): bigint {
  const exponent = exponentOf(currency);
  const m = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) throw new KessaiError('KS_ERR_AMOUNT_INVALID', `not an amount: ${JSON.stringify(text)}`);
  const [, sign, whole, frac = ''] = m;
  const significant = frac.replace(/0+$/, '');
  if (significant.length > exponent) {
    throw new KessaiError('KS_ERR_AMOUNT_INVALID', `${currency} has ${exponent} decimal places: ${JSON.stringify(text)}`);
  }
  const amount = BigInt(whole!) * pow10(exponent) + BigInt(significant.padEnd(exponent, '0') || '0');
  return sign === '-' ? -amount : amount;
}

/** amount × rate, rounded to minor units (fees, rebates). */
export function applyRate(amount: bigint, rate: Decimal | string, mode: RoundingMode): bigint {
  const product = multiplyDecimal({ coefficient: amount, scale: 0 }, decimal(rate));
  return divideRounded(product.coefficient, pow10(product.scale), mode);
}

/** amount × numerator / denominator, rounded (proportional reversals, partial refunds). */
export function prorate(amount: bigint, numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  return divideRounded(amount * numerator, denominator, mode);
}

/**
 * Converts minor units of one currency into another at `rate` (units of `to` per one unit of
 * `from`), rounded to the target currency's minor unit.
 */
export function convert(amount: bigint, from: string, to: string, rate: Decimal | string, mode: RoundingMode): bigint {
  const r = decimal(rate);
  const fromExp = exponentOf(from);
  const toExp = exponentOf(to);
  // amount / 10^fromExp × r × 10^toExp
  const n = amount * r.coefficient * pow10(toExp);
  const d = pow10(fromExp + r.scale);
  return divideRounded(n, d, mode);
}

/**
 * Splits `total` in proportion to `weights` with the largest-remainder method, so the parts
 * always add up to the total exactly (ties go to the earliest part).
 */
export function allocate(total: bigint, weights: readonly bigint[]): bigint[] {
  if (weights.length === 0) throw new RangeError('allocate needs at least one weight');
  if (weights.some((w) => w < 0n)) throw new RangeError('weights must not be negative');
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (sum === 0n) throw new RangeError('weights must not all be zero');
  const sign = total < 0n ? -1n : 1n;
  const abs = total * sign;
  const parts = weights.map((w) => (abs * w) / sum);
  const remainders = weights.map((w, i) => ({ i, r: (abs * w) % sum }));
  let left = abs - parts.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0n) break;
    parts[i]! += 1n;
    left -= 1n;
  }
  return parts.map((p) => p * sign);
}
