import { KessaiError } from '../errors/index.ts';

/** Band n covers weights above band n-1's limit up to `upToGrams` (inclusive); null: no limit. */
export interface ShippingBand {
  upToGrams: number | null;
  fee: bigint;
}

/** The active rule of one region and currency. */
export interface ShippingRule {
  id: string;
  region: string;
  currency: string;
  /** Ascending limits; only the last band may have none. */
  bands: readonly ShippingBand[];
  /** A goods subtotal at or above this ships free; null: never free. */
  freeShippingThreshold: bigint | null;
}

export interface Parcel {
  region: string;
  currency: string;
  weightGrams: number;
  /** The goods subtotal, in minor units of `currency`. */
  subtotal: bigint;
}

export interface ShippingQuote {
  fee: bigint;
  ruleId: string;
  /** Index of the weight band the parcel falls in. */
  band: number;
  freeShipping: boolean;
}

/**
 * The shipping fee of a parcel, from the rules in force (pure: no I/O, no clock).
 * 1. The rule is the one for the parcel's region and currency; none is
 *    `KS_ERR_SHIPPING_RULE_NOT_FOUND` (never a guessed fee).
 * 2. The band is the first whose limit is ≥ the weight; heavier than every limited band is
 *    `KS_ERR_SHIPPING_WEIGHT_EXCEEDED`, free shipping or not (the carrier will not take it).
 * 3. A subtotal ≥ the rule's free-shipping threshold ships for 0; otherwise the band's fee.
 */
export function computeShippingFee(rules: readonly ShippingRule[], parcel: Parcel): ShippingQuote {
  const rule = rules.find((r) => r.region === parcel.region && r.currency === parcel.currency);
  if (!rule) {
    throw new KessaiError('KS_ERR_SHIPPING_RULE_NOT_FOUND', `No shipping rule for region ${parcel.region} in ${parcel.currency}`, {
      region: parcel.region,
      currency: parcel.currency,
    });
  }
  const band = rule.bands.findIndex((b) => b.upToGrams === null || parcel.weightGrams <= b.upToGrams);
  if (band < 0) {
    const heaviest = rule.bands[rule.bands.length - 1]?.upToGrams ?? 0;
    throw new KessaiError('KS_ERR_SHIPPING_WEIGHT_EXCEEDED', `${parcel.weightGrams} g is more than the ${heaviest} g that ships to ${parcel.region}`, {
      region: parcel.region,
      weight_grams: parcel.weightGrams,
      max_weight_grams: heaviest,
      rule_id: rule.id,
    });
  }
  const free = rule.freeShippingThreshold !== null && parcel.subtotal >= rule.freeShippingThreshold;
  return { fee: free ? 0n : rule.bands[band]!.fee, ruleId: rule.id, band, freeShipping: free };
}

/** Bands as `computeShippingFee` needs them; a field error (`bands[1].up_to_grams`) otherwise. */
export function checkBands(bands: readonly ShippingBand[], maxBands: number): void {
  const fail = (field: string, message: string) => {
    throw new KessaiError('KS_ERR_VALIDATION', `${field} ${message}`, { field });
  };
  if (bands.length === 0) fail('bands', 'must have at least one band');
  if (bands.length > maxBands) fail('bands', `must have at most ${maxBands} bands`);
  let previous = 0;
  bands.forEach((b, i) => {
    if (b.upToGrams === null) {
      if (i !== bands.length - 1) fail(`bands[${i}].up_to_grams`, 'may be null (no limit) only in the last band');
      return;
    }
    if (!Number.isSafeInteger(b.upToGrams) || b.upToGrams <= previous) fail(`bands[${i}].up_to_grams`, `must be an integer greater than ${previous}`);
    previous = b.upToGrams;
  });
}
