/**
 * Money in the console: the API gives integer minor units (JSON integers) and an ISO 4217 code.
 * Formatting and parsing are done on digit strings and BigInt — never floating point.
 */

const EXPONENT_0 = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF';
const EXPONENT_3 = 'BHD IQD JOD KWD LYD OMR TND';
const EXPONENT_4 = 'CLF UYW';

const EXPONENTS = new Map<string, number>([
  ...EXPONENT_0.split(' ').map((c) => [c, 0] as const),
  ...EXPONENT_3.split(' ').map((c) => [c, 3] as const),
  ...EXPONENT_4.split(' ').map((c) => [c, 4] as const),
]);

/** Minor-unit exponent: JPY 0, USD 2, KWD 3. Codes not in the short lists above have 2. */
export function currencyExponent(currency: string): number {
  return EXPONENTS.get(currency.toUpperCase()) ?? 2;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `formatMinor(123456, 'USD')` → `"1,234.56"`; `formatMinor(5000, 'JPY')` → `"5,000"`. */
export function formatMinor(amount: number | bigint | string, currency: string): string {
  const exponent = currencyExponent(currency);
  let value: bigint;
  try {
    value = BigInt(amount);
  } catch {
    return String(amount);
  }
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '';
  return `${negative ? '−' : ''}${groupThousands(whole)}${fraction}`;
}

export type ParsedAmount = { ok: true; minor: number } | { ok: false; message: string };

/**
 * Parses what an operator typed in major units (`"12.5"` USD → 1250, `"5,000"` JPY → 5000)
 * into integer minor units, refusing more decimals than the currency has.
 */
export function parseMajor(text: string, currency: string): ParsedAmount {
  const exponent = currencyExponent(currency);
  const cleaned = text.trim().replaceAll(',', '').replaceAll('_', '');
  const match = /^(\d+)(?:\.(\d*))?$/.exec(cleaned);
  if (!match) return { ok: false, message: 'Enter a positive amount, e.g. ' + exampleAmount(exponent) };
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) {
    return {
      ok: false,
      message: exponent === 0 ? `${currency} has no decimal places` : `${currency} has ${exponent} decimal places at most`,
    };
  }
  const minor = BigInt(whole + fraction.padEnd(exponent, '0'));
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, message: 'That amount is too large' };
  if (minor <= 0n) return { ok: false, message: 'The amount must be more than zero' };
  return { ok: true, minor: Number(minor) };
}

/** Minor units as the plain major-unit string an input field would hold (no grouping). */
export function minorToInput(amount: number, currency: string): string {
  return formatMinor(amount, currency).replaceAll(',', '');
}

function exampleAmount(exponent: number): string {
  return exponent === 0 ? '1000' : `10.${'5'.padEnd(exponent, '0')}`;
}
