/**
 * The campaign editor's form: what the operator types (strings, so nothing is lost or rounded
 * while typing) and its conversion to and from the API's campaign content. Errors are keyed by
 * the API's field paths (`caps.budget`, `stage_rates[1].rate_percent`…), so an error the server
 * answers with lands on the same input as one found here.
 */
import type { CampaignContent, Marketplace, PointsRounding } from '../../api/types.ts';
import { minorToInput, parseMajor } from '../../lib/money.ts';

export interface RateRow {
  /** Stable React key; rows are added and removed. */
  key: number;
  min_stage: string;
  rate_percent: string;
}

export interface CampaignForm {
  name: string;
  /** `datetime-local` values, in the browser's time zone. */
  starts_at: string;
  ends_at: string;
  paused: boolean;
  /** "2, 3"; empty: any card status. */
  card_status: string;
  marketplace: '' | Marketplace;
  /** Merchant master ids, separated by commas, spaces or lines; empty: any merchant. */
  master_ids: string;
  invert: boolean;
  /** "card, wallet"; empty: any payment method. */
  payment_methods: string;
  /** Major units of `min_currency`; empty: no minimum. */
  min_amount: string;
  min_currency: string;
  stage_rates: RateRow[];
  rounding: PointsRounding;
  per_customer_month: string;
  budget: string;
  timezone: string;
  funding_party: string;
  /** Whole days; empty: the points never expire. */
  expire_after_days: string;
}

export type FieldErrors = Record<string, string>;

let rowKey = 0;
export function newRateRow(min_stage = '', rate_percent = ''): RateRow {
  rowKey += 1;
  return { key: rowKey, min_stage, rate_percent };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as a `datetime-local` value in the browser's time zone (seconds only when not zero). */
export function isoToLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return d.getSeconds() ? `${base}:${pad(d.getSeconds())}` : base;
}

/** A `datetime-local` value (browser time zone) as an ISO instant, or null when incomplete. */
export function localInputToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Splits a list typed with commas, spaces or new lines. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function firstOfNextMonth(): Date {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth() + 1, 1);
}

export function emptyForm(): CampaignForm {
  const start = firstOfNextMonth();
  const end = new Date(start.getFullYear(), start.getMonth() + 1, 1);
  return {
    name: '',
    starts_at: isoToLocalInput(start.toISOString()),
    ends_at: isoToLocalInput(end.toISOString()),
    paused: false,
    card_status: '',
    marketplace: '',
    master_ids: '',
    invert: false,
    payment_methods: '',
    min_amount: '',
    min_currency: 'JPY',
    stage_rates: [newRateRow('0', '')],
    rounding: 'floor',
    per_customer_month: '',
    budget: '',
    timezone: 'Asia/Tokyo',
    funding_party: 'card_issuer',
    expire_after_days: '',
  };
}

export function formOf(c: CampaignContent): CampaignForm {
  const min = c.payment_filters.min_amount;
  return {
    name: c.name,
    starts_at: isoToLocalInput(c.starts_at),
    ends_at: isoToLocalInput(c.ends_at),
    paused: c.paused,
    card_status: (c.user_filters.card_status ?? []).join(', '),
    marketplace: c.payment_filters.marketplace ?? '',
    master_ids: (c.payment_filters.merchants?.master_ids ?? []).join(', '),
    invert: c.payment_filters.merchants?.invert ?? false,
    payment_methods: (c.payment_filters.payment_methods ?? []).join(', '),
    min_amount: min ? minorToInput(min.amount, min.currency) : '',
    min_currency: min?.currency ?? 'JPY',
    stage_rates: c.stage_rates.map((r) => newRateRow(String(r.min_stage), r.rate_percent)),
    rounding: c.rounding,
    per_customer_month: c.caps.per_customer_month === null ? '' : String(c.caps.per_customer_month),
    budget: c.caps.budget === null ? '' : String(c.caps.budget),
    timezone: c.caps.timezone,
    funding_party: c.funding_party,
    expire_after_days: c.points_expire_after_days == null ? '' : String(c.points_expire_after_days),
  };
}

/** Whole points: "5,000" → 5000; empty → null. */
function pointsOf(text: string, field: string, errors: FieldErrors): number | null {
  const t = text.trim().replaceAll(',', '').replaceAll('_', '');
  if (!t) return null;
  if (!/^\d{1,16}$/.test(t) || Number(t) <= 0) {
    errors[field] = 'Whole points, more than 0 (leave empty for no cap)';
    return null;
  }
  return Number(t);
}

/**
 * The API body for the form, or the errors found before asking the server. Rows keep the form's
 * order, so the server's `stage_rates[i]` names the row the operator sees as row i + 1.
 */
