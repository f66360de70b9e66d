import { KessaiError } from '../errors/index.ts';
import { appendEvent } from '../events/index.ts';
import { bodyOfInput, changedFields, inputFromBody, inputFromStored, mergePatch, type CampaignBodyInput, type CampaignPatch } from './campaign-body.ts';
import { loadVersions } from './campaign-rules.ts';
import { presentCampaign, type CampaignView } from './campaign-view.ts';
import { actorLabel, type Actor, type RewardsContext } from './context.ts';
import { notifyChange } from './snapshot/changes.ts';
import { storeVersion } from './store-version.ts';

/**
 * Writes the campaign's next version: the current one with `patch` merged in. Versions are never
 * changed, so grants keep pointing at what they were computed from.
 *
 * `expectedVersion` is the version the editor started from. Under the campaign's row lock, a
 * different current version means someone else saved in between: refused (409) with the current
 * version, so two editors can never silently overwrite each other. A patch that changes nothing
 * writes no version. A new budget below what has already been granted is refused.
 */
export async function updateCampaign(ctx: RewardsContext, id: string, expectedVersion: number, patch: CampaignPatch, actor: Actor): Promise<CampaignView> {
  const label = actorLabel(actor);
  const result = await ctx.db.transaction().execute(async (trx) => {
    const head = await trx.selectFrom('reward_campaigns').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!head) throw new KessaiError('KS_ERR_REWARD_CAMPAIGN_NOT_FOUND', `No campaign ${id}`, { campaign_id: id });
    if (head.current_version !== expectedVersion) {
      throw new KessaiError('KS_ERR_REWARD_CAMPAIGN_VERSION_CONFLICT', `Campaign ${id} is at version ${head.current_version}, not ${expectedVersion}: reload it and apply your change again`, {
        field: 'expected_version',
        current_version: head.current_version,
      });
    }
    const [current] = await loadVersions(trx, [{ campaignId: id, version: head.current_version }]);
    const budget = await trx.selectFrom('reward_campaign_budgets').select('used_points').where('campaign_id', '=', id).executeTakeFirstOrThrow();
    const before = bodyOfInput(inputFromStored(current!));
    const input = inputFromBody(mergePatch(before, patch) as CampaignBodyInput);
    const after = bodyOfInput(input);
    const changes = changedFields(before, after);
    if (changes.length === 0) return { view: presentCampaign(head, current!, budget.used_points), changed: false };

    if (input.budgetPoints !== current!.row.budget_points) {
      const updated = await trx
        .updateTable('reward_campaign_budgets')
        .set({ budget_points: input.budgetPoints })
        .where('campaign_id', '=', id)
        .where((eb) => (input.budgetPoints === null ? eb.lit(true) : eb('used_points', '<=', input.budgetPoints)))
        .returning('used_points')
        .executeTakeFirst();
      if (!updated) {
        throw new KessaiError('KS_ERR_REWARD_BUDGET_BELOW_USED', `${budget.used_points} points are already granted from this campaign’s budget`, {
          field: 'caps.budget',
          budget_used: Number(budget.used_points),
        });
      }
    }
    const version = head.current_version + 1;
    const stored = await storeVersion(trx, id, version, input, label);
    const newHead = await trx
      .updateTable('reward_campaigns')
      .set({ current_version: version, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendEvent(trx, { type: 'reward_campaign.updated', aggregateId: id, data: { campaign_id: id, version, previous_version: version - 1, changed: changes }, actor: label });
    await notifyChange(trx, { kind: 'campaign', id });
    return { view: presentCampaign(newHead, stored, budget.used_points), changed: true };
  });
  if (result.changed) await ctx.changed({ kind: 'campaign', id });
  return result.view;
}
