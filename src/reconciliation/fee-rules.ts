import type { PoolClient } from '../db/index.ts';

/** The post dates whose lines (channel side) and transactions (our side) the matcher is about to match. */
export interface FeeFillScope {
  channel: string;
  lines: { from: string; to: string };
  ours: { from: string; to: string };
}

/**
 * The seam for the fee-rule engine. The matcher calls it in its transaction, after it has listed
 * the members already settled (the temporary table `recon_final (side, member)`, side 'l' for a
 * channel line, 'o' for ours) and before comparing: an engine fills the fee items nobody stated
 * (the `fee_*` columns that are null) on the members still to match, so that they are compared
 * like stated ones, and marks them as computed (`fees_computed`, `fee_rule_id`).
 */
export interface FeeRuleEngine {
  /** Returns how many lines and transactions it changed. */
  fillMissingFees(client: PoolClient, scope: FeeFillScope): Promise<number>;
}

/** No rules: the channel's stated fees are the fees, and unstated items stay unknown. */
export const statedFeesOnly: FeeRuleEngine = {
  async fillMissingFees() {
    return 0;
  },
};
