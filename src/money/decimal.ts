import { divideRounded, type RoundingMode } from './rounding.ts';

/**
 * An exact decimal: `coefficient × 10^-scale`. Used for rates (FX, fee percentages) and the
 * maths between them; results become minor units only through an explicit rounding mode.
 */
export interface Decimal {
  readonly coefficient: bigint;
  readonly scale: number;
}

const DECIMAL_PATTERN = /^([+-]?)(\d+)(?:\.(\d+))?$/;
const POW10: bigint[] = [];

export function pow10(n: number): bigint {
  if (n < 0 || !Number.isInteger(n)) throw new RangeError(`bad exponent ${n}`);
  return (POW10[n] ??= 10n ** BigInt(n));
}

/** Parses a plain decimal string such as `"0.0325"`, `"-12"` or `"151.237"`. */
export function parseDecimal(text: string): Decimal {
  const m = DECIMAL_PATTERN.exec(text.trim());
  if (!m) throw new SyntaxError(`not a decimal number: ${JSON.stringify(text)}`);
  const [, sign, whole, frac = ''] = m;
  const coefficient = BigInt(`${whole}${frac}`) * (sign === '-' ? -1n : 1n);
  return { coefficient, scale: frac.length };
}

export function decimal(value: string | bigint | Decimal): Decimal {
  if (typeof value === 'string') return parseDecimal(value);
  if (typeof value === 'bigint') return { coefficient: value, scale: 0 };
  return value;
}

export function decimalToString(d: Decimal): string {
  const negative = d.coefficient < 0n;
  const digits = (negative ? -d.coefficient : d.coefficient).toString().padStart(d.scale + 1, '0');
  const whole = digits.slice(0, digits.length - d.scale);
  const frac = d.scale > 0 ? `.${digits.slice(digits.length - d.scale)}` : '';
  return `${negative ? '-' : ''}${whole}${frac}`;
}

function alignScales(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.coefficient * pow10(scale - a.scale), b.coefficient * pow10(scale - b.scale), scale];
}

export function addDecimal(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = alignScales(a, b);
  return { coefficient: x + y, scale };
}

export function subtractDecimal(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = alignScales(a, b);
  return { coefficient: x - y, scale };
}

export function multiplyDecimal(a: Decimal, b: Decimal): Decimal {
  return { coefficient: a.coefficient * b.coefficient, scale: a.scale + b.scale };
}

export function compareDecimal(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const [x, y] = alignScales(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Rounds to `scale` fractional digits. */
export function roundDecimal(d: Decimal, scale: number, mode: RoundingMode): Decimal {
  if (scale >= d.scale) return { coefficient: d.coefficient * pow10(scale - d.scale), scale };
  return { coefficient: divideRounded(d.coefficient, pow10(d.scale - scale), mode), scale };
}

/** a / b to `scale` fractional digits, rounded by `mode`. */
export function divideDecimal(a: Decimal, b: Decimal, scale: number, mode: RoundingMode): Decimal {
  if (b.coefficient === 0n) throw new RangeError('division by zero');
  // a/b = (ca / 10^sa) / (cb / 10^sb); scaled by 10^scale.
  let n = a.coefficient * pow10(scale + b.scale);
  let d = b.coefficient * pow10(a.scale);
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  return { coefficient: divideRounded(n, d, mode), scale };
}

/** Removes trailing zeros from the fraction, for display and stable storage. */
export function normalizeDecimal(d: Decimal): Decimal {
  let { coefficient, scale } = d;
  while (scale > 0 && coefficient % 10n === 0n) {
    coefficient /= 10n;
    scale -= 1;
  }
  return { coefficient, scale };
}
