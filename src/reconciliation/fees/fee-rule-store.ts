import { sql, type Kysely } from 'kysely';
import { newId, type SharedTables } from '../../db/index.ts';
import { KessaiError } from '../../errors/index.ts';
import { actorLabel, writeAudit, type Actor } from '../../events/index.ts';
import { parseChannel } from '../channels.ts';
import { feeRuleFromJson, feeRuleFromStored, feeRuleJsonParts } from './fee-rule-json.ts';
import type { FeeRule } from './fee-rules.ts';

export interface FeeRulesTable {
  id: string;
  channel: string;
  effective_from: string;
  effective_to: string | null;
  match: string | Record<string, string>;
  items: string | Record<string, unknown>;
  rounding: string;
  note: string | null;
  replaces: string | null;
  replaced_by: string | null;
  created_by: string;
  created_at: Date;
  retired_by: string | null;
  retired_at: Date | null;
}

export interface FeeRuleTables extends SharedTables {
  recon_fee_rules: FeeRulesTable;
}

export interface FeeRuleView {
  id: string;
  object: 'fee_rule';
  channel: string;
  effective_from: string;
  effective_to: string | null;
  match: Record<string, string>;
  items: Record<string, unknown>;
  rounding: string;
  note: string | null;
  replaces: string | null;
  replaced_by: string | null;
  created_by: string;
  created_at: string;
  retired_by: string | null;
  retired_at: string | null;
}

const COLUMNS = [
  'id',
  'channel',
  sql<string>`effective_from::text`.as('effective_from'),
  sql<string | null>`effective_to::text`.as('effective_to'),
  'match',
  'items',
  'rounding',
  'note',
  'replaces',
  'replaced_by',
  'created_by',
  'created_at',
  'retired_by',
  'retired_at',
] as const;

type Row = Pick<FeeRulesTable, 'id' | 'channel' | 'effective_from' | 'effective_to' | 'match' | 'items' | 'rounding' | 'note' | 'replaces' | 'replaced_by' | 'created_by' | 'created_at' | 'retired_by' | 'retired_at'>;

const view = (r: Row): FeeRuleView => ({
  id: r.id,
  object: 'fee_rule',
  channel: r.channel,
  effective_from: r.effective_from,
  effective_to: r.effective_to,
  match: r.match as Record<string, string>,
  items: r.items as Record<string, unknown>,
  rounding: r.rounding,
  note: r.note,
  replaces: r.replaces,
  replaced_by: r.replaced_by,
  created_by: r.created_by,
  created_at: r.created_at.toISOString(),
  retired_by: r.retired_by,
  retired_at: r.retired_at?.toISOString() ?? null,
});

const auditActor = (actor: Actor) => ({ actorType: actor.type, actorId: actor.id, actorName: actor.name, requestId: actor.requestId ?? null, ip: actor.ip ?? null });

function checked(id: string, body: unknown): FeeRule {
  const rule = feeRuleFromJson(id, body);
  try {
    parseChannel(rule.channel);
  } catch {
    throw new KessaiError('KS_ERR_FEE_RULE_INVALID', 'channel: wechat, alipay, stripe, adyen, paypal or generic:NAME', { field: 'channel' });
  }
  return rule;
}

async function insert(db: Kysely<FeeRuleTables>, rule: FeeRule, note: string | null, replaces: string | null, actor: Actor): Promise<void> {
  const { match, items } = feeRuleJsonParts(rule);
  await db
    .insertInto('recon_fee_rules')
    .values({
      id: rule.id,
      channel: rule.channel,
      effective_from: rule.effectiveFrom,
      effective_to: rule.effectiveTo,
      match: JSON.stringify(match),
      items: JSON.stringify(items),
      rounding: rule.rounding,
      note,
      replaces,
      replaced_by: null,
      created_by: actorLabel(actor),
      created_at: new Date(),
      retired_by: null,
      retired_at: null,
    })
    .execute();
}

const noteOf = (body: unknown) => {
  const note = (body as { note?: unknown } | null)?.note;
  if (note !== undefined && note !== null && typeof note !== 'string') throw new KessaiError('KS_ERR_FEE_RULE_INVALID', 'note: a string', { field: 'note' });
  return (note as string | null | undefined) ?? null;
};

async function getRow(db: Kysely<FeeRuleTables>, id: string, lock = false): Promise<Row> {
  let q = db.selectFrom('recon_fee_rules').select(COLUMNS).where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw new KessaiError('KS_ERR_FEE_RULE_NOT_FOUND', `No fee rule ${id}`, { id });
  return row as Row;
}

/** Stores a new rule (checked first; errors name the field); audited. */
export async function createFeeRule(db: Kysely<FeeRuleTables>, body: unknown, actor: Actor): Promise<FeeRuleView> {
  const rule = checked(newId('rfee'), body);
  return db.transaction().execute(async (trx) => {
    await insert(trx, rule, noteOf(body), null, actor);
    const created = await getRow(trx, rule.id);
    await writeAudit(trx, { ...auditActor(actor), action: 'fee_rule.created', targetType: 'fee_rule', targetId: rule.id, details: { rule: view(created) } });
    return view(created);
  });
}

