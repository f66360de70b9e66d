import { divideRounded } from '../../money/index.ts';

/**
 * How many points a refund takes back from a grant. Proportional to the refunded share of the
 * settled amount, computed on the **running total** of refunds and rounded down (floor):
 *
 *   reversed after this refund = floor(points × min(refunded so far, amount) / amount)
 *
 * and the refund reverses that minus what earlier refunds already reversed. So several partial
 * refunds never reverse more than a single refund of their sum would, the total never exceeds the
 * grant, and a full refund (however split) reverses exactly all of it. A grant of a settled
 * amount of 0 has no points to reverse.
 */
export function pointsToReverse(points: bigint, settledAmount: bigint, alreadyReversed: bigint, refundedSoFar: bigint): bigint {
  if (points < 0n || settledAmount < 0n || alreadyReversed < 0n || refundedSoFar < 0n) throw new RangeError('must not be negative');
  if (points === 0n || settledAmount === 0n) return 0n;
  const share = refundedSoFar < settledAmount ? refundedSoFar : settledAmount;
  const target = divideRounded(points * share, settledAmount, 'floor');
  return target > alreadyReversed ? target - alreadyReversed : 0n;
}
