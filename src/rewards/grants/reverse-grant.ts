import { sql } from 'kysely';
import { newId } from '../../db/index.ts';
import { appendEvent } from '../../events/index.ts';
import type { Trx } from '../context.ts';
import type { GrantRow } from '../tables.ts';
import { giveBack } from './counters.ts';
import { pointsToReverse } from './reversal.ts';

/**
 * Applies one refund to one grant (the grant row locked by the caller, or just inserted):
 * reverses the points `pointsToReverse` says, writes the `reversed` ledger row (once per grant
 * and refund: the ledger's unique key), gives the points back to the caps and notifies the
 * customer (`reward.reversed`). `refundedSoFar` is the payment's refunded total with this refund.
 * Mutates `grant.points_reversed`. Returns the points reversed.
 */
export async function reverseGrant(trx: Trx, grant: GrantRow, refundId: string, refundedSoFar: bigint): Promise<bigint> {
  // Points that have expired are gone already: a refund after expiry reverses only what is left.
  const due = pointsToReverse(grant.points, grant.amount, grant.points_reversed, refundedSoFar);
  const left = grant.points - grant.points_reversed - grant.points_expired;
  const points = due < left ? due : left;
  if (points <= 0n) return 0n;
  const inserted = await trx
    .insertInto('reward_ledger_entries')
    .values({
      id: newId('rle'),
      customer_id: grant.customer_id,
      campaign_id: grant.campaign_id,
      grant_id: grant.id,
      kind: 'reversed',
      points,
      funding_party: grant.funding_party,
      reference: refundId,
      occurred_at: sql<Date>`now()`,
    })
    .onConflict((oc) => oc.constraint('reward_ledger_entries_once').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return 0n;
  await trx
    .updateTable('reward_grants')
    .set({ points_reversed: sql<bigint>`points_reversed + ${points}`, updated_at: sql<Date>`now()` })
    .where('id', '=', grant.id)
    .execute();
  await giveBack(trx, grant, points);
  grant.points_reversed += points;
  await appendEvent(trx, {
    type: 'reward.reversed',
    aggregateId: grant.customer_id,
    data: {
      grant_id: grant.id,
      campaign_id: grant.campaign_id,
      payment_id: grant.payment_id,
      customer_id: grant.customer_id,
      refund_id: refundId,
      points,
      points_reversed: grant.points_reversed,
      points_remaining: grant.points - grant.points_reversed,
    },
  });
  return points;
}
