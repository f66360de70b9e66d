import { api, newIdempotencyKey, withQuery } from './client.ts';
import type { Campaign, CampaignContent, CampaignDetail, CampaignStatus, Estimate, EstimateRequest, Page, RewardCustomer, RewardPoints } from './types.ts';

export const CAMPAIGN_PAGE_SIZE = 20;
export const LEDGER_PAGE_SIZE = 50;

export interface CampaignFilters {
  status?: CampaignStatus | '';
  starting_after?: string;
}

/** Current versions, newest first. */
export function listCampaigns(filters: CampaignFilters, signal?: AbortSignal): Promise<Page<Campaign>> {
  return api(withQuery('/v1/rewards/campaigns', { ...filters, limit: CAMPAIGN_PAGE_SIZE }), signal ? { signal } : {});
}

export function getCampaign(id: string, signal?: AbortSignal): Promise<CampaignDetail> {
  return api(`/v1/rewards/campaigns/${encodeURIComponent(id)}`, signal ? { signal } : {});
}

/** A campaign at version 1. */
export function createCampaign(body: CampaignContent, idempotencyKey: string = newIdempotencyKey()): Promise<Campaign> {
  return api('/v1/rewards/campaigns', { method: 'POST', body, idempotencyKey });
}

/**
 * Writes the campaign's next version from `expectedVersion`, the version the editor started from:
 * if someone saved another version meanwhile, 409 KS_ERR_REWARD_CAMPAIGN_VERSION_CONFLICT and
 * nothing is written. Objects in `patch` are merged, arrays replace, null clears a condition.
 */
export function updateCampaign(id: string, expectedVersion: number, patch: Partial<CampaignContent>, idempotencyKey: string = newIdempotencyKey()): Promise<Campaign> {
  return api(`/v1/rewards/campaigns/${encodeURIComponent(id)}`, { method: 'PATCH', body: { expected_version: expectedVersion, ...patch }, idempotencyKey });
}

/** Read-only (no Idempotency-Key): answered from the server's snapshot of the saved campaigns. */
export function estimatePoints(body: EstimateRequest, signal?: AbortSignal): Promise<Estimate> {
  return api('/v1/rewards/estimate', { method: 'POST', body, ...(signal ? { signal } : {}) });
}

export function getRewardCustomer(id: string, signal?: AbortSignal): Promise<RewardCustomer> {
  return api(`/v1/rewards/customers/${encodeURIComponent(id)}`, signal ? { signal } : {});
}

export function getCustomerPoints(id: string, startingAfter: string | undefined, signal?: AbortSignal): Promise<RewardPoints> {
  return api(withQuery(`/v1/rewards/customers/${encodeURIComponent(id)}/points`, { limit: LEDGER_PAGE_SIZE, starting_after: startingAfter }), signal ? { signal } : {});
}
