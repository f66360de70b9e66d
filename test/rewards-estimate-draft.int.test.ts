import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './support/app.ts';
import { postCampaign, putRewardCustomer } from './support/rewards.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

describe('POST /v1/rewards/estimate/draft', () => {
  test('evaluates the campaign as edited in place of the saved one, changes nothing, and checks the draft like a POST', async () => {
    const { id, method, body } = await postCampaign(t);
    const cus = await putRewardCustomer(t, 30);
    const payment = { customer_id: cus, amount: 10_000, currency: 'JPY', merchant_id: 'M-1', payment_method: method };
    const draft = (campaign: Record<string, unknown>) => t.request({ method: 'POST', url: '/v1/rewards/estimate/draft', payload: { ...payment, campaign } });
    type Row = { campaign_id: string | null; points: number; reasons: string[]; draft?: boolean };
    const rowOf = (answer: { campaigns: Row[] }, campaignId: string | null) => answer.campaigns.filter((c) => c.campaign_id === campaignId);

    // The saved version: 1 % of 10,000 = 100.
    const saved = await t.request({ method: 'POST', url: '/v1/rewards/estimate', payload: payment });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal(rowOf(saved.json(), id)[0]!.points, 100);

    // As edited: 5 % from stage 30 → 500, listed once, marked as the draft; the others as saved.
    const edited = await draft({ ...body, id, version: 1, stage_rates: [{ min_stage: 10, rate_percent: '1.0' }, { min_stage: 30, rate_percent: '5.0' }] });
    assert.equal(edited.statusCode, 200, edited.body);
    const mine = rowOf(edited.json(), id);
    assert.equal(mine.length, 1, 'the draft replaces the saved version');
    assert.deepEqual({ ...mine[0], reasons: undefined }, { campaign_id: id, version: 1, name: body.name, funding_party: 'card_issuer', draft: true, applies: true, points: 500, rate_percent: '5.0', reasons: undefined });
    assert.ok(edited.json().campaigns.filter((c: { campaign_id: string }) => c.campaign_id !== id).every((c: { draft: boolean }) => c.draft === false));
    assert.equal(edited.json().total_points - 500, saved.json().total_points - 100, 'every other campaign as saved');

    // Nothing stored, nothing announced: the estimate and the campaign are unchanged.
    assert.equal(rowOf((await t.request({ method: 'POST', url: '/v1/rewards/estimate', payload: payment })).json(), id)[0]!.points, 100);
    assert.equal((await t.request({ method: 'GET', url: `/v1/rewards/campaigns/${id}` })).json().versions.length, 1);

    // A draft that would not be in force is still listed, with the reason.
    const paused = await draft({ ...body, id, version: 1, paused: true });
    assert.deepEqual(rowOf(paused.json(), id).map((c) => [c.points, c.reasons]), [[0, ['campaign_paused']]]);

    // A campaign not saved yet: campaign_id null.
    const fresh = await draft({ ...body, name: 'not saved yet', payment_filters: { payment_methods: [method], min_amount: { amount: 20_000, currency: 'JPY' } } });
    assert.equal(fresh.statusCode, 200, fresh.body);
    assert.deepEqual(rowOf(fresh.json(), null).map((c) => [c.draft, c.reasons]), [[true, ['amount_below_minimum']]]);

    // Checked like a POST: the field is named.
    const bad = await draft({ ...body, id, stage_rates: [{ min_stage: 10, rate_percent: '150' }] });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().error.field, 'stage_rates[0].rate_percent');
  });
});