export function contentOf(form: CampaignForm): { content: CampaignContent | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const name = form.name.trim();
  if (!name) errors.name = 'Give the campaign a name';
  const startsAt = localInputToIso(form.starts_at);
  if (!startsAt) errors.starts_at = 'Enter a date and time';
  const endsAt = localInputToIso(form.ends_at);
  if (!endsAt) errors.ends_at = 'Enter a date and time';
  else if (startsAt && endsAt <= startsAt) errors.ends_at = 'The end must be after the start';

  let cardStatus: number[] | null = null;
  const cards = splitList(form.card_status);
  if (cards.length > 0) {
    if (cards.some((c) => !/^\d{1,5}$/.test(c))) errors['user_filters.card_status'] = 'Card statuses are whole numbers, e.g. 2, 3';
    else cardStatus = cards.map(Number);
  }

  const masterIds = splitList(form.master_ids);
  const methods = splitList(form.payment_methods);

  let minAmount: { amount: number; currency: string } | null = null;
  const currency = form.min_currency.trim().toUpperCase();
  if (form.min_amount.trim()) {
    if (!/^[A-Z]{3}$/.test(currency)) errors['payment_filters.min_amount.currency'] = 'A three-letter ISO 4217 code, e.g. JPY';
    else {
      const parsed = parseMajor(form.min_amount, currency);
      if (parsed.ok) minAmount = { amount: parsed.minor, currency };
      else errors['payment_filters.min_amount.amount'] = parsed.message;
    }
  }

  const rates: CampaignContent['stage_rates'] = [];
  if (form.stage_rates.length === 0) errors.stage_rates = 'Add at least one stage and its rate';
  form.stage_rates.forEach((row, i) => {
    const stage = row.min_stage.trim();
    const rate = row.rate_percent.trim();
    if (!/^\d{1,7}$/.test(stage)) errors[`stage_rates[${i}].min_stage`] = 'A whole stage number, e.g. 30';
    if (!/^\d{1,3}(\.\d{1,4})?$/.test(rate)) errors[`stage_rates[${i}].rate_percent`] = 'A percentage such as 3.5 (up to 4 decimals)';
    rates.push({ min_stage: Number(stage), rate_percent: rate });
  });

  const perCustomerMonth = pointsOf(form.per_customer_month, 'caps.per_customer_month', errors);
  const budget = pointsOf(form.budget, 'caps.budget', errors);
  const timezone = form.timezone.trim() || 'Asia/Tokyo';
  const fundingParty = form.funding_party.trim();
  if (!fundingParty) errors.funding_party = 'Who pays for the points, e.g. card_issuer';
  const days = form.expire_after_days.trim().replaceAll(',', '');
  if (days && (!/^\d{1,5}$/.test(days) || Number(days) < 1 || Number(days) > 36_500)) errors.points_expire_after_days = 'Whole days, 1 to 36,500 (leave empty: the points never expire)';

  if (Object.keys(errors).length > 0) return { content: null, errors };
  return {
    content: {
      name,
      starts_at: startsAt!,
      ends_at: endsAt!,
      paused: form.paused,
      user_filters: { card_status: cardStatus },
      payment_filters: {
        marketplace: form.marketplace || null,
        merchants: masterIds.length > 0 ? { master_ids: masterIds, invert: form.invert } : null,
        payment_methods: methods.length > 0 ? methods : null,
        min_amount: minAmount,
      },
      stage_rates: rates,
      rounding: form.rounding,
      caps: { per_customer_month: perCustomerMonth, timezone, budget },
      funding_party: fundingParty,
      points_expire_after_days: days ? Number(days) : null,
    },
    errors,
  };
}

/** The error for an input, from the client's checks or the server's `field` (exact, or a part of it). */
export function errorFor(errors: FieldErrors, ...fields: string[]): string | undefined {
  for (const field of fields) {
    if (errors[field]) return errors[field];
    for (const [key, message] of Object.entries(errors)) {
      if (key.startsWith(`${field}.`) || key.startsWith(`${field}[`)) return message;
    }
  }
  return undefined;
}

/** Form values compared as the operator sees them (row keys aside), to tell unsaved edits. */
export function sameForm(a: CampaignForm, b: CampaignForm): boolean {
  const strip = (f: CampaignForm) => ({ ...f, stage_rates: f.stage_rates.map(({ min_stage, rate_percent }) => ({ min_stage, rate_percent })) });
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

/** Top-level fields whose content differs between two versions (for the history). */
export function changedFields(before: CampaignContent, after: CampaignContent): string[] {
  const keys: Array<keyof CampaignContent> = ['name', 'starts_at', 'ends_at', 'paused', 'user_filters', 'payment_filters', 'stage_rates', 'rounding', 'caps', 'funding_party'];
  return keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}
