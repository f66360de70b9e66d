import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './support/app.ts';
import { ingestEvent, postCampaign, putRewardCustomer, uid } from './support/rewards.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp({ KESSAI_REWARDS_POLL_MS: '60000' });
});
after(async () => t?.close());

const db = () => t.platform.rewards.context.db;
const ingest = (type: 'payment.settled' | 'payment.refunded', data: Record<string, unknown>) => ingestEvent(t, type, data);

const tokyoDay = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

describe('GET /v1/rewards/campaigns/:id/burn', () => {
  test('points granted and reversed per day (the campaign’s timezone), cumulative, against the budget; ties to budget_used', async () => {
    const { id, method } = await postCampaign(t, { starts_at: '2026-11-01T00:00:00+09:00', stage_rates: [{ min_stage: 0, rate_percent: '3.0' }], caps: { budget: 10_000 } });
    const cus = await putRewardCustomer(t, 30);
    const now = new Date().toISOString();
    const pays = [`pay-${uid()}`, `pay-${uid()}`];
    for (const p of pays) await ingest('payment.settled', { payment_id: p, customer_id: cus, amount: 10_000, currency: 'JPY', merchant_id: 'M-1', payment_method: method, paid_at: now, settled_at: now });
    await ingest('payment.refunded', { payment_id: pays[0], refund_id: 're-1', amount: 5_000, currency: 'JPY', refunded_at: now });
    // A grant written at 00:30 in Tokyo on 21 November is that day's, though it is the 20th in UTC.
    await db().insertInto('reward_ledger_entries').values({ id: `rle_${uid()}`, customer_id: cus, campaign_id: id, grant_id: null, kind: 'granted', points: 40n, funding_party: 'card_issuer', occurred_at: new Date('2026-11-20T15:30:00Z') }).execute();

    const res = await t.request({ method: 'GET', url: `/v1/rewards/campaigns/${id}/burn?from=2026-11-19` });
    assert.equal(res.statusCode, 200, res.body);
    const burn = res.json();
    assert.equal(burn.timezone, 'Asia/Tokyo');
    assert.equal(burn.budget, 10_000);
    assert.equal(burn.opening, 0);
    const byDay = new Map(burn.days.map((d: { date: string }) => [d.date, d]));
    assert.deepEqual(byDay.get('2026-11-20'), { date: '2026-11-20', granted: 0, reversed: 0, net: 0, cumulative: 0, budget: 10_000 });
    assert.deepEqual(byDay.get('2026-11-21'), { date: '2026-11-21', granted: 40, reversed: 0, net: 40, cumulative: 40, budget: 10_000 });
    const today = byDay.get(tokyoDay(new Date())) as { granted: number; reversed: number; cumulative: number };
    assert.deepEqual([today.granted, today.reversed], [600, 150]);
    const last = burn.days[burn.days.length - 1];
    assert.equal(last.date, tokyoDay(new Date()), 'up to today by default');
    assert.equal(last.cumulative, 40 + 600 - 150);
    const campaign = (await t.request({ method: 'GET', url: `/v1/rewards/campaigns/${id}` })).json();
    assert.equal(last.cumulative - 40, campaign.budget_used, 'the granted rows minus the reversed ones are what the budget counter holds');

    // A budget change shows from its day; a window opens with everything before it.
    const patched = await t.request({ method: 'PATCH', url: `/v1/rewards/campaigns/${id}`, payload: { expected_version: 1, caps: { budget: 20_000 } } });
    assert.equal(patched.statusCode, 200, patched.body);
    const later = (await t.request({ method: 'GET', url: `/v1/rewards/campaigns/${id}/burn?from=2026-11-21&to=2026-11-21` })).json();
    assert.equal(later.budget, 20_000);
    assert.deepEqual(later.days, [{ date: '2026-11-21', granted: 40, reversed: 0, net: 40, cumulative: 40, budget: 10_000 }], 'the budget in force at the end of that (past) day');
    const afterwards = (await t.request({ method: 'GET', url: `/v1/rewards/campaigns/${id}/burn?from=${tokyoDay(new Date())}` })).json();
    assert.equal(afterwards.opening, 40, 'a window opens with everything before it');
    assert.equal(afterwards.days[0].budget, 20_000, 'the new budget from the day it was set');

    const bad = await t.request({ method: 'GET', url: `/v1/rewards/campaigns/${id}/burn?from=2026-11-22&to=2026-11-21` });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.field, 'to');
    assert.equal((await t.request({ method: 'GET', url: `/v1/rewards/campaigns/rcp_nope/burn` })).statusCode, 404);
  });
});
