import { api, newIdempotencyKey, withQuery } from './client.ts';
import type { Campaign, CampaignContent, CampaignDetail, CampaignStatus, Estimate, EstimateCampaign, EstimateRequest, Page, RewardCustomer, RewardPoints } from './types.ts';

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

/** A row of a draft estimate: `draft` marks the campaign as edited (`campaign_id` null: not saved yet). */
export type DraftEstimateCampaign = Omit<EstimateCampaign, 'campaign_id'> & { campaign_id: string | null; draft: boolean };
export type DraftEstimate = Omit<Estimate, 'campaigns'> & { campaigns: DraftEstimateCampaign[] };

/**
 * The estimate with one campaign as edited in the form, not as saved (read-only: nothing is
 * stored). `campaign.id`/`version`: the campaign being edited; null/0 for one not saved yet.
 */
export function estimateDraft(body: EstimateRequest & { campaign: CampaignContent & { id: string | null; version: number } }, signal?: AbortSignal): Promise<DraftEstimate> {
  return api('/v1/rewards/estimate/draft', { method: 'POST', body, ...(signal ? { signal } : {}) });
}

export function getRewardCustomer(id: string, signal?: AbortSignal): Promise<RewardCustomer> {
  return api(`/v1/rewards/customers/${encodeURIComponent(id)}`, signal ? { signal } : {});
}

export function getCustomerPoints(id: string, startingAfter: string | undefined, signal?: AbortSignal): Promise<RewardPoints> {
  return api(withQuery(`/v1/rewards/customers/${encodeURIComponent(id)}/points`, { limit: LEDGER_PAGE_SIZE, starting_after: startingAfter }), signal ? { signal } : {});
}

/** One calendar day of a campaign's budget burn (in the campaign's cap timezone). */
export interface BudgetBurnDay {
  date: string;
  granted: number;
  reversed: number;
  net: number;
  /** Net granted since the campaign began, at the end of the day: what the budget counter held. */
  cumulative: number;
  /** The budget in force at the end of the day (null: none). */
  budget: number | null;
}

export interface BudgetBurn {
  object: 'reward_budget_burn';
  campaign_id: string;
  timezone: string;
  from: string;
  to: string;
  budget: number | null;
  opening: number;
  days: BudgetBurnDay[];
}

/** Points granted and reversed per day, from the campaign's first day to today (read-only). */
export function getBudgetBurn(id: string, signal?: AbortSignal): Promise<BudgetBurn> {
  return api(`/v1/rewards/campaigns/${encodeURIComponent(id)}/burn`, signal ? { signal } : {});
}
