import { inputFromBody, type CampaignBodyInput, type CampaignInput } from './campaign-body.ts';
import { estimatePoints, type Estimate, type EstimateInput } from './estimate-points.ts';
import type { CampaignRules } from './model.ts';
import { parseRate } from './points.ts';
import type { RewardsSnapshot } from './snapshot/snapshot.ts';

/** A campaign's content as the decision code takes it, without storing it (checked like a POST). */
export function rulesOfDraft(input: CampaignInput, campaignId: string, version: number): CampaignRules {
  return {
    ...input,
    campaignId,
    version,
    cardStatuses: input.cardStatuses === null ? null : new Set(input.cardStatuses),
    merchants: input.merchants === null ? null : { masterIds: new Set(input.merchants.masterIds), invert: input.merchants.invert },
    paymentMethods: input.paymentMethods === null ? null : new Set(input.paymentMethods),
    stageRates: input.stageRates.map((r) => ({ minStage: r.minStage, ratePercent: parseRate(r.ratePercent) })),
  };
}

/**
 * The estimate as it would be if a campaign were as edited — the editor's preview of unsaved
 * edits. The draft (`campaignId` of the campaign being edited, or null for one not saved yet) is
 * checked like a POST body and evaluated in place of the saved version, whether or not it would be
 * in force (its reasons say so: `campaign_paused`, `campaign_not_started`…); every other campaign
 * as saved. Nothing is stored or announced: the same pure evaluation as the estimate, from memory.
 */
export function estimateDraft(snapshot: RewardsSnapshot, input: EstimateInput, draft: { campaignId: string | null; version: number; body: CampaignBodyInput }): { estimate: Estimate; draft: CampaignRules } {
  const rules = rulesOfDraft(inputFromBody(draft.body), draft.campaignId ?? '', draft.version);
  return { estimate: estimatePoints(snapshot, input, rules), draft: rules };
}
