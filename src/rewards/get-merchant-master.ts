import { KessaiError } from '../errors/index.ts';
import type { RewardsContext, Trx } from './context.ts';
import type { MerchantIdRow, MerchantMasterRow } from './tables.ts';

export function presentMerchantMaster(master: MerchantMasterRow, ids: MerchantIdRow[]) {
  return {
    id: master.id,
    object: 'reward_merchant_master' as const,
    name: master.name,
    marketplace: master.marketplace,
    merchant_ids: [...ids]
      .sort((a, b) => a.payment_method.localeCompare(b.payment_method) || a.merchant_id.localeCompare(b.merchant_id) || a.effective_from.getTime() - b.effective_from.getTime())
      .map((i) => ({
        payment_method: i.payment_method,
        merchant_id: i.merchant_id,
        effective_from: i.effective_from.toISOString(),
        effective_to: i.effective_to?.toISOString() ?? null,
      })),
    version: master.version,
    created_at: master.created_at.toISOString(),
    updated_at: master.updated_at.toISOString(),
  };
}

export type MerchantMasterView = ReturnType<typeof presentMerchantMaster>;

export async function loadMerchantIds(db: RewardsContext['db'] | Trx, masterId: string): Promise<MerchantIdRow[]> {
  return db.selectFrom('reward_merchant_ids').selectAll().where('master_id', '=', masterId).execute();
}

export async function getMerchantMaster(ctx: RewardsContext, id: string): Promise<MerchantMasterView> {
  const master = await ctx.db.selectFrom('reward_merchant_masters').selectAll().where('id', '=', id).executeTakeFirst();
  if (!master) throw new KessaiError('KS_ERR_REWARD_MERCHANT_NOT_FOUND', `No merchant master ${id}`, { master_id: id });
  return presentMerchantMaster(master, await loadMerchantIds(ctx.db, id));
}
