import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { listEvents } from '../src/events/index.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { ingestEvent, postCampaign, putRewardCustomer, uid } from './support/rewards.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp({ KESSAI_REWARDS_POLL_MS: '60000' });
});
after(async () => t?.close());

const rewards = () => t.platform.rewards;
const db = () => t.platform.rewards.context.db;
const DAY = 86_400_000;

/** 3 % at stage 30. */
const campaign = (extra: Record<string, unknown> = {}) => postCampaign(t, { stage_rates: [{ min_stage: 30, rate_percent: '3.0' }], ...extra });
const customer = () => putRewardCustomer(t, 30);

async function settle(customerId: string, amount: number, method: string) {
  const paymentId = `pay-${uid()}`;
  const now = new Date().toISOString();
  const r = await ingestEvent(t, 'payment.settled', { payment_id: paymentId, customer_id: customerId, amount, currency: 'JPY', merchant_id: 'M-1', payment_method: method, paid_at: now, settled_at: now });
  assert.equal(r.outcome, 'processed');
  return paymentId;
}

const refund = (paymentId: string, amount: number) => ingestEvent(t, 'payment.refunded', { payment_id: paymentId, refund_id: `re-${uid()}`, amount, currency: 'JPY', refunded_at: new Date().toISOString() });

async function grantOf(paymentId: string) {
  return db().selectFrom('reward_grants').selectAll().where('payment_id', '=', paymentId).executeTakeFirstOrThrow();
}

async function points(customerId: string) {
  const res = await t.request({ method: 'GET', url: `/v1/rewards/customers/${customerId}/points?limit=100` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

describe('point expiry', () => {
  test('a campaign says how long its points last; each grant records when they expire; PATCH can change it', async () => {
    const c = await campaign({ points_expire_after_days: 30 });
    assert.equal(c.points_expire_after_days, 30);
    const never = await campaign();
    assert.equal(never.points_expire_after_days, null);
    const bad = await t.request({ method: 'POST', url: '/v1/rewards/campaigns', payload: { name: 'x', starts_at: '2026-01-01T00:00:00Z', ends_at: '2027-01-01T00:00:00Z', stage_rates: [{ min_stage: 0, rate_percent: '1' }], rounding: 'floor', funding_party: 'card_issuer', points_expire_after_days: 0 } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.field, 'points_expire_after_days');

    const cus = await customer();
    const before = Date.now();
    const g = await grantOf(await settle(cus, 10_000, c.method));
    assert.ok(g.expires_at, 'an expiring campaign dates its grants');
    const due = g.expires_at.getTime() - 30 * DAY;
    assert.ok(due >= before - 5_000 && due <= Date.now() + 5_000, `expires 30 days after the grant: ${g.expires_at.toISOString()}`);
    assert.equal((await grantOf(await settle(cus, 10_000, never.method))).expires_at, null);

    const patched = await t.request({ method: 'PATCH', url: `/v1/rewards/campaigns/${c.id}`, payload: { expected_version: 1, points_expire_after_days: null } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().points_expire_after_days, null);
    assert.equal(patched.json().version, 2);
  });

  test('with a moved clock: what is left after reversals expires, once, oldest first; balance and liability follow; a later refund reverses nothing more', async () => {
    const c = await campaign({ points_expire_after_days: 10 });
    const keep = await campaign();
    const cus = await customer();
    const a = await settle(cus, 10_000, c.method); // 300
    const b = await settle(cus, 5_000, c.method); // 150, 50 reversed below → 100 left
    const full = await settle(cus, 2_000, c.method); // 60, all reversed → nothing left
    const kept = await settle(cus, 10_000, keep.method); // 300, never expires
    assert.equal((await refund(b, 1_667)).points, 50n);
    assert.equal((await refund(full, 2_000)).points, 60n);
    assert.deepEqual((await points(cus)).balance, 300 + 100 + 300);

    const soon = await rewards().expirePoints(new Date(Date.now() + 9 * DAY));
    assert.equal((await db().selectFrom('reward_ledger_entries').select('id').where('customer_id', '=', cus).where('kind', '=', 'expired').execute()).length, 0, `nothing due in 9 days: ${JSON.stringify(soon)}`);

    const at = new Date(Date.now() + 11 * DAY);
    // Two runs at once, then a third: each grant expires once.
    const runs = await Promise.all([rewards().expirePoints(at), rewards().expirePoints(at)]);
    const again = await rewards().expirePoints(at);
    assert.equal(again.grants, 0);
    const expiredRows = await db().selectFrom('reward_ledger_entries').selectAll().where('customer_id', '=', cus).where('kind', '=', 'expired').orderBy('id').execute();
    assert.deepEqual(expiredRows.map((r) => [r.grant_id, r.points]), [[(await grantOf(a)).id, 300n], [(await grantOf(b)).id, 100n]], 'oldest first, what is left after reversals');
    assert.equal(runs.reduce((s, r) => s + r.points, 0), 400, 'the two concurrent runs expired 400 points between them, not more');
    for (const r of expiredRows) assert.ok(r.occurred_at.getTime() >= at.getTime() - 1000, 'the row occurs at the (moved) clock');
    assert.equal((await grantOf(a)).points_expired, 300n);
    assert.equal((await grantOf(b)).points_expired, 100n);
    assert.equal((await grantOf(full)).points_expired, 0n);
    assert.equal((await grantOf(kept)).points_expired, 0n);

    const p = await points(cus);
    assert.equal(p.balance, 300, 'only the points that never expire are left');
    assert.deepEqual(p.totals, { earned: 300 + 150 + 60 + 300, granted: 810, reversed: 110, expired: 400 });

    // A refund after expiry: those points are gone already, nothing more to reverse; the CHECK holds.
    const late = await refund(a, 10_000);
    assert.equal(late.points, 0n);
    assert.equal((await grantOf(a)).points_reversed, 0n);
    assert.equal((await points(cus)).balance, 300);

    const events = await listEvents(db(), cus);
    assert.deepEqual(events.filter((e) => e.type === 'reward.expired').map((e) => e.data.points).sort(), [100, 300]);

    // The liability: the expiry lands in the period of the (moved) clock and closes the points.
    const from = new Date(at.getTime() - 3_600_000).toISOString();
    const to = new Date(at.getTime() + 3_600_000).toISOString();
    const res = await t.request({ method: 'GET', url: `/v1/rewards/liability?from=${from}&to=${to}` });
    assert.equal(res.statusCode, 200, res.body);
    const line = res.json().lines.find((l: { campaign_id: string }) => l.campaign_id === c.id);
    assert.equal(line.points.expired, 400);
    assert.equal(line.points.opening, 300 + 150 + 60 - 110);
    assert.equal(line.points.closing, 0);
  });
});
