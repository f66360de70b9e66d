// The rules that let copies of data be updated late, twice or out of order: the customer copy's
// per-field as_of rule, the snapshot's "only ever newer" versions, the merchant directory, and the
// notification payloads that carry customers. No database.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCustomersCsv } from './customers-csv.ts';
import { decideCustomerUpdate, type CustomerState } from './customer-update.ts';
import { MerchantDirectory } from './merchant-directory.ts';
import type { CampaignRules } from './model.ts';
import { parseRate } from './points.ts';
import { decodeChange, encodeChange, type CustomerTuple } from './snapshot/changes.ts';
import { RewardsSnapshot } from './snapshot/snapshot.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 0, minute));

describe('customer copy: each field takes only strictly newer values', () => {
  test('examples', () => {
    const first = decideCustomerUpdate(null, { cardStatus: 2, stage: 20, asOf: at(10) });
    assert.deepEqual(first.applied, ['card_status', 'stage']);
    const olderStage = decideCustomerUpdate(first.next, { stage: 10, asOf: at(5) });
    assert.deepEqual([olderStage.applied, olderStage.ignored, olderStage.next.stage], [[], ['stage'], 20]);
    const sameTime = decideCustomerUpdate(first.next, { cardStatus: 3, asOf: at(10) });
    assert.deepEqual(sameTime.ignored, ['card_status'], 'as old as what is held: not newer');
    const mixed = decideCustomerUpdate(first.next, { cardStatus: 3, asOf: at(11) });
    assert.deepEqual([mixed.next.cardStatus, mixed.next.stage, mixed.next.stageAsOf], [3, 20, at(10)]);
  });

  test('property: any delivery order (with repeats) ends with the newest value of each field', () => {
    const update = fc.record({ field: fc.constantFrom('cardStatus', 'stage'), value: fc.integer({ min: 0, max: 99 }), minute: fc.integer({ min: 0, max: 10_000 }) });
    fc.assert(
      fc.property(fc.uniqueArray(update, { minLength: 1, maxLength: 30, selector: (u) => `${u.field}@${u.minute}` }), fc.func(fc.integer()), (updates, shuffleKey) => {
        const deliveries = [...updates, ...updates.slice(0, 5)].sort((x, y) => shuffleKey(x.minute, x.value) - shuffleKey(y.minute, y.value));
        let state: CustomerState | null = null;
        for (const u of deliveries) state = decideCustomerUpdate(state, { [u.field]: u.value, asOf: at(u.minute) }).next;
        for (const field of ['cardStatus', 'stage'] as const) {
          const sent = updates.filter((u) => u.field === field);
          const newest = sent.reduce<(typeof sent)[number] | null>((best, u) => (best === null || u.minute > best.minute ? u : best), null);
          assert.equal(state![field], newest?.value ?? null, field);
        }
      }),
    );
  });
});

function campaign(id: string, version: number, endsAt = new Date('2099-01-01T00:00:00Z')): CampaignRules {
  return {
    campaignId: id,
    version,
    name: `${id} v${version}`,
    startsAt: new Date('2020-01-01T00:00:00Z'),
    endsAt,
    paused: false,
    cardStatuses: null,
    marketplace: null,
    merchants: null,
    paymentMethods: null,
    minAmount: null,
    stageRates: [{ minStage: 0, ratePercent: parseRate('1') }],
    rounding: 'floor',
    capPerCustomerMonth: null,
    capTimezone: 'Asia/Tokyo',
    budgetPoints: null,
    fundingParty: 'issuer',
    pointsExpireAfterDays: null,
  };
}