/**
 * Replaces a rule from a date on: the new rule (same channel) starts at its `effective_from`, which
 * must be after the old one's start; the old one ends there and points at its successor. Nothing
 * is edited in place, so fees computed before stay explained by the rule that gave them. A rule is
 * replaced once (the row lock, and a unique index for the rest).
 */
export async function replaceFeeRule(db: Kysely<FeeRuleTables>, id: string, body: unknown, actor: Actor): Promise<FeeRuleView> {
  const rule = checked(newId('rfee'), body);
  return db.transaction().execute(async (trx) => {
    const old = await getRow(trx, id, true);
    if (old.replaced_by) throw new KessaiError('KS_ERR_FEE_RULE_NOT_CURRENT', `Fee rule ${id} was replaced by ${old.replaced_by} already; replace that one`, { replaced_by: old.replaced_by });
    if (rule.channel !== old.channel) throw new KessaiError('KS_ERR_FEE_RULE_INVALID', `channel: a replacement keeps the channel (${old.channel})`, { field: 'channel' });
    if (!(rule.effectiveFrom > old.effective_from)) {
      throw new KessaiError('KS_ERR_FEE_RULE_INVALID', `effective_from: after the replaced rule's start (${old.effective_from})`, { field: 'effective_from' });
    }
    await insert(trx, rule, noteOf(body), id, actor);
    const ends = old.effective_to === null || old.effective_to > rule.effectiveFrom ? rule.effectiveFrom : old.effective_to;
    await trx.updateTable('recon_fee_rules').set({ effective_to: ends, replaced_by: rule.id }).where('id', '=', id).execute();
    const created = await getRow(trx, rule.id);
    await writeAudit(trx, {
      ...auditActor(actor),
      action: 'fee_rule.replaced',
      targetType: 'fee_rule',
      targetId: id,
      details: { replaced_by: rule.id, previous_effective_to: old.effective_to, effective_to: ends, rule: view(created) },
    });
    return view(created);
  });
}

/** Retires a rule from a date (its `effective_to`, not before its start); audited. */
export async function retireFeeRule(db: Kysely<FeeRuleTables>, id: string, effectiveTo: string, actor: Actor): Promise<FeeRuleView> {
  return db.transaction().execute(async (trx) => {
    const old = await getRow(trx, id, true);
    if (!(effectiveTo > old.effective_from)) throw new KessaiError('KS_ERR_FEE_RULE_INVALID', `effective_to: after the rule's start (${old.effective_from})`, { field: 'effective_to' });
    if (old.effective_to !== null && effectiveTo > old.effective_to) {
      throw new KessaiError('KS_ERR_FEE_RULE_INVALID', `effective_to: the rule ends on ${old.effective_to} already; a retirement only brings the end forward`, { field: 'effective_to' });
    }
    await trx.updateTable('recon_fee_rules').set({ effective_to: effectiveTo, retired_by: actorLabel(actor), retired_at: new Date() }).where('id', '=', id).execute();
    await writeAudit(trx, { ...auditActor(actor), action: 'fee_rule.retired', targetType: 'fee_rule', targetId: id, details: { previous_effective_to: old.effective_to, effective_to: effectiveTo } });
    return view(await getRow(trx, id));
  });
}

export async function listFeeRules(db: Kysely<FeeRuleTables>, filter: { channel?: string; on?: string }): Promise<FeeRuleView[]> {
  let q = db.selectFrom('recon_fee_rules').select(COLUMNS);
  if (filter.channel) q = q.where('channel', '=', filter.channel);
  if (filter.on) q = q.where('effective_from', '<=', filter.on).where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>', filter.on!)]));
  const rows = await q.orderBy('channel').orderBy('effective_from').orderBy('id').limit(1000).execute();
  return (rows as Row[]).map(view);
}

/** Every rule of a channel that is in force on some day of [from, to], in the engine's shape. */
export async function rulesInForce(db: Kysely<FeeRuleTables>, channel: string, from: string, to: string): Promise<FeeRule[]> {
  const rows = await db
    .selectFrom('recon_fee_rules')
    .select(COLUMNS)
    .where('channel', '=', channel)
    .where('effective_from', '<=', to)
    .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>', from)]))
    .execute();
  return (rows as Row[]).map(feeRuleFromStored);
}

/** Whether the channel ever had a rule (when not, lines never had fees computed: nothing to do). */
export async function channelHasRules(db: Kysely<FeeRuleTables>, channel: string): Promise<boolean> {
  const row = await db.selectFrom('recon_fee_rules').select('id').where('channel', '=', channel).limit(1).executeTakeFirst();
  return row !== undefined;
}
