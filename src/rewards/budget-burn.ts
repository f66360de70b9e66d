import { sql } from 'kysely';
import { KessaiError } from '../errors/index.ts';
import { loadAllVersions } from './campaign-rules.ts';
import type { RewardsContext } from './context.ts';

/** Days one answer may cover. */
export const MAX_BURN_DAYS = 1000;

const DAY_MS = 86_400_000;
const ymd = /^\d{4}-\d{2}-\d{2}$/;

/** The calendar day (YYYY-MM-DD) of an instant in a timezone. */
function dayIn(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

function checkDay(value: string, field: string): string {
  if (!ymd.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new KessaiError('KS_ERR_VALIDATION', `${field} must be a date, YYYY-MM-DD`, { field });
  }
  return value;
}

/**
 * The budget burn of a campaign, per calendar day in the campaign's cap timezone (its
 * `caps.timezone`, default Asia/Tokyo — the days its monthly caps count in): points granted and
 * reversed that day, the net, the cumulative net since the campaign began (what the budget counter
 * holds at the end of that day: reversals give points back to the budget, expiry does not), and
 * the budget in force at the end of the day (the newest version written by then). From the ledger
 * (`granted` and `reversed` rows by `occurred_at`), so a past day never changes. `from` defaults
 * to the campaign's first day, `to` (inclusive) to today or its last day, whichever is earlier.
 */
export async function budgetBurn(ctx: RewardsContext, campaignId: string, range: { from?: string; to?: string }, now: Date = new Date()) {
  const versions = (await loadAllVersions(ctx.db, campaignId)).toReversed();
  if (versions.length === 0) throw new KessaiError('KS_ERR_REWARD_CAMPAIGN_NOT_FOUND', `No campaign ${campaignId}`, { campaign_id: campaignId });
  const current = versions[versions.length - 1]!.row;
  const tz = current.cap_timezone;
  const from = range.from ? checkDay(range.from, 'from') : dayIn(versions[0]!.row.starts_at, tz);
  const lastDay = dayIn(new Date(Math.min(now.getTime(), current.ends_at.getTime() - 1)), tz);
  const to = range.to ? checkDay(range.to, 'to') : lastDay < from ? from : lastDay;
  if (to < from) throw new KessaiError('KS_ERR_VALIDATION', 'to must not be before from', { field: 'to' });
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (days > MAX_BURN_DAYS) throw new KessaiError('KS_ERR_VALIDATION', `At most ${MAX_BURN_DAYS} days at once`, { field: 'to' });

  const start = sql`(${from}::date::timestamp AT TIME ZONE ${tz})`;
  const end = sql`((${to}::date + 1)::timestamp AT TIME ZONE ${tz})`;
  const { rows } = await sql<{ day: string | null; kind: 'granted' | 'reversed'; points: string }>`
    SELECT CASE WHEN occurred_at < ${start} THEN NULL ELSE to_char(occurred_at AT TIME ZONE ${tz}, 'YYYY-MM-DD') END AS day, kind, sum(points)::text AS points
    FROM reward_ledger_entries
    WHERE campaign_id = ${campaignId} AND kind IN ('granted', 'reversed') AND occurred_at < ${end}
    GROUP BY 1, 2`.execute(ctx.db);
  let cumulative = 0n;
  const perDay = new Map<string, { granted: bigint; reversed: bigint }>();
  for (const r of rows) {
    const signed = r.kind === 'granted' ? BigInt(r.points) : -BigInt(r.points);
    if (r.day === null) {
      cumulative += signed;
      continue;
    }
    const d = perDay.get(r.day) ?? { granted: 0n, reversed: 0n };
    d[r.kind] += BigInt(r.points);
    perDay.set(r.day, d);
  }
  const opening = cumulative;
  const series = Array.from({ length: days }, (_, i) => {
    const day = addDays(from, i);
    const { granted, reversed } = perDay.get(day) ?? { granted: 0n, reversed: 0n };
    cumulative += granted - reversed;
    // The budget at the end of the day: the newest version written before the next day began.
    const endOfDay = Date.parse(`${addDays(day, 1)}T00:00:00Z`) - tzOffsetMs(tz, new Date(Date.parse(`${addDays(day, 1)}T00:00:00Z`)));
    const inForce = versions.filter((v) => v.row.created_at.getTime() < endOfDay).at(-1) ?? versions[0]!;
    const budget = inForce.row.budget_points;
    return { date: day, granted: Number(granted), reversed: Number(reversed), net: Number(granted - reversed), cumulative: Number(cumulative), budget: budget === null ? null : Number(budget) };
  });
  return {
    object: 'reward_budget_burn' as const,
    campaign_id: campaignId,
    timezone: tz,
    from,
    to,
    budget: current.budget_points === null ? null : Number(current.budget_points),
    opening: Number(opening),
    days: series,
  };
}

/** How far ahead of UTC a timezone is at an instant (ms), from the runtime's zone data. */
function tzOffsetMs(timeZone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(at.getTime() / 1000) * 1000;
}
