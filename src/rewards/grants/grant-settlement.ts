import { sql } from 'kysely';
import { newId } from '../../db/index.ts';
import { appendEvents } from '../../events/index.ts';
import { capMonth } from '../caps.ts';
import type { RewardsContext, Trx } from '../context.ts';
import { evaluateCampaign } from '../evaluate-campaign.ts';
import type { CampaignRules } from '../model.ts';
import { formatRate } from '../points.ts';
import type { GrantRow, RefundRow } from '../tables.ts';
import { BudgetShortfall, readBudgets, takeWithinCaps, type BudgetSeen } from './counters.ts';
import type { SettledEvent } from './inbound.ts';
import { campaignsInForce, loadCustomers, lockPayments, merchantDirectoryFor } from './lookups.ts';
import { reverseGrant } from './reverse-grant.ts';

export interface SettlementResult {
  /** `duplicate`: this payment's settlement was already received (from this or another source). */
  outcome: 'processed' | 'duplicate';
  grants: GrantRow[];
}

/**
 * Grants the points settled payments earn, each once, in one transaction for the whole batch:
 * under the payments' locks, records each settlement (a payment already recorded — or earlier in
 * the batch — is a duplicate and changes nothing), evaluates every campaign version in force at
 * each payment time with the same `evaluateCampaign` as the estimate, takes the points within the
 * caps in batch order (the remainder when a cap is crossed), writes the grants (unique per
 * campaign and payment) with their `earned` and `granted` ledger rows, applies refunds that
 * arrived before their settlement, and appends `reward.granted` for the customers' webhooks — all
 * committed together or not at all. A batch costs about a dozen statements however many events
 * it holds. What needs no lock (the customers' copies, the merchant master, the versions in
 * force, the budgets as last committed) is read before the transaction, in parallel — as it
 * would be read inside it, a moment later, under READ COMMITTED. Returns one result per event.
 */
export async function grantSettlements(ctx: RewardsContext, events: readonly SettledEvent[]): Promise<SettlementResult[]> {
  if (events.length === 0) return [];
  // Each payment's first delivery in the batch, in batch order: the one recorded, if any is.
  const taken = new Set<string>();
  const firsts = events.filter((e) => !taken.has(e.paymentId) && taken.add(e.paymentId));
  const [customers, merchants, [campaigns, budgets]] = await Promise.all([
    loadCustomers(ctx.db, firsts.map((e) => e.customerId)),
    merchantDirectoryFor(ctx.db, firsts),
    campaignsInForce(ctx, ctx.db, firsts.map((e) => e.paidAt)).then(async (c) => [c, await readBudgets(ctx.db, [...c.values()].flatMap((l) => l.map((r) => r.campaignId)))] as const),
  ]);
  const planned = new Map<string, PlannedGrant[]>();
  for (const event of firsts) {
    const customer = customers.get(event.customerId) ?? null;
    const merchant = merchants.resolve(event.paymentMethod, event.merchantId, event.paidAt);
    const payment = { amount: event.amount, currency: event.currency, paymentMethod: event.paymentMethod, merchantId: event.merchantId, at: event.paidAt };
    const list: PlannedGrant[] = [];
    for (const campaign of campaigns.get(event.paidAt.getTime())!) {
      const evaluation = evaluateCampaign(campaign, customer, payment, merchant);
      if (!evaluation.applies) continue;
      const month = campaign.capPerCustomerMonth === null ? null : capMonth(event.paidAt, campaign.capTimezone);
      list.push({ id: newId('rgr'), event, campaign, stage: customer?.stage ?? null, masterId: merchant.masterId, points: evaluation.points, rate: formatRate(evaluation.ratePercent!), month });
    }
    planned.set(event.paymentId, list);
  }
  try {
    return await grantInTransaction(ctx, events, firsts, planned, budgets);
  } catch (err) {
    // A budget filled up between the plan and the commit: everything was rolled back.
    if (err instanceof BudgetShortfall) return grantInTransaction(ctx, events, firsts, planned, null);
    throw err;
  }
}

interface PlannedGrant {
  id: string;
  event: SettledEvent;
  campaign: CampaignRules;
  stage: number | null;
  masterId: string | null;
  points: bigint;
  rate: string;
  month: string | null;
}

