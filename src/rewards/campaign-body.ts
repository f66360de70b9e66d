import { KessaiError } from '../errors/index.ts';
import { compareDecimal, isSupportedCurrency, parseMinorUnits } from '../money/index.ts';
import { isTimeZone } from './caps.ts';
import type { StoredVersion } from './campaign-rules.ts';
import type { CampaignRules, Marketplace, PointsRounding } from './model.ts';
import { formatRate, parseRate } from './points.ts';

/**
 * A campaign version's editable content as the API reads and writes it (snake_case, amounts as
 * integers, rates as exact decimal strings). `null` means "no condition". The same shape is the
 * POST body, each version in a GET, and the base a PATCH is merged into.
 */
export interface CampaignBody {
  name: string;
  starts_at: string;
  ends_at: string;
  paused: boolean;
  user_filters: { card_status: number[] | null };
  payment_filters: {
    marketplace: Marketplace | null;
    merchants: { master_ids: string[]; invert: boolean } | null;
    payment_methods: string[] | null;
    min_amount: { amount: number; currency: string } | null;
  };
  stage_rates: Array<{ min_stage: number; rate_percent: string }>;
  rounding: PointsRounding;
  caps: { per_customer_month: number | null; timezone: string; budget: number | null };
  funding_party: string;
  /** Days the points of each grant last from the grant (null: they never expire). */
  points_expire_after_days: number | null;
}

/** What a POST may leave out: paused (false), the filters (none) and the caps (none, Asia/Tokyo). */
export type CampaignBodyInput = Omit<CampaignBody, 'paused' | 'user_filters' | 'payment_filters' | 'caps' | 'points_expire_after_days'> & {
  points_expire_after_days?: number | null;
  paused?: boolean;
  user_filters?: Partial<CampaignBody['user_filters']>;
  payment_filters?: Partial<Omit<CampaignBody['payment_filters'], 'merchants'>> & { merchants?: { master_ids: string[]; invert?: boolean } | null };
  caps?: Partial<CampaignBody['caps']>;
};

/** A PATCH: any top-level field; objects are merged (RFC 7396), `null` clears a condition. */
export type CampaignPatch = Partial<CampaignBodyInput>;

/**
 * One version's content, checked and typed, as it is stored: the rules' own fields, with the sets
 * as sorted lists and the rates as normalised strings ("1.0"), ascending by minStage.
 */
export type CampaignInput = Omit<CampaignRules, 'campaignId' | 'version' | 'cardStatuses' | 'merchants' | 'paymentMethods' | 'stageRates'> & {
  cardStatuses: number[] | null;
  merchants: { masterIds: string[]; invert: boolean } | null;
  paymentMethods: string[] | null;
  stageRates: Array<{ minStage: number; ratePercent: string }>;
};

export const DEFAULT_CAP_TIMEZONE = 'Asia/Tokyo';

