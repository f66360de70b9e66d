import type { RewardsContext } from '../context.ts';
import type { RewardInboundEvent } from './inbound.ts';
import { reverseRefund } from './reverse-refund.ts';
import { queueSettlement } from './settlement-queue.ts';

export interface IngestResult {
  type: RewardInboundEvent['type'];
  outcome: 'processed' | 'duplicate' | 'reversed' | 'held';
  /** Points granted (settlement) or reversed (refund) by this delivery. */
  points: bigint;
  grants: number;
}

/**
 * One event from any source, whatever its order and however often it comes. Settlements go
 * through the process's queue, which batches them under load (`settlement-queue.ts`).
 */
export async function ingestEvent(ctx: RewardsContext, event: RewardInboundEvent): Promise<IngestResult> {
  if (event.type === 'payment.settled') {
    const r = await queueSettlement(ctx, event);
    const points = r.outcome === 'duplicate' ? 0n : r.grants.reduce((s, g) => s + g.points, 0n);
    return { type: event.type, outcome: r.outcome, points, grants: r.grants.length };
  }
  const r = await reverseRefund(ctx, event);
  return { type: event.type, outcome: r.outcome, points: r.pointsReversed, grants: 0 };
}