async function grantInTransaction(ctx: RewardsContext, events: readonly SettledEvent[], firsts: SettledEvent[], planned: Map<string, PlannedGrant[]>, budgets: Map<string, BudgetSeen> | null): Promise<SettlementResult[]> {
  return ctx.db.transaction().execute(async (trx) => {
    await lockPayments(trx, firsts.map((e) => e.paymentId));
    const recorded = await trx
      .insertInto('reward_settlements')
      .values(firsts.map((event) => ({
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
      })))
      .onConflict((oc) => oc.column('payment_id').doNothing())
      .returning('payment_id')
      .execute();
    const fresh = new Set(recorded.map((r) => r.payment_id));
    const settled = firsts.filter((e) => fresh.has(e.paymentId));
    const grants = new Map<string, GrantRow[]>(settled.map((e) => [e.paymentId, []]));
    let earlierGrants: GrantRow[];
    if (settled.length > 0) {
      const refunds = await trx.selectFrom('reward_refunds').selectAll().where('payment_id', 'in', [...fresh]).orderBy('payment_id').orderBy('refunded_at').orderBy('refund_id').execute();
      const toGrant = settled.flatMap((e) => planned.get(e.paymentId)!);
      // Held refunds give points back to budgets: then every budget's lock is taken in order first.
      const caps = await takeWithinCaps(trx, toGrant.map((g) => ({ campaign: g.campaign, customerId: g.event.customerId, month: g.month, requested: g.points })), refunds.length > 0 ? null : budgets);
      const rows = toGrant.length === 0 ? [] : await trx
        .insertInto('reward_grants')
        .values(toGrant.map(({ id, event, campaign, stage, masterId, points, rate, month }, i) => ({
          id,
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
          points_computed: points,
          points: caps.allocations[i]!.points,
          cap_month: month,
          limited_by: caps.allocations[i]!.limitedBy,
          funding_party: campaign.fundingParty,
          settled_at: event.settledAt,
          expires_at: campaign.pointsExpireAfterDays === null ? null : sql<Date>`now() + make_interval(days => ${campaign.pointsExpireAfterDays})`,
        })))
        .returningAll()
        .execute();
      await recordGranted(trx, rows, new Map(toGrant.map((g) => [g.id, g.rate])));
      for (const grant of rows) grants.get(grant.payment_id)!.push(grant);
      await applyHeldRefunds(ctx, trx, rows, refunds, new Map(settled.map((e) => [e.paymentId, e.currency])));
      earlierGrants = await grantsOf(trx, firsts.filter((e) => !fresh.has(e.paymentId)).map((e) => e.paymentId));
      // Last, so that the budget rows are held for as short a time as possible.
      await caps.settleBudgets();
    } else {
      earlierGrants = await grantsOf(trx, firsts.map((e) => e.paymentId));
    }
    for (const g of earlierGrants) {
      if (!grants.has(g.payment_id)) grants.set(g.payment_id, []);
      grants.get(g.payment_id)!.push(g);
    }
    const seen = new Set<string>();
    return events.map((e) => {
      const outcome = fresh.has(e.paymentId) && !seen.has(e.paymentId) ? ('processed' as const) : ('duplicate' as const);
      seen.add(e.paymentId);
      return { outcome, grants: (grants.get(e.paymentId) ?? []).toSorted((a, b) => (a.campaign_id < b.campaign_id ? -1 : a.campaign_id > b.campaign_id ? 1 : 0)) };
    });
  });
}

/** The grants of payments settled before this batch (what a duplicate answers). */
async function grantsOf(trx: Trx, paymentIds: string[]): Promise<GrantRow[]> {
  if (paymentIds.length === 0) return [];
  return trx.selectFrom('reward_grants').selectAll().where('payment_id', 'in', paymentIds).execute();
}

/** The `earned` and `granted` ledger rows and the `reward.granted` notifications (none for 0 points). */
async function recordGranted(trx: Trx, rows: GrantRow[], rates: Map<string, string>): Promise<void> {
  const paying = rows.filter((g) => g.points > 0n);
  if (paying.length === 0) return;
  await trx
    .insertInto('reward_ledger_entries')
    .values(paying.flatMap((grant) => {
      const entry = { customer_id: grant.customer_id, campaign_id: grant.campaign_id, grant_id: grant.id, points: grant.points, funding_party: grant.funding_party, occurred_at: sql<Date>`now()` };
      return [{ ...entry, id: newId('rle'), kind: 'earned' as const }, { ...entry, id: newId('rle'), kind: 'granted' as const }];
    }))
    .execute();
  await appendEvents(trx, paying.map((grant) => ({
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
      rate_percent: rates.get(grant.id),
    },
  })));
}

/** Refunds received before their settlement, applied to its new grants in the order they came. */
async function applyHeldRefunds(ctx: RewardsContext, trx: Trx, grants: GrantRow[], refunds: RefundRow[], currencies: Map<string, string>): Promise<void> {
  if (refunds.length === 0) return;
  for (const grant of grants) {
    let refundedSoFar = 0n;
    for (const refund of refunds.filter((r) => r.payment_id === grant.payment_id)) {
      if (refund.currency !== currencies.get(grant.payment_id)) {
        ctx.logger.warn({ payment_id: grant.payment_id, refund_id: refund.refund_id }, 'a refund in another currency than its settlement is ignored');
        continue;
      }
      refundedSoFar += refund.amount;
      await reverseGrant(trx, grant, refund.refund_id, refundedSoFar);
    }
  }
}
