import { sql } from 'kysely';
import { loadVersions } from './campaign-rules.ts';
import { presentCampaign, type CampaignStatus } from './campaign-view.ts';
import type { RewardsContext } from './context.ts';

export interface CampaignListFilter {
  limit: number;
  /** The previous page's next_cursor: the last campaign id (ids are time-ordered). */
  startingAfter?: string;
  status?: CampaignStatus;
}

/** Newest first, as their current versions (without history). */
export async function listCampaigns(ctx: RewardsContext, f: CampaignListFilter) {
  let q = ctx.db
    .selectFrom('reward_campaigns as c')
    .innerJoin('reward_campaign_versions as v', (j) => j.onRef('v.campaign_id', '=', 'c.id').onRef('v.version', '=', 'c.current_version'))
    .innerJoin('reward_campaign_budgets as b', 'b.campaign_id', 'c.id')
    .select(['c.id', 'c.current_version', 'c.created_at', 'c.updated_at', 'b.used_points'])
    .orderBy('c.id', 'desc')
    .limit(f.limit + 1);
  if (f.startingAfter) q = q.where('c.id', '<', f.startingAfter);
  // The same rule as campaignStatus(), in SQL.
  const now = sql<Date>`now()`;
  if (f.status === 'ended') q = q.where('v.ends_at', '<=', now);
  if (f.status === 'paused') q = q.where('v.ends_at', '>', now).where('v.paused', '=', true);
  if (f.status === 'scheduled') q = q.where('v.ends_at', '>', now).where('v.paused', '=', false).where('v.starts_at', '>', now);
  if (f.status === 'active') q = q.where('v.ends_at', '>', now).where('v.paused', '=', false).where('v.starts_at', '<=', now);
  const rows = await q.execute();
  const page = rows.slice(0, f.limit);
  const hasMore = rows.length > f.limit;
  const versions = await loadVersions(ctx.db, page.map((r) => ({ campaignId: r.id, version: r.current_version })));
  return {
    data: page.map((r, i) => presentCampaign(r, versions[i]!, r.used_points)),
    has_more: hasMore,
    next_cursor: hasMore ? page[page.length - 1]!.id : null,
  };
}
