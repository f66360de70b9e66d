import { sql } from 'kysely';
import { newId } from '../db/index.ts';
import { appendEvent } from '../events/index.ts';
import { exponentOf } from '../money/index.ts';
import { actorLabel, LIMITS, type Actor, type CheckoutContext } from './context.ts';
import { checkBands, type ShippingBand } from './shipping-fee.ts';
import { presentShippingRule, type ShippingRuleView } from './shipping-rules.ts';

export interface CreateShippingRuleInput {
  region: string;
  currency: string;
  bands: ShippingBand[];
  freeShippingThreshold: bigint | null;
  description?: string;
}

/**
 * Puts a rule in force for its region and currency. A rule already in force for the same pair
 * is superseded in the same transaction (it stays, marked, so past fees can be explained):
 * there is never a moment with two rules or none.
 */
export async function createShippingRule(ctx: CheckoutContext, input: CreateShippingRuleInput, actor: Actor): Promise<ShippingRuleView> {
  exponentOf(input.currency);
  checkBands(input.bands, LIMITS.maxBands);
  return ctx.db.transaction().execute(async (trx) => {
    // Rules for the same pair created at once take turns, each superseding the one before.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`shipping_rule:${input.region}:${input.currency}`}))`.execute(trx);
    const id = newId('shr');
    const now = new Date();
    const superseded = await trx
      .updateTable('shipping_rules')
      .set({ superseded_at: now, superseded_by: id })
      .where('region', '=', input.region)
      .where('currency', '=', input.currency)
      .where('superseded_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    const row = await trx
      .insertInto('shipping_rules')
      .values({
        id,
        region: input.region,
        currency: input.currency,
        free_shipping_threshold: input.freeShippingThreshold,
        description: input.description ?? '',
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('shipping_rule_bands')
      .values(input.bands.map((b, position) => ({ rule_id: id, position, up_to_grams: b.upToGrams, fee: b.fee })))
      .execute();
    await appendEvent(trx, {
      type: 'shipping_rule.created',
      aggregateId: id,
      data: { region: input.region, currency: input.currency, supersedes: superseded?.id ?? null },
      actor: actorLabel(actor),
    });
    return presentShippingRule({ row, bands: input.bands });
  });
}
