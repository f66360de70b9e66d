import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from './support/app.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

const uid = () => randomUUID().slice(0, 8);

function assertError(res: { statusCode: number; json(): any; body: string }, status: number, code: string, field?: string) {
  assert.equal(res.statusCode, status, res.body);
  assert.equal(res.json().error.code, code, res.body);
  if (field !== undefined) assert.equal(res.json().error.field, field, res.body);
}

async function keyWith(scopes: string[]): Promise<string> {
  const res = await t.request({ method: 'POST', url: '/v1/api_keys', payload: { name: scopes.join(' '), scopes } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().key;
}

/** The seed's "Mercard rebate on our marketplace": card status 2 or 3, stages 10..40 → 1..4 %. */
const mercardInside = (extra: Record<string, unknown> = {}) => ({
  name: `Mercard on the marketplace ${uid()}`,
  starts_at: '2026-01-01T00:00:00+09:00',
  ends_at: '2099-01-01T00:00:00+09:00',
  user_filters: { card_status: [3, 2] },
  payment_filters: { marketplace: 'inside' },
  stage_rates: [
    { min_stage: 30, rate_percent: '3.0' },
    { min_stage: 10, rate_percent: '1.0' },
    { min_stage: 40, rate_percent: '4.00' },
    { min_stage: 20, rate_percent: '2' },
  ],
  rounding: 'floor',
  caps: { per_customer_month: 5000, budget: 1_000_000 },
  funding_party: 'card_issuer',
  ...extra,
});

async function createCampaign(body: Record<string, unknown> = mercardInside(), key?: string) {
  const res = await t.request({ method: 'POST', url: '/v1/rewards/campaigns', payload: body, ...(key ? { key } : {}) });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

describe('campaigns', () => {
  test('create and read: typed filters, sorted rate table, exact rates, caps with the default timezone', async () => {
    const c = await createCampaign();
    assert.match(c.id, /^rcp_/);
    assert.equal(c.object, 'reward_campaign');
    assert.equal(c.version, 1);
    assert.equal(c.status, 'active');
    assert.deepEqual(c.user_filters, { card_status: [2, 3] });
    assert.deepEqual(c.payment_filters, { marketplace: 'inside', merchants: null, payment_methods: null, min_amount: null });
    assert.deepEqual(c.stage_rates, [
      { min_stage: 10, rate_percent: '1.0' },
      { min_stage: 20, rate_percent: '2.0' },
      { min_stage: 30, rate_percent: '3.0' },
      { min_stage: 40, rate_percent: '4.0' },
    ]);
    assert.deepEqual(c.caps, { per_customer_month: 5000, timezone: 'Asia/Tokyo', budget: 1_000_000 });
    assert.equal(c.budget_used, 0);
    assert.equal(c.starts_at, '2025-12-31T15:00:00.000Z');
    const read = await t.request({ method: 'GET', url: `/v1/rewards/campaigns/${c.id}` });
    assert.equal(read.statusCode, 200);
    assert.equal(read.headers.etag, '"1"');
    assert.equal(read.json().versions.length, 1);
    assert.equal(read.json().versions[0].version, 1);
    assert.deepEqual(read.json().versions[0].stage_rates, c.stage_rates);
  });

  test('PATCH writes a new version; the old one stays in the history; merges objects, null clears', async () => {
    const c = await createCampaign(mercardInside({ payment_filters: { marketplace: 'outside', merchants: { master_ids: ['m-x'], invert: true } } }));
    const res = await t.request({
      method: 'PATCH',
      url: `/v1/rewards/campaigns/${c.id}`,
      payload: { expected_version: 1, payment_filters: { merchants: { master_ids: ['m-x', 'm-y'] }, min_amount: { amount: 500, currency: 'JPY' } }, caps: { budget: null } },
    });
    assert.equal(res.statusCode, 200, res.body);
    const v2 = res.json();
    assert.equal(v2.version, 2);
    assert.deepEqual(v2.payment_filters, { marketplace: 'outside', merchants: { master_ids: ['m-x', 'm-y'], invert: true }, payment_methods: null, min_amount: { amount: 500, currency: 'JPY' } });
    assert.deepEqual(v2.caps, { per_customer_month: 5000, timezone: 'Asia/Tokyo', budget: null });
    const read = (await t.request({ method: 'GET', url: `/v1/rewards/campaigns/${c.id}` })).json();
    assert.deepEqual(read.versions.map((v: { version: number }) => v.version), [2, 1]);
    assert.deepEqual(read.versions[1].payment_filters.merchants, { master_ids: ['m-x'], invert: true }, 'version 1 is unchanged');
    assert.equal(read.versions[1].caps.budget, 1_000_000);
    const cleared = await t.request({ method: 'PATCH', url: `/v1/rewards/campaigns/${c.id}`, payload: { expected_version: 2, payment_filters: { merchants: null } } });
    assert.equal(cleared.json().payment_filters.merchants, null);
    const event = await t.platform.database.db.selectFrom('events').select(['type', 'data']).where('aggregate_id', '=', c.id).orderBy('seq').execute();
    assert.deepEqual(event.map((e) => e.type), ['reward_campaign.created', 'reward_campaign.updated', 'reward_campaign.updated']);
    assert.deepEqual((event[1]!.data as { changed: string[] }).changed, ['payment_filters', 'caps']);
  });

  test('two editors: the second one saving from the same version is refused, never silently overwrites', async () => {
    const c = await createCampaign();
    const [a, b] = await Promise.all([
      t.request({ method: 'PATCH', url: `/v1/rewards/campaigns/${c.id}`, payload: { expected_version: 1, name: 'editor A' } }),
      t.request({ method: 'PATCH', url: `/v1/rewards/campaigns/${c.id}`, payload: { expected_version: 1, name: 'editor B' } }),
    ]);
    const statuses = [a.statusCode, b.statusCode].sort();
    assert.deepEqual(statuses, [200, 409]);
    const loser = a.statusCode === 409 ? a : b;
    assertError(loser, 409, 'KS_ERR_REWARD_CAMPAIGN_VERSION_CONFLICT', 'expected_version');
    assert.equal(loser.json().error.current_version, 2);
    const read = (await t.request({ method: 'GET', url: `/v1/rewards/campaigns/${c.id}` })).json();
    assert.equal(read.version, 2);
    assert.equal(read.versions.length, 2);
  });

  test('If-Match works like expected_version; neither is 428; a change that changes nothing writes no version', async () => {
    const c = await createCampaign();
    assertError(await t.request({ method: 'PATCH', url: `/v1/rewards/campaigns/${c.id}`, payload: { name: 'x' } }), 428, 'KS_ERR_REWARD_CAMPAIGN_VERSION_REQUIRED', 'expected_version');
    const ok = await t.request({ method: 'PATCH', url: `/v1/rewards/campaigns/${c.id}`, payload: { paused: true }, headers: { 'if-match': '"1"' } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().status, 'paused');
    assert.equal(ok.headers.etag, '"2"');
    assertError(await t.request({ method: 'PATCH', url: `/v1/rewards/campaigns/${c.id}`, payload: { paused: false }, headers: { 'if-match': '"1"' } }), 409, 'KS_ERR_REWARD_CAMPAIGN_VERSION_CONFLICT');
    const same = await t.request({ method: 'PATCH', url: `/v1/rewards/campaigns/${c.id}`, payload: { expected_version: 2, paused: true, stage_rates: c.stage_rates } });
    assert.equal(same.json().version, 2, 'nothing changed, no version 3');
    assertError(await t.request({ method: 'PATCH', url: '/v1/rewards/campaigns/rcp_nope', payload: { expected_version: 1, name: 'x' } }), 404, 'KS_ERR_REWARD_CAMPAIGN_NOT_FOUND');
  });

  test('a budget below what is already granted is refused', async () => {
    const c = await createCampaign();
    await t.platform.database.pool.query('UPDATE reward_campaign_budgets SET used_points = 700 WHERE campaign_id = $1', [c.id]);
    const res = await t.request({ method: 'PATCH', url: `/v1/rewards/campaigns/${c.id}`, payload: { expected_version: 1, caps: { budget: 600 } } });
    assertError(res, 409, 'KS_ERR_REWARD_BUDGET_BELOW_USED', 'caps.budget');
    assert.equal(res.json().error.budget_used, 700);
    const ok = await t.request({ method: 'PATCH', url: `/v1/rewards/campaigns/${c.id}`, payload: { expected_version: 1, caps: { budget: 700 } } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().budget_used, 700);
  });

  test('versions are immutable in the database', async () => {
    const c = await createCampaign();
    await assert.rejects(t.platform.database.pool.query("UPDATE reward_campaign_versions SET name = 'x' WHERE campaign_id = $1", [c.id]), /immutable/);
    await assert.rejects(t.platform.database.pool.query('DELETE FROM reward_campaign_stage_rates WHERE campaign_id = $1', [c.id]), /immutable/);
  });

  test('bad input names the field', async () => {
    const post = (extra: Record<string, unknown>) => t.request({ method: 'POST', url: '/v1/rewards/campaigns', payload: mercardInside(extra) });
    assertError(await post({ ends_at: '2025-01-01T00:00:00Z' }), 400, 'KS_ERR_VALIDATION', 'ends_at');
    assertError(await post({ starts_at: 'tomorrow' }), 400, 'KS_ERR_VALIDATION', 'starts_at');
    assertError(await post({ stage_rates: [{ min_stage: 10, rate_percent: 1.5 }] }), 400, 'KS_ERR_VALIDATION', 'stage_rates[0].rate_percent');
    assertError(await post({ stage_rates: [{ min_stage: 10, rate_percent: '100.5' }] }), 400, 'KS_ERR_VALIDATION', 'stage_rates[0].rate_percent');
    assertError(await post({ stage_rates: [{ min_stage: 10, rate_percent: '1' }, { min_stage: 10, rate_percent: '2' }] }), 400, 'KS_ERR_VALIDATION', 'stage_rates[1].min_stage');
    assertError(await post({ stage_rates: [] }), 400, 'KS_ERR_VALIDATION', 'stage_rates');
    assertError(await post({ rounding: 'nearest' }), 400, 'KS_ERR_VALIDATION', 'rounding');
    assertError(await post({ caps: { timezone: 'Mars/Olympus' } }), 400, 'KS_ERR_VALIDATION', 'caps.timezone');
    assertError(await post({ caps: { per_customer_month: 0 } }), 400, 'KS_ERR_VALIDATION', 'caps.per_customer_month');
    assertError(await post({ user_filters: { card_status: ['2'] } }), 400, 'KS_ERR_VALIDATION', 'user_filters.card_status[0]');
    assertError(await post({ payment_filters: { marketplace: 'mars' } }), 400, 'KS_ERR_VALIDATION', 'payment_filters.marketplace');
    assertError(await post({ payment_filters: { min_amount: { amount: 100, currency: 'XYZ' } } }), 400, 'KS_ERR_CURRENCY_UNSUPPORTED', 'payment_filters.min_amount.currency');
    assertError(await post({ payment_filters: { merchants: { master_ids: [] } } }), 400, 'KS_ERR_VALIDATION', 'payment_filters.merchants.master_ids');
    assertError(await post({ colour: 'red' }), 400, 'KS_ERR_UNKNOWN_FIELD', 'colour');
  });

  test('list: newest first, cursor pagination, status filter', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await createCampaign(mercardInside({ starts_at: '2098-01-01T00:00:00Z' }))).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (await t.request({ method: 'GET', url: `/v1/rewards/campaigns?status=scheduled&limit=2${cursor ? `&starting_after=${cursor}` : ''}` })).json();
      seen.push(...page.data.map((c: { id: string; status: string }) => (assert.equal(c.status, 'scheduled'), c.id)));
      cursor = page.next_cursor;
    } while (cursor);
    assert.deepEqual(seen.filter((id) => ids.includes(id)), [...ids].reverse());
    const active = (await t.request({ method: 'GET', url: '/v1/rewards/campaigns?status=active&limit=500' })).json();
    assert.ok(active.data.every((c: { status: string }) => c.status === 'active'));
    assert.ok(!active.data.some((c: { id: string }) => ids.includes(c.id)));
  });

  test('Idempotency-Key: a replayed create returns the same campaign, created once', async () => {
    const body = mercardInside();
    const key = `create-${uid()}`;
    const first = await t.request({ method: 'POST', url: '/v1/rewards/campaigns', payload: body, headers: { 'idempotency-key': key } });
    const again = await t.request({ method: 'POST', url: '/v1/rewards/campaigns', payload: body, headers: { 'idempotency-key': key } });
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.json().id, first.json().id);
    const n = await t.platform.database.pool.query('SELECT count(*)::int AS n FROM reward_campaign_versions WHERE name = $1', [body.name]);
    assert.equal(n.rows[0].n, 1);
  });
});

describe('scopes and audit', () => {
  test('rewards:read reads and estimates, rewards:write changes; other keys get nothing', async () => {
    const reader = await keyWith(['rewards:read']);
    const writer = await keyWith(['rewards:write']);
    const other = await keyWith(['payments:read']);
    const c = await createCampaign(mercardInside(), writer);
    assert.equal((await t.request({ method: 'GET', url: `/v1/rewards/campaigns/${c.id}`, key: reader })).statusCode, 200);
    const estimate = { customer_id: 'c-scope', amount: 1000, currency: 'JPY', merchant_id: 'M', payment_method: 'card' };
    assert.equal((await t.request({ method: 'POST', url: '/v1/rewards/estimate', payload: estimate, key: reader })).statusCode, 200);
    assertError(await t.request({ method: 'POST', url: '/v1/rewards/campaigns', payload: mercardInside(), key: reader }), 403, 'KS_ERR_FORBIDDEN');
    assertError(await t.request({ method: 'PUT', url: '/v1/rewards/customers/c-scope', payload: { stage: 1, as_of: new Date().toISOString() }, key: reader }), 403, 'KS_ERR_FORBIDDEN');
    assertError(await t.request({ method: 'GET', url: `/v1/rewards/campaigns/${c.id}`, key: other }), 403, 'KS_ERR_FORBIDDEN');
    assertError(await t.request({ method: 'POST', url: '/v1/rewards/estimate', payload: estimate, key: other }), 403, 'KS_ERR_FORBIDDEN');
  });

  test('an admin operator’s campaign change is audited; a viewer may read but not write', async () => {
    const password = 'correct horse battery';
    const login = async (role: 'viewer' | 'admin') => {
      const username = `${role}-${uid()}`;
      await t.platform.identity.createOperator({ username, password, role });
      const res = await t.request({ method: 'POST', url: '/v1/auth/login', payload: { username, password }, key: null });
      assert.equal(res.statusCode, 200, res.body);
      const cookie = String(res.headers['set-cookie']).split(';')[0]!;
      return { cookie, 'x-kessai-csrf': res.json().csrf_token as string };
    };
    const admin = await login('admin');
    const viewer = await login('viewer');
    const created = await t.request({ method: 'POST', url: '/v1/rewards/campaigns', payload: mercardInside(), headers: admin, key: null });
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json().id;
    const patched = await t.request({ method: 'PATCH', url: `/v1/rewards/campaigns/${id}`, payload: { expected_version: 1, name: 'renamed' }, headers: admin, key: null });
    assert.equal(patched.statusCode, 200, patched.body);
    // The audit row is written once the response has gone (onResponse): wait for it.
    let audit = await t.platform.database.db.selectFrom('audit_log').selectAll().where('target_id', '=', id).execute();
    for (let i = 0; i < 100 && audit.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      audit = await t.platform.database.db.selectFrom('audit_log').selectAll().where('target_id', '=', id).execute();
    }
    assert.deepEqual(audit.map((a) => a.action), ['PATCH /v1/rewards/campaigns/:id']);
    assert.equal(audit[0]!.actor_type, 'operator');
    assert.equal((await t.request({ method: 'GET', url: `/v1/rewards/campaigns/${id}`, headers: viewer, key: null })).statusCode, 200);
    assertError(await t.request({ method: 'PATCH', url: `/v1/rewards/campaigns/${id}`, payload: { expected_version: 2, name: 'x' }, headers: viewer, key: null }), 403, 'KS_ERR_FORBIDDEN');
  });
});

describe('customers', () => {
  const put = (id: string, body: Record<string, unknown>) => t.request({ method: 'PUT', url: `/v1/rewards/customers/${id}`, payload: body });

  test('created on first update; older updates are ignored field by field, whatever order they arrive in', async () => {
    const id = `cust-${uid()}`;
    const first = await put(id, { card_status: 2, stage: 20, as_of: '2026-11-01T10:00:00Z' });
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual({ ...(first.json() as object), created_at: undefined, updated_at: undefined }, {
      id,
      object: 'reward_customer',
      card_status: 2,
      card_status_as_of: '2026-11-01T10:00:00.000Z',
      stage: 20,
      stage_as_of: '2026-11-01T10:00:00.000Z',
      version: 1,
      applied: ['card_status', 'stage'],
      ignored: [],
      created_at: undefined,
      updated_at: undefined,
    });
    // The loyalty service's newer stage arrives before the card system's older status change.
    const stage = (await put(id, { stage: 30, as_of: '2026-11-03T00:00:00Z' })).json();
    assert.deepEqual([stage.stage, stage.version, stage.applied], [30, 2, ['stage']]);
    const card = (await put(id, { card_status: 3, stage: 25, as_of: '2026-11-02T00:00:00Z' })).json();
    assert.deepEqual([card.card_status, card.stage, card.version, card.applied, card.ignored], [3, 30, 3, ['card_status'], ['stage']]);
    const replay = (await put(id, { card_status: 3, as_of: '2026-11-02T00:00:00Z' })).json();
    assert.deepEqual([replay.version, replay.applied, replay.ignored], [3, [], ['card_status']], 'the same update twice changes nothing');
    const read = (await t.request({ method: 'GET', url: `/v1/rewards/customers/${id}` })).json();
    assert.deepEqual([read.card_status, read.stage, read.version], [3, 30, 3]);
  });

  test('many updates racing for one customer: the newest of each field wins', async () => {
    const id = `race-${uid()}`;
    const times = Array.from({ length: 20 }, (_, i) => i);
    await Promise.all([...times].sort(() => Math.random() - 0.5).map((i) => put(id, { stage: i, card_status: i, as_of: new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString() })));
    const read = (await t.request({ method: 'GET', url: `/v1/rewards/customers/${id}` })).json();
    assert.deepEqual([read.stage, read.card_status], [19, 19]);
  });

  test('Idempotency-Key on PUT and PATCH: a replay answers the first response', async () => {
    const id = `idem-${uid()}`;
    const headers = { 'idempotency-key': `put-${id}` };
    const body = { stage: 12, as_of: '2026-11-01T00:00:00Z' };
    const first = await t.request({ method: 'PUT', url: `/v1/rewards/customers/${id}`, payload: body, headers });
    const again = await t.request({ method: 'PUT', url: `/v1/rewards/customers/${id}`, payload: body, headers });
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.json(), first.json(), 'the first answer (applied), not "ignored as not newer"');
    const c = await createCampaign();
    const patch = { expected_version: 1, name: 'renamed once' };
    const p1 = await t.request({ method: 'PATCH', url: `/v1/rewards/campaigns/${c.id}`, payload: patch, headers: { 'idempotency-key': `patch-${c.id}` } });
    const p2 = await t.request({ method: 'PATCH', url: `/v1/rewards/campaigns/${c.id}`, payload: patch, headers: { 'idempotency-key': `patch-${c.id}` } });
    assert.equal(p1.statusCode, 200, p1.body);
    assert.equal(p2.statusCode, 200, 'a retried PATCH is not a version conflict');
    assert.equal(p2.json().version, 2);
  });

  test('validation and not found', async () => {
    assertError(await put('c-v', { as_of: '2026-11-01T00:00:00Z' }), 400, 'KS_ERR_VALIDATION', 'stage');
    assertError(await put('c-v', { stage: 1 }), 400, 'KS_ERR_VALIDATION', 'as_of');
    assertError(await put('c-v', { stage: -1, as_of: '2026-11-01T00:00:00Z' }), 400, 'KS_ERR_VALIDATION', 'stage');
    assertError(await put('has space', { stage: 1, as_of: '2026-11-01T00:00:00Z' }), 400, 'KS_ERR_VALIDATION', 'id');
    assertError(await t.request({ method: 'GET', url: '/v1/rewards/customers/nobody' }), 404, 'KS_ERR_REWARD_CUSTOMER_NOT_FOUND');
    assertError(await t.request({ method: 'GET', url: '/v1/rewards/customers/nobody/points' }), 404, 'KS_ERR_REWARD_CUSTOMER_NOT_FOUND');
  });

  test('points: balance and ledger from the ledger rows, newest first, paginated', async () => {
    const id = `pts-${uid()}`;
    await put(id, { stage: 10, as_of: '2026-11-01T00:00:00Z' });
    const empty = (await t.request({ method: 'GET', url: `/v1/rewards/customers/${id}/points` })).json();
    assert.deepEqual(empty, { object: 'reward_points', customer_id: id, balance: 0, totals: { earned: 0, granted: 0, reversed: 0, expired: 0 }, ledger: { data: [], has_more: false, next_cursor: null } });
    // The grant half writes these; here they are written by hand to read them back.
    const c = await createCampaign();
    const db = t.platform.database.pool;
    for (const [n, kind, points] of [[1, 'granted', 300], [2, 'granted', 200], [3, 'reversed', 50], [4, 'expired', 10]] as const) {
      await db.query("INSERT INTO reward_ledger_entries (id, customer_id, campaign_id, kind, points, funding_party, occurred_at) VALUES ($1, $2, $3, $4, $5, 'card_issuer', now())", [`rle_${id}_${n}`, id, c.id, kind, points]);
    }
    const page1 = (await t.request({ method: 'GET', url: `/v1/rewards/customers/${id}/points?limit=3` })).json();
    assert.equal(page1.balance, 440);
    assert.deepEqual(page1.totals, { earned: 0, granted: 500, reversed: 50, expired: 10 });
    assert.deepEqual(page1.ledger.data.map((e: { kind: string }) => e.kind), ['expired', 'reversed', 'granted']);
    const page2 = (await t.request({ method: 'GET', url: `/v1/rewards/customers/${id}/points?limit=3&starting_after=${page1.ledger.next_cursor}` })).json();
    assert.deepEqual(page2.ledger.data.map((e: { points: number }) => e.points), [300]);
    assert.equal(page2.ledger.has_more, false);
  });
});

