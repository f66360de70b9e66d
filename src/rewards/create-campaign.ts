import { newId } from '../db/index.ts';
import { appendEvent } from '../events/index.ts';
import { inputFromBody, type CampaignBodyInput } from './campaign-body.ts';
import { presentCampaign, type CampaignView } from './campaign-view.ts';
import { actorLabel, type Actor, type RewardsContext } from './context.ts';
import { notifyChange } from './snapshot/changes.ts';
import { storeVersion } from './store-version.ts';

/** A new campaign at version 1, with its budget counter; every snapshot learns of it at commit. */
export async function createCampaign(ctx: RewardsContext, body: CampaignBodyInput, actor: Actor): Promise<CampaignView> {
  const input = inputFromBody(body);
  const id = newId('rcp');
  const label = actorLabel(actor);
  const view = await ctx.db.transaction().execute(async (trx) => {
    // The head points at version 1 before it exists; that foreign key is checked at commit.
    const head = await trx.insertInto('reward_campaigns').values({ id, current_version: 1 }).returningAll().executeTakeFirstOrThrow();
    const stored = await storeVersion(trx, id, 1, input, label);
    await trx.insertInto('reward_campaign_budgets').values({ campaign_id: id, budget_points: input.budgetPoints }).execute();
    await appendEvent(trx, {
      type: 'reward_campaign.created',
      aggregateId: id,
      data: { campaign_id: id, version: 1, name: input.name, starts_at: input.startsAt, ends_at: input.endsAt, funding_party: input.fundingParty },
      actor: label,
    });
    await notifyChange(trx, { kind: 'campaign', id });
    return presentCampaign(head, stored, 0n);
  });
  await ctx.changed({ kind: 'campaign', id });
  return view;
}
