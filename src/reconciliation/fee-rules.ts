import type { PoolClient } from '../db/index.ts';

/**
 * The seam for the fee-rule engine (percentage, fixed, tiered, by brand, region and currency, with
 * effective dates: a later task). The matcher calls it in its transaction, before comparing, for
 * the lines it is about to match; an engine fills the fee items the channel did not state (the
 * `fee_*` columns that are null) from its rules, so that they are compared like stated ones.
 */
export interface FeeRuleEngine {
  /** Returns how many lines it completed. */
  fillMissingFees(client: PoolClient, scope: { channel: string; fromPostDate: string; toPostDate: string }): Promise<number>;
}

/** Today's engine: no rules, so the channel's stated fees are the fees, and unstated items stay unknown. */
export const statedFeesOnly: FeeRuleEngine = {
  async fillMissingFees() {
    return 0;
  },
};
