import { sql } from 'kysely';
import { newId } from '../../db/index.ts';
import { appendEvent } from '../../events/index.ts';
import { capMonth } from '../caps.ts';
import type { RewardsContext, Trx } from '../context.ts';
import { evaluateCampaign } from '../evaluate-campaign.ts';
import type { CampaignRules } from '../model.ts';
import { formatRate } from '../points.ts';
import type { GrantRow } from '../tables.ts';
import { takeWithinCaps } from './counters.ts';
import type { SettledEvent } from './inbound.ts';
import { campaignsInForceAt, loadCustomer, lockPayment, resolveMerchant } from './lookups.ts';
import { reverseGrant } from './reverse-grant.ts';

export interface SettlementResult {
  /** `duplicate`: this payment's settlement was already received (from this or another source). */
  outcome: 'processed' | 'duplicate';
  grants: GrantRow[];
}

/**
 * Grants the points a settled payment earns, once: in one transaction under the payment's lock,
 * records the settlement (a second delivery finds it and changes nothing), evaluates every
 * campaign version in force at the payment time with the same `evaluateCampaign` as the
 * estimate, takes the points within the caps (the remainder when a cap is crossed), writes the
 * grant (unique per campaign and payment) with its `earned` and `granted` ledger rows, applies
 * refunds that arrived before the settlement, and appends `reward.granted` for the customer's
 * webhook — all committed together or not at all.
 */
export async function grantSettlement(ctx: RewardsContext, event: SettledEvent): Promise<SettlementResult> {
  return ctx.db.transaction().execute(async (trx) => {
    await lockPayment(trx, event.paymentId);
    const recorded = await trx
      .insertInto('reward_settlements')
      .values({
        payment_id: event.paymentId,
        customer_id: event.customerId,
        amount: event.amount,
        currency: event.currency,
        merchant_id: event.merchantId,
        payment_method: event.paymentMethod,
        paid_at: event.paidAt,
        settled_at: event.settledAt,
        source: event.source,
        event_id: event.eventId,
      })
      .onConflict((oc) => oc.column('payment_id').doNothing())
      .returning('payment_id')
      .executeTakeFirst();
    if (!recorded) {
      const grants = await trx.selectFrom('reward_grants').selectAll().where('payment_id', '=', event.paymentId).orderBy('campaign_id').execute();
      return { outcome: 'duplicate' as const, grants };
    }
    const [customer, merchant, campaigns, refunds] = [
      await loadCustomer(trx, event.customerId),
      await resolveMerchant(trx, event.paymentMethod, event.merchantId, event.paidAt),
      await campaignsInForceAt(trx, event.paidAt),
      await trx.selectFrom('reward_refunds').selectAll().where('payment_id', '=', event.paymentId).orderBy('refunded_at').orderBy('refund_id').execute(),
    ];
    const payment = { amount: event.amount, currency: event.currency, paymentMethod: event.paymentMethod, merchantId: event.merchantId, at: event.paidAt };
    const grants: GrantRow[] = [];
    for (const campaign of campaigns) {
      const evaluation = evaluateCampaign(campaign, customer, payment, merchant);
      if (!evaluation.applies) continue;
      const grant = await insertGrant(trx, campaign, event, customer?.stage ?? null, merchant.masterId, evaluation.points, formatRate(evaluation.ratePercent!));
      let refundedSoFar = 0n;
      for (const refund of refunds) {
        if (refund.currency !== event.currency) {
          ctx.logger.warn({ payment_id: event.paymentId, refund_id: refund.refund_id }, 'a refund in another currency than its settlement is ignored');
          continue;
        }
        refundedSoFar += refund.amount;
        await reverseGrant(trx, grant, refund.refund_id, refundedSoFar);
      }
      grants.push(grant);
    }
    return { outcome: 'processed' as const, grants };
  });
}

async function insertGrant(trx: Trx, campaign: CampaignRules, event: SettledEvent, stage: number | null, masterId: string | null, computed: bigint, rate: string): Promise<GrantRow> {
  const month = campaign.capPerCustomerMonth === null ? null : capMonth(event.paidAt, campaign.capTimezone);
  const allocation = await takeWithinCaps(trx, campaign, event.customerId, month, computed);
  const grant = await trx
    .insertInto('reward_grants')
    .values({
      id: newId('rgr'),
      campaign_id: campaign.campaignId,
      campaign_version: campaign.version,
      payment_id: event.paymentId,
      customer_id: event.customerId,
      amount: event.amount,
      currency: event.currency,
      merchant_id: event.merchantId,
      merchant_master_id: masterId,
      payment_method: event.paymentMethod,
      stage,
      rate_percent: rate,
      points_computed: computed,
      points: allocation.points,
      cap_month: month,
      limited_by: allocation.limitedBy,
      funding_party: campaign.fundingParty,
      settled_at: event.settledAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (grant.points > 0n) {
    const entry = { customer_id: grant.customer_id, campaign_id: grant.campaign_id, grant_id: grant.id, points: grant.points, funding_party: grant.funding_party, occurred_at: sql<Date>`now()` };
    await trx
      .insertInto('reward_ledger_entries')
      .values([
        { ...entry, id: newId('rle'), kind: 'earned' },
        { ...entry, id: newId('rle'), kind: 'granted' },
      ])
      .execute();
    await appendEvent(trx, {
      type: 'reward.granted',
      aggregateId: grant.customer_id,
      data: {
        grant_id: grant.id,
        campaign_id: grant.campaign_id,
        campaign_version: grant.campaign_version,
        payment_id: grant.payment_id,
        customer_id: grant.customer_id,
        points: grant.points,
        points_computed: grant.points_computed,
        limited_by: grant.limited_by,
        rate_percent: rate,
      },
    });
  }
  return grant;
}