describe('snapshot', () => {
  test('campaigns: only newer versions replace, ended ones leave, the list stays sorted by id', () => {
    const s = new RewardsSnapshot();
    s.replaceAll({ campaigns: [campaign('rcp_b', 1), campaign('rcp_a', 2)], customers: [], merchants: [] });
    assert.ok(s.ready);
    assert.deepEqual(s.campaigns.map((c) => c.campaignId), ['rcp_a', 'rcp_b']);
    assert.equal(s.putCampaign('rcp_a', campaign('rcp_a', 1)), false, 'an older version is ignored');
    assert.equal(s.campaigns[0]!.version, 2);
    s.putCampaign('rcp_a', campaign('rcp_a', 3, new Date('2020-06-01T00:00:00Z')));
    assert.deepEqual(s.campaigns.map((c) => c.campaignId), ['rcp_b'], 'ended: dropped');
  });

  test('customers: only a higher version replaces', () => {
    const s = new RewardsSnapshot();
    s.replaceAll({ campaigns: [], customers: [{ id: 'c', cardStatus: 2, stage: 30, version: 5n }], merchants: [] });
    assert.equal(s.putCustomer({ id: 'c', cardStatus: 1, stage: 10, version: 4n }), false);
    assert.equal(s.putCustomer({ id: 'c', cardStatus: 1, stage: 10, version: 5n }), false, 'the same version twice');
    assert.equal(s.putCustomer({ id: 'c', cardStatus: 3, stage: 40, version: 6n }), true);
    assert.deepEqual(s.customer('c'), { id: 'c', cardStatus: 3, stage: 40, version: 6n });
    assert.equal(s.customer('nobody'), null);
  });

  test('merchant directory: a master replaced whole, periods by time, unmapped is outside', () => {
    const period = (masterId: string, merchantId: string, from: number, to = Infinity) => ({ masterId, paymentMethod: 'card', merchantId, fromMs: from, toMs: to });
    const d = MerchantDirectory.of([
      { id: 'old', marketplace: 'outside', version: 1, periods: [period('old', 'M1', 0, 1000)] },
      { id: 'new', marketplace: 'inside', version: 1, periods: [period('new', 'M1', 1000)] },
    ]);
    assert.deepEqual(d.resolve('card', 'M1', new Date(999)), { masterId: 'old', marketplace: 'outside' });
    assert.deepEqual(d.resolve('card', 'M1', new Date(1000)), { masterId: 'new', marketplace: 'inside' });
    assert.deepEqual(d.resolve('wallet', 'M1', new Date(1000)), { masterId: null, marketplace: 'outside' });
    assert.equal(d.put({ id: 'new', marketplace: 'inside', version: 2, periods: [period('new', 'M2', 0)] }), true);
    assert.deepEqual(d.resolve('card', 'M1', new Date(2000)).masterId, null, 'the replaced mapping is gone');
    assert.deepEqual(d.resolve('card', 'M2', new Date(2000)).masterId, 'new');
    assert.equal(d.put({ id: 'new', marketplace: 'outside', version: 1, periods: [] }), false, 'an older version is ignored');
  });
});

describe('change notifications', () => {
  test('customers are split into payloads PostgreSQL accepts, and read back whole', () => {
    const rows: CustomerTuple[] = Array.from({ length: 1000 }, (_, i) => [`customer-${'x'.repeat(40)}-${i}`, i % 5, i, String(10n ** 15n + BigInt(i))]);
    const payloads = encodeChange({ kind: 'customers', rows });
    assert.ok(payloads.length > 1);
    for (const p of payloads) assert.ok(Buffer.byteLength(p) < 8000, `${Buffer.byteLength(p)} bytes`);
    const back = payloads.flatMap((p) => {
      const c = decodeChange(p);
      return c?.kind === 'customers' ? c.rows : [];
    });
    assert.deepEqual(back, rows);
  });

  test('campaign and merchant changes name their id; anything else is ignored', () => {
    assert.deepEqual(decodeChange(encodeChange({ kind: 'campaign', id: 'rcp_1' })[0]!), { kind: 'campaign', id: 'rcp_1' });
    assert.equal(decodeChange('{"kind":"something-new"}'), null);
    assert.equal(decodeChange('not json'), null);
  });
});

describe('customers CSV', () => {
  test('columns in any order; an empty cell is "not sent"', () => {
    const rows = parseCustomersCsv('stage,customer_id,as_of,card_status\n30,c1,2026-11-01T00:00:00Z,2\n,c2,2026-11-01T09:00:00+09:00,3\n\n');
    assert.deepEqual(rows, [
      { customerId: 'c1', asOf: new Date('2026-11-01T00:00:00Z'), cardStatus: 2, stage: 30 },
      { customerId: 'c2', asOf: new Date('2026-11-01T00:00:00Z'), cardStatus: 3 },
    ]);
  });

  test('errors name the line and column', () => {
    const fails = (text: string, field: string, line: number) =>
      assert.throws(() => parseCustomersCsv(text), (err: { details: { field: string; line: number } }) => err.details.field === field && err.details.line === line);
    fails('customer_id,stage\nc1,3\n', 'as_of', 1);
    fails('customer_id,stage,as_of\nc1,3,2026-11-01T00:00:00Z\nc2,x,2026-11-01T00:00:00Z\n', 'stage', 3);
    fails('customer_id,stage,as_of\nc1,3,yesterday\n', 'as_of', 2);
    fails('customer_id,stage,as_of\nc 1,3,2026-11-01T00:00:00Z\n', 'customer_id', 2);
    fails('customer_id,stage,card_status,as_of\nc1,,,2026-11-01T00:00:00Z\n', 'card_status', 2);
  });
});
