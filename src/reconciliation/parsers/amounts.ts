import { isKessaiError } from '../../errors/index.ts';
import {
  addDecimal,
  currencyExponent,
  decimalToString,
  parseDecimal,
  parseMajorString,
  pow10,
  roundDecimal,
  type Decimal,
  type RoundingMode,
} from '../../money/index.ts';
import { malformed, type FilePosition } from './file-errors.ts';

// Exact decimals as files print them: `12.34`, `-0.5`, `25`, and Adyen's `.11`.
const DECIMAL_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** `.11` → `0.11`, `-.5` → `-0.5`: the money module's parser wants a whole part. */
function withWholePart(text: string): string {
  if (!text.includes('.') || (/\d\.\d/.test(text))) return text;
  return text.replace(/^([+-]?)\./, '$10.').replace(/\.$/, '');
}

export function decimalAt(text: string, at: FilePosition, what = 'a decimal number'): Decimal {
  if (!DECIMAL_TEXT.test(text)) throw malformed(at, `not ${what}: ${JSON.stringify(text)}`, { expected: what, actual: text });
  return parseDecimal(withWholePart(text));
}

export function currencyAt(text: string, at: FilePosition): string {
  const code = text.trim().toUpperCase();
  if (currencyExponent(code) === undefined) {
    throw malformed(at, `not an ISO 4217 currency: ${JSON.stringify(text)}`, { expected: 'an ISO 4217 currency code', actual: text });
  }
  return code;
}

const ZEROS = ['', '0', '00', '000', '0000', '00000', '000000'];

/**
 * Minor units of a plain decimal (`-12.34`, `5`, `.5`, `12.340`) when `exponent` decimals hold it
 * exactly, else null. One BigInt from the digits: the hot path of every amount column; anything
 * it does not take goes the long way, which refuses it with its reason.
 */
export function exactMinorUnits(text: string, exponent: number): bigint | null {
  const n = text.length;
  const first = text.charCodeAt(0);
  const start = first === 45 || first === 43 ? 1 : 0;
  const dot = text.indexOf('.', start);
  const wholeEnd = dot < 0 ? n : dot;
  if (wholeEnd === start && (dot < 0 || dot === n - 1)) return null;
  for (let k = start; k < n; k++) {
    const c = text.charCodeAt(k);
    if ((c < 48 || c > 57) && k !== dot) return null;
  }
  let fraction = dot < 0 ? 0 : n - dot - 1;
  // Zeros past the currency's decimals change nothing (`0.01000`); other digits are refused.
  while (fraction > exponent && text.charCodeAt(dot + fraction) === 48) fraction -= 1;
  if (fraction > exponent || exponent >= ZEROS.length) return null;
  const digits = text.slice(start, wholeEnd) + (fraction > 0 ? text.slice(dot + 1, dot + 1 + fraction) : '') + ZEROS[exponent - fraction]!;
  const value = BigInt(digits === '' ? '0' : digits);
  return first === 45 ? -value : value;
}

/** Major units (`12.34`) to minor units; more decimals than the currency has is an error. */
export function amountAt(text: string, currency: string, at: FilePosition): bigint {
  const exponent = currencyExponent(currency);
  const fast = exponent === undefined ? null : exactMinorUnits(text, exponent);
  if (fast !== null) return fast;
  if (!DECIMAL_TEXT.test(text)) throw malformed(at, `not an amount: ${JSON.stringify(text)}`, { expected: 'a decimal amount such as 12.34', actual: text });
  try {
    return parseMajorString(withWholePart(text), currency);
  } catch (err) {
    if (!isKessaiError(err)) throw err;
    const exponent = currencyExponent(currency)!;
    throw malformed(at, `${currency} has ${exponent} decimal places: ${JSON.stringify(text)}`, {
      expected: `an amount with at most ${exponent} decimal places`,
      actual: text,
    });
  }
}

/**
 * A figure printed with more decimals than the currency has (WeChat's fees: `0.01000`), rounded
 * to minor units by the given rule.
 */
export function roundedAmountAt(text: string, currency: string, mode: RoundingMode, at: FilePosition): bigint {
  const exponent = currencyExponent(currency)!;
  return roundDecimal(decimalAt(text, at, 'an amount'), exponent, mode).coefficient;
}

/**
 * PayPal's integer amounts: always hundredths of the currency unit, whatever its exponent
 * ("100,00 yen and $100.00 are both 10000"), so JPY 10000 is ¥100.
 */
export function hundredthsAt(text: string, currency: string, at: FilePosition): bigint {
  if (!/^\d+$/.test(text)) throw malformed(at, `not an amount in hundredths: ${JSON.stringify(text)}`, { expected: 'an unsigned integer', actual: text });
  const hundredths = BigInt(text);
  const exponent = currencyExponent(currency)!;
  if (exponent >= 2) return hundredths * pow10(exponent - 2);
  const unit = pow10(2 - exponent);
  if (hundredths % unit !== 0n) {
    throw malformed(at, `${currency} has ${exponent} decimal places, ${text} hundredths is not a whole minor unit`, { expected: `a multiple of ${unit}`, actual: text });
  }
  return hundredths / unit;
}

/** A count, leniently: WeChat prints `45.0`. */
export function countAt(text: string, at: FilePosition): bigint {
  const d = decimalAt(text, at, 'a count');
  const whole = roundDecimal(d, 0, 'down');
  if (d.coefficient < 0n || whole.coefficient * pow10(d.scale) !== d.coefficient) {
    throw malformed(at, `not a count: ${JSON.stringify(text)}`, { expected: 'a whole number', actual: text });
  }
  return whole.coefficient;
}

/** An exchange rate kept as the exact decimal string it was printed as. */
export function rateAt(text: string, at: FilePosition): string {
  return decimalToString(decimalAt(text, at, 'an exchange rate'));
}

/** A running exact sum of printed decimals, for comparison with a footer. */
export class DecimalTotal {
  #sum: Decimal = { coefficient: 0n, scale: 0 };

  add(value: Decimal): void {
    this.#sum = addDecimal(this.#sum, value);
  }

  toString(): string {
    return decimalToString(this.#sum);
  }
}
