import { appendEvents, type NewEvent } from '../events/index.ts';
import { actorLabel, type Actor, type RewardsContext, type Trx } from './context.ts';
import { decideCustomerUpdate, type CustomerField, type CustomerUpdate } from './customer-update.ts';
import { customerTuple, notifyChange } from './snapshot/changes.ts';
import type { CustomerRow } from './tables.ts';

export interface CustomerUpdateResult {
  row: CustomerRow;
  applied: CustomerField[];
  ignored: CustomerField[];
}

/**
 * Applies one update to a customer's local copy (creating it on first sight) under its row lock;
 * the version goes up only when something was applied, and only then are the snapshots told.
 */
export async function applyCustomerUpdate(trx: Trx, customerId: string, update: CustomerUpdate): Promise<CustomerUpdateResult> {
  const lock = () => trx.selectFrom('reward_customers').selectAll().where('id', '=', customerId).forUpdate().executeTakeFirst();
  let current = await lock();
  if (!current) {
    const first = decideCustomerUpdate(null, update);
    const inserted = await trx
      .insertInto('reward_customers')
      .values({ id: customerId, card_status: first.next.cardStatus, card_status_as_of: first.next.cardStatusAsOf, stage: first.next.stage, stage_as_of: first.next.stageAsOf, version: 1n })
      .onConflict((oc) => oc.column('id').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { row: inserted, applied: first.applied, ignored: first.ignored };
    // Another first update for this customer committed meanwhile: decide against it instead.
    current = (await lock())!;
  }
  const held = { cardStatus: current.card_status, cardStatusAsOf: current.card_status_as_of, stage: current.stage, stageAsOf: current.stage_as_of };
  const { next, applied, ignored } = decideCustomerUpdate(held, update);
  if (applied.length === 0) return { row: current, applied, ignored };
  const row = await trx
    .updateTable('reward_customers')
    .set({
      card_status: next.cardStatus,
      card_status_as_of: next.cardStatusAsOf,
      stage: next.stage,
      stage_as_of: next.stageAsOf,
      version: current.version + 1n,
      updated_at: new Date(),
    })
    .where('id', '=', customerId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { row, applied, ignored };
}

export function toRewardCustomer(row: CustomerRow) {
  return { id: row.id, cardStatus: row.card_status, stage: row.stage, version: row.version };
}

/** `PUT /v1/rewards/customers/:id`: one update, its event, and the notification, in one transaction. */
export async function updateCustomer(ctx: RewardsContext, customerId: string, update: CustomerUpdate, actor: Actor): Promise<CustomerUpdateResult> {
  const result = await ctx.db.transaction().execute(async (trx) => {
    const r = await applyCustomerUpdate(trx, customerId, update);
    if (r.applied.length > 0) {
      const event: NewEvent = {
        type: 'reward_customer.updated',
        aggregateId: `reward_customer:${customerId}`,
        data: { customer_id: customerId, applied: r.applied, card_status: r.row.card_status, stage: r.row.stage, as_of: update.asOf, version: r.row.version },
        actor: actorLabel(actor),
      };
      await appendEvents(trx, [event]);
      await notifyChange(trx, { kind: 'customers', rows: [customerTuple(toRewardCustomer(r.row))] });
    }
    return r;
  });
  if (result.applied.length > 0) await ctx.changed({ kind: 'customers', rows: [customerTuple(toRewardCustomer(result.row))] });
  return result;
}