const sortedUnique = <T extends string | number>(values: readonly T[]): T[] => [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

function points(value: number | null | undefined, field: string): bigint | null {
  if (value === null || value === undefined) return null;
  return parseMinorUnits(value, field, { allowZero: false });
}

/** Checks a (complete) body and turns it into stored form; errors name the field. */
export function inputFromBody(body: CampaignBodyInput): CampaignInput {
  const startsAt = new Date(body.starts_at);
  const endsAt = new Date(body.ends_at);
  if (!(endsAt.getTime() > startsAt.getTime())) throw new KessaiError('KS_ERR_VALIDATION', 'ends_at must be after starts_at', { field: 'ends_at' });

  const rates = body.stage_rates.map((r, i) => {
    const rate = parseRate(r.rate_percent);
    if (compareDecimal(rate, parseRate('100')) > 0) {
      throw new KessaiError('KS_ERR_VALIDATION', 'A rate is a percentage between 0 and 100', { field: `stage_rates[${i}].rate_percent` });
    }
    return { minStage: r.min_stage, ratePercent: formatRate(rate), index: i };
  });
  rates.sort((a, b) => a.minStage - b.minStage);
  for (let i = 1; i < rates.length; i++) {
    if (rates[i]!.minStage === rates[i - 1]!.minStage) {
      throw new KessaiError('KS_ERR_VALIDATION', `Stage ${rates[i]!.minStage} has two rates`, { field: `stage_rates[${rates[i]!.index}].min_stage` });
    }
  }

  const pf = body.payment_filters ?? {};
  const min = pf.min_amount ?? null;
  if (min && !isSupportedCurrency(min.currency)) {
    throw new KessaiError('KS_ERR_CURRENCY_UNSUPPORTED', `Unknown ISO 4217 currency ${JSON.stringify(min.currency)}`, { field: 'payment_filters.min_amount.currency' });
  }
  const caps = body.caps ?? {};
  const timezone = caps.timezone ?? DEFAULT_CAP_TIMEZONE;
  if (!isTimeZone(timezone)) throw new KessaiError('KS_ERR_VALIDATION', `Unknown timezone ${JSON.stringify(timezone)}`, { field: 'caps.timezone' });
  const cards = body.user_filters?.card_status ?? null;

  return {
    name: body.name,
    startsAt,
    endsAt,
    paused: body.paused ?? false,
    cardStatuses: cards === null ? null : sortedUnique(cards),
    marketplace: pf.marketplace ?? null,
    merchants: pf.merchants ? { masterIds: sortedUnique(pf.merchants.master_ids), invert: pf.merchants.invert ?? false } : null,
    paymentMethods: pf.payment_methods ? sortedUnique(pf.payment_methods) : null,
    minAmount: min ? { amount: parseMinorUnits(min.amount, 'payment_filters.min_amount.amount'), currency: min.currency } : null,
    stageRates: rates.map(({ minStage, ratePercent }) => ({ minStage, ratePercent })),
    rounding: body.rounding,
    capPerCustomerMonth: points(caps.per_customer_month, 'caps.per_customer_month'),
    capTimezone: timezone,
    budgetPoints: points(caps.budget, 'caps.budget'),
    fundingParty: body.funding_party,
    pointsExpireAfterDays: body.points_expire_after_days ?? null,
  };
}

export function bodyOfInput(input: CampaignInput): CampaignBody {
  return {
    name: input.name,
    starts_at: input.startsAt.toISOString(),
    ends_at: input.endsAt.toISOString(),
    paused: input.paused,
    user_filters: { card_status: input.cardStatuses },
    payment_filters: {
      marketplace: input.marketplace,
      merchants: input.merchants ? { master_ids: input.merchants.masterIds, invert: input.merchants.invert } : null,
      payment_methods: input.paymentMethods,
      min_amount: input.minAmount ? { amount: Number(input.minAmount.amount), currency: input.minAmount.currency } : null,
    },
    stage_rates: input.stageRates.map((r) => ({ min_stage: r.minStage, rate_percent: r.ratePercent })),
    rounding: input.rounding,
    caps: {
      per_customer_month: input.capPerCustomerMonth === null ? null : Number(input.capPerCustomerMonth),
      timezone: input.capTimezone,
      budget: input.budgetPoints === null ? null : Number(input.budgetPoints),
    },
    funding_party: input.fundingParty,
    points_expire_after_days: input.pointsExpireAfterDays,
  };
}

export function inputFromStored({ row, rates }: StoredVersion): CampaignInput {
  return {
    name: row.name,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    paused: row.paused,
    cardStatuses: row.card_statuses,
    marketplace: row.marketplace,
    merchants: row.merchant_master_ids === null ? null : { masterIds: row.merchant_master_ids, invert: row.merchant_ids_invert },
    paymentMethods: row.payment_methods,
    minAmount: row.min_amount === null || row.min_amount_currency === null ? null : { amount: row.min_amount, currency: row.min_amount_currency },
    stageRates: rates.map((r) => ({ minStage: r.min_stage, ratePercent: formatRate(parseRate(r.rate_percent)) })),
    rounding: row.rounding as PointsRounding,
    capPerCustomerMonth: row.cap_per_customer_month,
    capTimezone: row.cap_timezone,
    budgetPoints: row.budget_points,
    fundingParty: row.funding_party,
    pointsExpireAfterDays: row.points_expire_after_days,
  };
}

/** RFC 7396 merge: objects merge key by key, anything else (arrays, scalars, null) replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const base = target !== null && typeof target === 'object' && !Array.isArray(target) ? (target as Record<string, unknown>) : {};
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) out[key] = mergePatch(base[key], value);
  return out;
}

/** The fields whose content differs between two versions (for the event and the history). */
export function changedFields(before: CampaignBody, after: CampaignBody): string[] {
  return (Object.keys(after) as Array<keyof CampaignBody>).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}
