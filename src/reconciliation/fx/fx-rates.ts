import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { KessaiError } from '../../errors/index.ts';
import { actorLabel, appendEvent, writeAudit, type Actor } from '../../events/index.ts';
import { compareDecimal, decimal } from '../../money/index.ts';
import type { FxRateInput } from './parse-rates-csv.ts';
import type { FxRateRow, FxSource, FxTables } from './fx-tables.ts';
import type { Reruns } from './rerun-days.ts';

export interface FxContext {
  db: Kysely<FxTables>;
  /** Called after rates change, with the days and pairs whose effective rate changed: it re-runs the affected days. */
  onRatesChanged?: (changes: Array<{ date: string; base: string; quote: string }>, actor: Actor) => Promise<Reruns | void>;
}

const auditActor = (actor: Actor) => ({ actorType: actor.type, actorId: actor.id, actorName: actor.name, requestId: actor.requestId ?? null, ip: actor.ip ?? null });

async function effective(db: Kysely<FxTables>, keys: FxRateInput[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom('fx_rates_effective')
    .select([sql<string>`rate_date::text`.as('rate_date'), 'base', 'quote', 'rate'])
    .where(sql<boolean>`(rate_date::text, base, quote) IN (${sql.join(keys.map((k) => sql`(${k.date}, ${k.base}, ${k.quote})`))})`)
    .execute();
  return new Map(rows.map((r) => [`${r.rate_date} ${r.base}/${r.quote}`, r.rate]));
}

/**
 * Loads rates from a file or the HTTP source in one transaction (a rate already loaded for the
 * day and pair from that source is replaced). Returns the days and pairs whose effective rate
 * changed: a manual override keeps winning over a reload.
 */
export async function loadRates(ctx: FxContext, rates: FxRateInput[], source: Exclude<FxSource, 'manual'>, actor: Actor) {
  const changed = await ctx.db.transaction().execute(async (trx) => {
    const before = await effective(trx, rates);
    for (let i = 0; i < rates.length; i += 1000) {
      await trx
        .insertInto('fx_rates')
        .values(rates.slice(i, i + 1000).map((r) => ({ rate_date: r.date, base: r.base, quote: r.quote, rate: r.rate, source, loaded_by: actorLabel(actor) })))
        .onConflict((oc) => oc.columns(['rate_date', 'base', 'quote', 'source']).doUpdateSet((eb) => ({ rate: eb.ref('excluded.rate'), loaded_by: eb.ref('excluded.loaded_by'), loaded_at: sql`now()` })))
        .execute();
    }
    const after = await effective(trx, rates);
    return rates.filter((r) => {
      const k = `${r.date} ${r.base}/${r.quote}`;
      return before.get(k) === undefined || compareRates(before.get(k)!, after.get(k)!) !== 0;
    });
  });
  const changes = changed.map(({ date, base, quote }) => ({ date, base, quote }));
  const reruns = changes.length > 0 ? await ctx.onRatesChanged?.(changes, actor) : undefined;
  return { loaded: rates.length, changed: changes, reruns: reruns ?? NO_RERUNS };
}

const NO_RERUNS: Reruns = { workflow_id: null, days: [] };

const compareRates = (a: string, b: string) => compareDecimal(decimal(a), decimal(b));

/**
 * An operator's (admin's) rate for one day and pair, with the reason: it wins over loaded rates,
 * is written to the audit log with the rate it replaces, and the day is reconciled again.
 * `rate: null` takes the override back.
 */
export async function overrideRate(ctx: FxContext, key: { date: string; base: string; quote: string }, rate: string | null, note: string, actor: Actor) {
  if (rate !== null && !/^(?:0|[1-9]\d{0,11})(?:\.\d{1,12})?$/.test(rate)) throw new KessaiError('KS_ERR_VALIDATION', 'rate: a decimal such as 154.235', { field: 'rate' });
  if (rate !== null && /^0(\.0*)?$/.test(rate)) throw new KessaiError('KS_ERR_VALIDATION', 'rate: more than zero', { field: 'rate' });
  const result = await ctx.db.transaction().execute(async (trx) => {
    const before = (await effective(trx, [{ ...key, rate: '1' }])).get(`${key.date} ${key.base}/${key.quote}`) ?? null;
    if (rate === null) {
      const removed = await trx.deleteFrom('fx_rates').where('rate_date', '=', key.date).where('base', '=', key.base).where('quote', '=', key.quote).where('source', '=', 'manual').executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0) throw new KessaiError('KS_ERR_FX_RATE_NOT_FOUND', `No manual rate for ${key.base}/${key.quote} on ${key.date}`);
    } else {
      await trx
        .insertInto('fx_rates')
        .values({ rate_date: key.date, base: key.base, quote: key.quote, rate, source: 'manual', note, loaded_by: actorLabel(actor) })
        .onConflict((oc) => oc.columns(['rate_date', 'base', 'quote', 'source']).doUpdateSet({ rate, note, loaded_by: actorLabel(actor), loaded_at: sql`now()` }))
        .execute();
    }
    const after = (await effective(trx, [{ ...key, rate: '1' }])).get(`${key.date} ${key.base}/${key.quote}`) ?? null;
    const details = { date: key.date, pair: `${key.base}/${key.quote}`, previous_rate: before, rate: after, override: rate, note };
    await writeAudit(trx, { ...auditActor(actor), action: rate === null ? 'fx_rate.override_removed' : 'fx_rate.overridden', targetType: 'fx_rate', targetId: `${key.date}:${key.base}/${key.quote}`, details });
    await appendEvent(trx, { type: rate === null ? 'fx_rate.override_removed' : 'fx_rate.overridden', aggregateId: `fx:${key.date}:${key.base}/${key.quote}`, data: details, actor: actorLabel(actor) });
    return { before, after };
  });
  const changed = result.before === null || result.after === null || compareRates(result.before, result.after) !== 0;
  const reruns = changed ? await ctx.onRatesChanged?.([key], actor) : undefined;
  return { ...result, changed, reruns: reruns ?? NO_RERUNS };
}

export async function listRates(ctx: FxContext, filter: { from?: string; to?: string; base?: string; quote?: string; limit: number }): Promise<FxRateRow[]> {
  // date as text: PostgreSQL's date, not a JavaScript Date in the process's timezone.
  let q = ctx.db.selectFrom('fx_rates').select([sql<string>`rate_date::text`.as('rate_date'), 'base', 'quote', 'rate', 'source', 'note', 'loaded_by', 'loaded_at']);
  if (filter.from) q = q.where('rate_date', '>=', filter.from);
  if (filter.to) q = q.where('rate_date', '<=', filter.to);
  if (filter.base) q = q.where('base', '=', filter.base);
  if (filter.quote) q = q.where('quote', '=', filter.quote);
  return q.orderBy('rate_date', 'desc').orderBy('base').orderBy('quote').orderBy('source').limit(filter.limit).execute();
}

/** The rate in force for a day and pair (manual first), or null. */
export async function rateFor(ctx: FxContext, date: string, base: string, quote: string): Promise<{ rate: string; source: FxSource } | null> {
  const row = await ctx.db.selectFrom('fx_rates_effective').select(['rate', 'source']).where('rate_date', '=', date).where('base', '=', base).where('quote', '=', quote).executeTakeFirst();
  return row ?? null;
}