describe('merchant master', () => {
  const put = (id: string, body: Record<string, unknown>) => t.request({ method: 'PUT', url: `/v1/rewards/merchants/${id}`, payload: body });

  test('several merchant ids per payment method map to one master, with effective dates', async () => {
    const id = `mp-${uid()}`;
    const cn = `CN-${uid()}`;
    const res = await put(id, {
      name: 'Our marketplace',
      marketplace: 'inside',
      merchant_ids: [
        { payment_method: 'wallet', merchant_id: `ID-${cn}`, effective_from: '2026-11-15T00:00:00Z' },
        { payment_method: 'card', merchant_id: cn, effective_from: '2026-01-01T00:00:00Z', effective_to: '2027-01-01T00:00:00Z' },
      ],
    });
    assert.equal(res.statusCode, 200, res.body);
    const m = res.json();
    assert.deepEqual({ ...m, created_at: undefined, updated_at: undefined }, {
      id,
      object: 'reward_merchant_master',
      name: 'Our marketplace',
      marketplace: 'inside',
      merchant_ids: [
        { payment_method: 'card', merchant_id: cn, effective_from: '2026-01-01T00:00:00.000Z', effective_to: '2027-01-01T00:00:00.000Z' },
        { payment_method: 'wallet', merchant_id: `ID-${cn}`, effective_from: '2026-11-15T00:00:00.000Z', effective_to: null },
      ],
      version: 1,
      created_at: undefined,
      updated_at: undefined,
    });
    const same = await put(id, { name: 'Our marketplace', marketplace: 'inside', merchant_ids: m.merchant_ids });
    assert.equal(same.json().version, 1, 'the same content again is no new version');
    const changed = await put(id, { name: 'Our marketplace', marketplace: 'inside', merchant_ids: [] });
    assert.deepEqual([changed.json().version, changed.json().merchant_ids], [2, []]);
    assert.deepEqual((await t.request({ method: 'GET', url: `/v1/rewards/merchants/${id}` })).json().merchant_ids, []);
    assertError(await t.request({ method: 'GET', url: '/v1/rewards/merchants/nope' }), 404, 'KS_ERR_REWARD_MERCHANT_NOT_FOUND');
  });

  test('a merchant id maps to one master at any moment: overlaps are refused, consecutive periods are not', async () => {
    const cn = `CN-${uid()}`;
    const a = `ma-${uid()}`;
    const b = `mb-${uid()}`;
    const entry = (from: string, to: string | null) => ({ payment_method: 'card', merchant_id: cn, effective_from: from, effective_to: to });
    assert.equal((await put(a, { marketplace: 'outside', merchant_ids: [entry('2026-01-01T00:00:00Z', null)] })).statusCode, 200);
    const clash = await put(b, { marketplace: 'outside', merchant_ids: [entry('2025-01-01T00:00:00Z', '2025-06-01T00:00:00Z'), entry('2026-06-01T00:00:00Z', null)] });
    assertError(clash, 409, 'KS_ERR_REWARD_MERCHANT_ID_CONFLICT', 'merchant_ids[1]');
    assert.equal(clash.json().error.master_id, a);
    // End it on the old master, then start it on the new one: the move is refused in the other order only.
    assert.equal((await put(a, { marketplace: 'outside', merchant_ids: [entry('2026-01-01T00:00:00Z', '2026-06-01T00:00:00Z')] })).statusCode, 200);
    assert.equal((await put(b, { marketplace: 'outside', merchant_ids: [entry('2026-06-01T00:00:00Z', null)] })).statusCode, 200);
    assertError(await put(b, { marketplace: 'outside', merchant_ids: [entry('2026-06-01T00:00:00Z', null), entry('2026-07-01T00:00:00Z', null)] }), 400, 'KS_ERR_VALIDATION', 'merchant_ids[1]');
    assertError(await put(b, { marketplace: 'outside', merchant_ids: [entry('2026-06-01T00:00:00Z', '2026-05-01T00:00:00Z')] }), 400, 'KS_ERR_VALIDATION', 'merchant_ids[0].effective_to');
  });

  test('racing masters for one merchant id: exactly one wins (the database exclusion constraint)', async () => {
    const cn = `CN-${uid()}`;
    const body = { marketplace: 'outside', merchant_ids: [{ payment_method: 'card', merchant_id: cn, effective_from: '2026-01-01T00:00:00Z' }] };
    const results = await Promise.all(Array.from({ length: 6 }, () => put(`race-${uid()}`, body)));
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 409, 409, 409, 409, 409]);
  });
});

describe('OpenAPI', () => {
  test('the rewards routes are documented', async () => {
    const spec = (await t.request({ method: 'GET', url: '/openapi.json', key: null })).json();
    for (const path of ['/v1/rewards/campaigns', '/v1/rewards/campaigns/{id}', '/v1/rewards/customers/{id}', '/v1/rewards/customers/{id}/points', '/v1/rewards/merchants/{id}', '/v1/rewards/estimate']) {
      assert.ok(spec.paths[path], path);
    }
    assert.ok(spec.paths['/v1/rewards/campaigns/{id}'].patch.requestBody);
  });
});
