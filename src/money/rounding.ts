/**
 * Rounding rules, named the way finance teams name them. Every division or scaling that can
 * leave a fraction of a minor unit takes one of these explicitly; there is no default.
 */
export const ROUNDING_MODES = ['half_up', 'half_down', 'half_even', 'down', 'up', 'floor', 'ceiling'] as const;
export type RoundingMode = (typeof ROUNDING_MODES)[number];

export function isRoundingMode(value: string): value is RoundingMode {
  return (ROUNDING_MODES as readonly string[]).includes(value);
}

/** n / d rounded by `mode`; d must be positive. Exact integer arithmetic. */
export function divideRounded(n: bigint, d: bigint, mode: RoundingMode): bigint {
  if (d <= 0n) throw new RangeError('divisor must be positive');
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const away = n < 0n ? q - 1n : q + 1n;
  switch (mode) {
    case 'down':
      return q;
    case 'up':
      return away;
    case 'floor':
      return n < 0n ? q - 1n : q;
    case 'ceiling':
      return n > 0n ? q + 1n : q;
    case 'half_up':
    case 'half_down':
    case 'half_even': {
      const twice = (r < 0n ? -r : r) * 2n;
      if (twice > d) return away;
      if (twice < d) return q;
      if (mode === 'half_up') return away;
      if (mode === 'half_down') return q;
      return q % 2n === 0n ? q : away;
    }
  }
}
