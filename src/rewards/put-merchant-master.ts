import { sql } from 'kysely';
import { KessaiError } from '../errors/index.ts';
import { appendEvent } from '../events/index.ts';
import { actorLabel, isExclusionViolation, type Actor, type RewardsContext } from './context.ts';
import { loadMerchantIds, presentMerchantMaster, type MerchantMasterView } from './get-merchant-master.ts';
import type { Marketplace } from './model.ts';
import { notifyChange } from './snapshot/changes.ts';

export interface MerchantIdInput {
  paymentMethod: string;
  merchantId: string;
  effectiveFrom: Date;
  /** Exclusive; null: until further notice. */
  effectiveTo: Date | null;
}

export interface MerchantMasterInput {
  name: string;
  marketplace: Marketplace;
  merchantIds: MerchantIdInput[];
}

const overlaps = (a: MerchantIdInput, b: MerchantIdInput) =>
  a.effectiveFrom.getTime() < (b.effectiveTo?.getTime() ?? Infinity) && b.effectiveFrom.getTime() < (a.effectiveTo?.getTime() ?? Infinity);

const sameContent = (a: ReturnType<typeof presentMerchantMaster>, b: ReturnType<typeof presentMerchantMaster>) =>
  a.name === b.name && a.marketplace === b.marketplace && JSON.stringify(a.merchant_ids) === JSON.stringify(b.merchant_ids);

/**
 * Puts a merchant master as a whole: its name, whether it is our marketplace, and every
 * (payment method, merchant id) that maps to it with the period it does so. A merchant id maps to
 * one master at any moment: an overlap with another master is refused (409), checked here to name
 * the entry and enforced by the database's exclusion constraint against races. Moving a merchant
 * id from one master to another is two PUTs: end it on the old master, then start it on the new.
 */
export async function putMerchantMaster(ctx: RewardsContext, id: string, input: MerchantMasterInput, actor: Actor): Promise<MerchantMasterView> {
  input.merchantIds.forEach((m, i) => {
    if (m.effectiveTo !== null && m.effectiveTo.getTime() <= m.effectiveFrom.getTime()) {
      throw new KessaiError('KS_ERR_VALIDATION', 'effective_to must be after effective_from', { field: `merchant_ids[${i}].effective_to` });
    }
    const twin = input.merchantIds.findIndex((o, j) => j < i && o.paymentMethod === m.paymentMethod && o.merchantId === m.merchantId && overlaps(o, m));
    if (twin >= 0) throw new KessaiError('KS_ERR_VALIDATION', `merchant_ids[${twin}] and merchant_ids[${i}] overlap in time`, { field: `merchant_ids[${i}]` });
  });

  const label = actorLabel(actor);
  try {
    const result = await ctx.db.transaction().execute(async (trx) => {
      const held = await trx.selectFrom('reward_merchant_masters').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (held) {
        const proposed = presentMerchantMaster(
          { ...held, name: input.name, marketplace: input.marketplace },
          input.merchantIds.map((m) => ({ master_id: id, payment_method: m.paymentMethod, merchant_id: m.merchantId, effective_from: m.effectiveFrom, effective_to: m.effectiveTo })),
        );
        const current = presentMerchantMaster(held, await loadMerchantIds(trx, id));
        if (sameContent(current, proposed)) return { view: current, changed: false };
      }

      if (input.merchantIds.length > 0) {
        const clash = await sql<{ ord: string; master_id: string }>`
          SELECT i.ord, m.master_id
          FROM unnest(${input.merchantIds.map((m) => m.paymentMethod)}::text[], ${input.merchantIds.map((m) => m.merchantId)}::text[],
                      ${input.merchantIds.map((m) => m.effectiveFrom)}::timestamptz[], ${input.merchantIds.map((m) => m.effectiveTo)}::timestamptz[])
                 WITH ORDINALITY AS i(payment_method, merchant_id, effective_from, effective_to, ord)
          JOIN reward_merchant_ids m ON m.payment_method = i.payment_method AND m.merchant_id = i.merchant_id AND m.master_id <> ${id}
           AND tstzrange(m.effective_from, m.effective_to, '[)') && tstzrange(i.effective_from, i.effective_to, '[)')
          ORDER BY i.ord LIMIT 1`.execute(trx);
        const hit = clash.rows[0];
        if (hit) throw conflict(`merchant_ids[${Number(hit.ord) - 1}]`, hit.master_id);
      }

      const master = await trx
        .insertInto('reward_merchant_masters')
        .values({ id, name: input.name, marketplace: input.marketplace })
        .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ name: input.name, marketplace: input.marketplace, version: eb('reward_merchant_masters.version', '+', 1), updated_at: new Date() })))
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx.deleteFrom('reward_merchant_ids').where('master_id', '=', id).execute();
      const ids =
        input.merchantIds.length === 0
          ? []
          : await trx
              .insertInto('reward_merchant_ids')
              .values(input.merchantIds.map((m) => ({ master_id: id, payment_method: m.paymentMethod, merchant_id: m.merchantId, effective_from: m.effectiveFrom, effective_to: m.effectiveTo })))
              .returningAll()
              .execute();
      await appendEvent(trx, {
        type: 'reward_merchant_master.updated',
        aggregateId: `reward_merchant_master:${id}`,
        data: { master_id: id, marketplace: input.marketplace, merchant_ids: ids.length, version: master.version },
        actor: label,
      });
      await notifyChange(trx, { kind: 'merchant', id });
      return { view: presentMerchantMaster(master, ids), changed: true };
    });
    if (result.changed) await ctx.changed({ kind: 'merchant', id });
    return result.view;
  } catch (err) {
    // Lost a race with another master's PUT for the same merchant id.
    if (isExclusionViolation(err, 'reward_merchant_ids_no_overlap')) throw conflict('merchant_ids', null);
    throw err;
  }
}

function conflict(field: string, otherMaster: string | null): KessaiError {
  return new KessaiError(
    'KS_ERR_REWARD_MERCHANT_ID_CONFLICT',
    `${field} is mapped to ${otherMaster ? `merchant master ${otherMaster}` : 'another merchant master'} for an overlapping period; end it there first`,
    { field, ...(otherMaster ? { master_id: otherMaster } : {}) },
  );
}
