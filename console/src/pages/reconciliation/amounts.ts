/** Reconciliation figures in the console, on digit strings and BigInt: never floating point for amounts. */
import { currencyExponent } from '../../lib/money.ts';

export type SignedMinor = { ok: true; minor: string } | { ok: false; message: string };

/**
 * What an operator typed in major units, signed and possibly zero (a refund's amount, a fee
 * corrected to nothing), as a string of minor units: `-12.5` USD → `-1250`.
 */
export function parseSignedMajor(text: string, currency: string): SignedMinor {
  const exponent = currencyExponent(currency);
  const match = /^(-)?(\d+)(?:\.(\d*))?$/.exec(text.trim().replaceAll(',', '').replaceAll('_', ''));
  if (!match) return { ok: false, message: `Enter an amount in ${currency}, e.g. ${exponent === 0 ? '-1000' : '12.50'}` };
  const fraction = match[3] ?? '';
  if (fraction.length > exponent) return { ok: false, message: exponent === 0 ? `${currency} has no decimal places` : `${currency} has ${exponent} decimal places at most` };
  const minor = BigInt(match[2]! + fraction.padEnd(exponent, '0'));
  if (minor > 10n ** 15n) return { ok: false, message: 'That amount is too large' };
  return { ok: true, minor: (match[1] && minor !== 0n ? -minor : minor).toString() };
}

/** A rate string with up to 4 decimals (`0.6667`) in basis points (6667). */
function basisPoints(rate: string): bigint {
  const [whole = '0', frac = ''] = rate.split('.');
  return BigInt(whole + frac.padEnd(4, '0').slice(0, 4));
}

/** `0.6667` → `66.7 %` (rounded half up to a tenth of a percent). */
export function formatRate(rate: string | null): string {
  if (rate === null) return '—';
  const tenths = (basisPoints(rate) + 5n) / 10n;
  return `${tenths / 10n}.${tenths % 10n} %`;
}

/** A rate as a fraction of a chart's height: a pixel position, not a figure. */
export function rateFraction(rate: string): number {
  return Number(basisPoints(rate)) / 10_000;
}
