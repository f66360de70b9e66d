import { bodyOfInput, inputFromStored, type CampaignBody } from './campaign-body.ts';
import type { StoredVersion } from './campaign-rules.ts';

export const CAMPAIGN_STATUSES = ['scheduled', 'active', 'paused', 'ended'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** Derived, never stored: ended after ends_at whatever else; paused by flag; else by the dates. */
export function campaignStatus(v: { starts_at: Date; ends_at: Date; paused: boolean }, now = new Date()): CampaignStatus {
  const t = now.getTime();
  if (t >= v.ends_at.getTime()) return 'ended';
  if (v.paused) return 'paused';
  return t < v.starts_at.getTime() ? 'scheduled' : 'active';
}

export type VersionView = CampaignBody & { version: number; created_at: string; created_by: string | null };

export function presentVersion(stored: StoredVersion): VersionView {
  return {
    version: stored.row.version,
    ...bodyOfInput(inputFromStored(stored)),
    created_at: stored.row.created_at.toISOString(),
    created_by: stored.row.created_by,
  };
}

export interface CampaignHead {
  id: string;
  created_at: Date;
  updated_at: Date;
}

/** A campaign as its current version, with its status and budget use; `history` adds every version. */
export function presentCampaign(head: CampaignHead, current: StoredVersion, budgetUsed: bigint, history?: StoredVersion[]) {
  const { version, created_at: versionCreatedAt, created_by: versionCreatedBy, ...content } = presentVersion(current);
  return {
    id: head.id,
    object: 'reward_campaign' as const,
    version,
    status: campaignStatus(current.row),
    ...content,
    budget_used: Number(budgetUsed),
    version_created_at: versionCreatedAt,
    version_created_by: versionCreatedBy,
    created_at: head.created_at.toISOString(),
    updated_at: head.updated_at.toISOString(),
    ...(history ? { versions: history.map(presentVersion) } : {}),
  };
}

export type CampaignView = ReturnType<typeof presentCampaign>;
