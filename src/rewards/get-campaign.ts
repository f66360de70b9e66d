import { KessaiError } from '../errors/index.ts';
import { loadAllVersions } from './campaign-rules.ts';
import { presentCampaign, type CampaignView } from './campaign-view.ts';
import type { RewardsContext } from './context.ts';

/** The current version with the whole history, newest first. */
export async function getCampaign(ctx: RewardsContext, id: string): Promise<CampaignView> {
  const head = await ctx.db
    .selectFrom('reward_campaigns as c')
    .innerJoin('reward_campaign_budgets as b', 'b.campaign_id', 'c.id')
    .select(['c.id', 'c.current_version', 'c.created_at', 'c.updated_at', 'b.used_points'])
    .where('c.id', '=', id)
    .executeTakeFirst();
  if (!head) throw new KessaiError('KS_ERR_REWARD_CAMPAIGN_NOT_FOUND', `No campaign ${id}`, { campaign_id: id });
  const history = await loadAllVersions(ctx.db, id);
  const current = history.find((v) => v.row.version === head.current_version)!;
  return presentCampaign(head, current, head.used_points, history);
}
