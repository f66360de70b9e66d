import { groupCommitPer } from '../../db/index.ts';
import type { RewardsContext } from '../context.ts';
import { grantSettlements, type SettlementResult } from './grant-settlement.ts';
import type { SettledEvent } from './inbound.ts';

/**
 * Settlements are granted by group commit (`groupCommit`): up to 64 events per transaction, 2
 * transactions at once per process. Under load the commit, the lookups and each counter's lock
 * are paid once per batch instead of once per event — the budget row, which every grant of a
 * campaign must lock until its commit, is what limits a campaign's grants per second.
 */
const queued = groupCommitPer((ctx: RewardsContext) => ({ batch: 64, inFlight: 2, run: (events: SettledEvent[]) => grantSettlements(ctx, events) }));

/** Grants a settlement through this process's queue. */
export function queueSettlement(ctx: RewardsContext, event: SettledEvent): Promise<SettlementResult> {
  return queued(ctx, event);
}
