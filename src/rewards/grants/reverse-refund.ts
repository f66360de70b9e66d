import { KessaiError } from '../../errors/index.ts';
import type { RewardsContext } from '../context.ts';
import type { RefundedEvent } from './inbound.ts';
import { lockCountersOf } from './counters.ts';
import { lockPayment } from './lookups.ts';
import { reverseGrant } from './reverse-grant.ts';

export interface RefundResult {
  /**
   * `reversed`: applied to the payment's grants (possibly 0 points: no grant, or rounding);
   * `held`: the settlement has not arrived yet, the refund is applied when it does;
   * `duplicate`: this refund was already received.
   */
  outcome: 'reversed' | 'held' | 'duplicate';
  pointsReversed: bigint;
}

/**
 * A refund, once per (payment, refund id): recorded under the payment's lock — the lock the
 * grant takes too — and applied to each of the payment's grants in proportion (`reverseGrant`).
 * Before the settlement it is only recorded: the grant applies it, so arrival order does not
 * matter.
 */
export async function reverseRefund(ctx: RewardsContext, event: RefundedEvent): Promise<RefundResult> {
  return ctx.db.transaction().execute(async (trx) => {
    await lockPayment(trx, event.paymentId);
    const settlement = await trx.selectFrom('reward_settlements').select(['currency']).where('payment_id', '=', event.paymentId).executeTakeFirst();
    if (settlement && settlement.currency !== event.currency) {
      throw new KessaiError('KS_ERR_CURRENCY_MISMATCH', `The payment was settled in ${settlement.currency}, the refund is in ${event.currency}`, { field: 'data.currency' });
    }
    const recorded = await trx
      .insertInto('reward_refunds')
      .values({
        payment_id: event.paymentId,
        refund_id: event.refundId,
        amount: event.amount,
        currency: event.currency,
        refunded_at: event.refundedAt,
        source: event.source,
        event_id: event.eventId,
      })
      .onConflict((oc) => oc.columns(['payment_id', 'refund_id']).doNothing())
      .returning('refund_id')
      .executeTakeFirst();
    if (!recorded) return { outcome: 'duplicate' as const, pointsReversed: 0n };
    if (!settlement) return { outcome: 'held' as const, pointsReversed: 0n };
    const refunds = await trx.selectFrom('reward_refunds').select(['amount']).where('payment_id', '=', event.paymentId).where('currency', '=', event.currency).execute();
    const refundedSoFar = refunds.reduce((sum, r) => sum + r.amount, 0n);
    const grants = await trx.selectFrom('reward_grants').selectAll().where('payment_id', '=', event.paymentId).orderBy('campaign_id').forUpdate().execute();
    await lockCountersOf(trx, grants);
    let pointsReversed = 0n;
    for (const grant of grants) pointsReversed += await reverseGrant(trx, grant, event.refundId, refundedSoFar);
    return { outcome: 'reversed' as const, pointsReversed };
  });
}
