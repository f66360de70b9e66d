import { KessaiError } from '../errors/index.ts';
import type { RewardsContext } from './context.ts';
import type { CustomerField } from './customer-update.ts';
import type { CustomerRow } from './tables.ts';

export function presentCustomer(row: CustomerRow, outcome?: { applied: CustomerField[]; ignored: CustomerField[] }) {
  return {
    id: row.id,
    object: 'reward_customer' as const,
    card_status: row.card_status,
    card_status_as_of: row.card_status_as_of?.toISOString() ?? null,
    stage: row.stage,
    stage_as_of: row.stage_as_of?.toISOString() ?? null,
    version: Number(row.version),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    ...(outcome ? { applied: outcome.applied, ignored: outcome.ignored } : {}),
  };
}

export type CustomerView = ReturnType<typeof presentCustomer>;

export async function getCustomer(ctx: RewardsContext, id: string): Promise<CustomerView> {
  const row = await ctx.db.selectFrom('reward_customers').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new KessaiError('KS_ERR_REWARD_CUSTOMER_NOT_FOUND', `No customer ${id} in the rewards copy`, { customer_id: id });
  return presentCustomer(row);
}
