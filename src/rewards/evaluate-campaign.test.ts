import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateCampaign } from './evaluate-campaign.ts';
import { MerchantDirectory, type MerchantMasterEntry } from './merchant-directory.ts';
import { REWARD_REASONS, type CampaignRules, type Marketplace, type PointsRounding, type RewardCustomer, type RewardReason } from './model.ts';
import { formatRate, parseRate } from './points.ts';

// The decision table of docs/rewards.md, cell for cell: test/docs.test.ts checks that the three
// tables there (campaigns, merchant master, decisions) have exactly these rows, in this order.
// Every campaign runs from 2026-11-01 to 2026-12-01 (UTC); dates are midnight UTC.

// campaign | card status | marketplace | merchants | payment methods | minimum amount | stage → rate (%) | rounding | paused
const CAMPAIGNS: string[][] = [
  ["inside", "2, 3", "inside", "—", "—", "—", "10 → 1.0, 20 → 2.0, 30 → 3.0, 40 → 4.0", "floor", "no"],
  ["inside-paused", "2, 3", "inside", "—", "—", "—", "10 → 1.0, 20 → 2.0, 30 → 3.0, 40 → 4.0", "floor", "yes"],
  ["outside", "2, 3", "outside", "not m-excluded", "—", "—", "10 → 1.0, 20 → 2.0, 30 → 3.0, 40 → 4.0", "ceiling", "no"],
  ["listed", "—", "—", "only m-shop", "card", "1000 JPY", "0 → 0.5", "half_up", "no"],
  ["any", "—", "—", "—", "—", "—", "0 → 1.5", "half_even", "no"],
];

// master | marketplace | payment method | merchant id | from | to
const MERCHANTS: string[][] = [
  ["mp-ours", "inside", "card", "CN-OURS", "2026-01-01", "—"],
  ["mp-ours", "inside", "wallet", "ID-777", "2026-11-15", "—"],
  ["m-cafe", "outside", "wallet", "ID-777", "2026-01-01", "2026-11-15"],
  ["m-shop", "outside", "card", "CN-SHOP", "2026-01-01", "—"],
  ["m-excluded", "outside", "card", "CN-EXCL", "2026-01-01", "—"],
];

// case | campaign | customer | payment | merchant | at | applies | points | reasons
const ROWS: string[][] = [
  ["stage 30 on our marketplace earns 3 %", "inside", "card 2 · stage 30", "10000 JPY card", "CN-OURS", "2026-11-22", "yes", "300", "—"],
  ["stage 10 earns 1 %", "inside", "card 3 · stage 10", "10000 JPY card", "CN-OURS", "2026-11-22", "yes", "100", "—"],
  ["a stage between rows takes the lower row", "inside", "card 2 · stage 25", "10000 JPY card", "CN-OURS", "2026-11-22", "yes", "200", "—"],
  ["a stage above the table takes the top row", "inside", "card 2 · stage 55", "10000 JPY card", "CN-OURS", "2026-11-22", "yes", "400", "—"],
  ["floor: 3 % of 1234 yen is 37.02", "inside", "card 2 · stage 30", "1234 JPY card", "CN-OURS", "2026-11-22", "yes", "37", "—"],
  ["a stage below the table earns nothing", "inside", "card 2 · stage 5", "10000 JPY card", "CN-OURS", "2026-11-22", "no", "0", "stage_below_table"],
  ["card status outside the set", "inside", "card 1 · stage 30", "10000 JPY card", "CN-OURS", "2026-11-22", "no", "0", "card_status_not_eligible"],
  ["card status not known yet", "inside", "card ? · stage 30", "10000 JPY card", "CN-OURS", "2026-11-22", "no", "0", "card_status_not_eligible"],
  ["no local copy of the customer", "inside", "no local copy", "10000 JPY card", "CN-OURS", "2026-11-22", "no", "0", "customer_unknown"],
  ["a wallet payment on our marketplace resolves to our master", "inside", "card 2 · stage 30", "10000 JPY wallet", "ID-777", "2026-11-22", "yes", "300", "—"],
  ["the same wallet merchant id before it was ours", "inside", "card 2 · stage 30", "10000 JPY wallet", "ID-777", "2026-11-10", "no", "0", "marketplace_not_eligible"],
  ["the wallet's merchant id under another payment method is unmapped", "inside", "card 2 · stage 30", "10000 JPY card", "ID-777", "2026-11-22", "no", "0", "marketplace_not_eligible"],
  ["outside: another shop, ceiling of 37.02", "outside", "card 2 · stage 30", "1234 JPY card", "CN-SHOP", "2026-11-22", "yes", "38", "—"],
  ["outside: our marketplace is not outside", "outside", "card 2 · stage 30", "10000 JPY card", "CN-OURS", "2026-11-22", "no", "0", "marketplace_not_eligible"],
  ["outside: an excluded master (invert)", "outside", "card 2 · stage 30", "10000 JPY card", "CN-EXCL", "2026-11-22", "no", "0", "merchant_excluded"],
  ["outside: an unmapped merchant is outside and not excluded", "outside", "card 2 · stage 30", "10000 JPY card", "CN-UNKNOWN", "2026-11-22", "yes", "300", "—"],
  ["listed: the listed shop, half_up of 6.5", "listed", "card ? · stage 0", "1300 JPY card", "CN-SHOP", "2026-11-22", "yes", "7", "—"],
  ["listed: the minimum amount exactly, half_up of 5.0", "listed", "card ? · stage 0", "1000 JPY card", "CN-SHOP", "2026-11-22", "yes", "5", "—"],
  ["listed: a shop not on the list", "listed", "card ? · stage 0", "1300 JPY card", "CN-EXCL", "2026-11-22", "no", "0", "merchant_not_listed"],
  ["listed: an unmapped merchant is on no list", "listed", "card ? · stage 0", "1300 JPY card", "CN-UNKNOWN", "2026-11-22", "no", "0", "merchant_not_listed"],
  ["listed: another payment method, whose merchant id is unmapped", "listed", "card ? · stage 0", "1300 JPY wallet", "CN-SHOP", "2026-11-22", "no", "0", "merchant_not_listed, payment_method_not_eligible"],
  ["listed: below the minimum amount", "listed", "card ? · stage 0", "999 JPY card", "CN-SHOP", "2026-11-22", "no", "0", "amount_below_minimum"],
  ["listed: another currency than the minimum's", "listed", "card ? · stage 0", "500000 USD card", "CN-SHOP", "2026-11-22", "no", "0", "currency_not_eligible"],
  ["any: 1.5 % of 100.00 USD is 1.5, half_even 2", "any", "card ? · stage 0", "10000 USD card", "CN-UNKNOWN", "2026-11-22", "yes", "2", "—"],
  ["any: 1.5 % of 300.00 USD is 4.5, half_even 4", "any", "card ? · stage 0", "30000 USD card", "CN-UNKNOWN", "2026-11-22", "yes", "4", "—"],
  ["any: 1.5 % of 1.000 KWD rounds to 0 points", "any", "card ? · stage 0", "1000 KWD card", "CN-UNKNOWN", "2026-11-22", "yes", "0", "—"],
  ["any: a customer whose stage is not known yet", "any", "card 2 · stage ?", "10000 JPY card", "CN-OURS", "2026-11-22", "no", "0", "stage_below_table"],
  ["a paused campaign", "inside-paused", "card 2 · stage 30", "10000 JPY card", "CN-OURS", "2026-11-22", "no", "0", "campaign_paused"],
  ["a payment before the start", "inside", "card 2 · stage 30", "10000 JPY card", "CN-OURS", "2026-10-31", "no", "0", "campaign_not_started"],
  ["a payment at the end instant", "inside", "card 2 · stage 30", "10000 JPY card", "CN-OURS", "2026-12-01", "no", "0", "campaign_ended"],
  ["every reason at once is reported", "inside", "no local copy", "10000 JPY wallet", "CN-SHOP", "2026-12-05", "no", "0", "campaign_ended, customer_unknown, marketplace_not_eligible"],
];

const none = (cell: string) => cell === '—';
const day = (cell: string) => new Date(`${cell}T00:00:00Z`);
const set = <T,>(cell: string, parse: (s: string) => T) => (none(cell) ? null : new Set(cell.split(',').map((s) => parse(s.trim()))));

function campaignOf(cells: string[]): CampaignRules {
  const [name, cards, marketplace, merchants, methods, minimum, rates, rounding, paused] = cells as [string, string, string, string, string, string, string, string, string];
  const m = /^(only|not) (.+)$/.exec(merchants);
  const min = /^(\d+) ([A-Z]{3})$/.exec(minimum);
  return {
    campaignId: name,
    version: 1,
    name,
    startsAt: day('2026-11-01'),
    endsAt: day('2026-12-01'),
    paused: paused === 'yes',
    cardStatuses: set(cards, Number),
    marketplace: none(marketplace) ? null : (marketplace as Marketplace),
    merchants: m ? { masterIds: new Set(m[2]!.split(',').map((s) => s.trim())), invert: m[1] === 'not' } : null,
    paymentMethods: set(methods, String),
    minAmount: min ? { amount: BigInt(min[1]!), currency: min[2]! } : null,
    stageRates: rates.split(',').map((r) => {
      const [stage, rate] = r.split('→').map((s) => s.trim()) as [string, string];
      return { minStage: Number(stage), ratePercent: parseRate(rate) };
    }),
    rounding: rounding as PointsRounding,
    capPerCustomerMonth: null,
    capTimezone: 'Asia/Tokyo',
    budgetPoints: null,
    fundingParty: 'issuer',
    pointsExpireAfterDays: null,
  };
}

function directoryOf(rows: string[][]): MerchantDirectory {
  const masters = new Map<string, MerchantMasterEntry>();
  for (const [masterId, marketplace, paymentMethod, merchantId, from, to] of rows as string[][] as [string, string, string, string, string, string][]) {
    const entry = masters.get(masterId) ?? { id: masterId, marketplace: marketplace as Marketplace, version: 1, periods: [] };
    masters.set(masterId, { ...entry, periods: [...entry.periods, { masterId, paymentMethod, merchantId, fromMs: day(from).getTime(), toMs: none(to) ? Infinity : day(to).getTime() }] });
  }
  return MerchantDirectory.of(masters.values());
}

function customerOf(cell: string): RewardCustomer | null {
  if (cell === 'no local copy') return null;
  const m = /^card (\d+|\?) · stage (\d+|\?)$/.exec(cell);
  assert.ok(m, `a customer cell: ${cell}`);
  const value = (s: string) => (s === '?' ? null : Number(s));
  return { id: 'c', cardStatus: value(m[1]!), stage: value(m[2]!), version: 1n };
}

const campaigns = new Map(CAMPAIGNS.map((cells) => [cells[0]!, campaignOf(cells)]));
const directory = directoryOf(MERCHANTS);

describe('campaign decision table (docs/rewards.md)', () => {
  for (const [name, campaign, customer, payment, merchantId, at, applies, points, reasons] of ROWS as [string, string, string, string, string, string, string, string, string][]) {
    test(name, () => {
      const rules = campaigns.get(campaign);
      assert.ok(rules, `campaign ${campaign} is in the campaigns table`);
      const p = /^(\d+) ([A-Z]{3}) (\S+)$/.exec(payment);
      assert.ok(p, `a payment cell: ${payment}`);
      const pay = { amount: BigInt(p[1]!), currency: p[2]!, paymentMethod: p[3]!, merchantId, at: day(at) };
      const result = evaluateCampaign(rules, customerOf(customer), pay, directory.resolve(pay.paymentMethod, merchantId, pay.at));
      assert.deepEqual(
        { applies: result.applies ? 'yes' : 'no', points: String(result.points), reasons: result.reasons.length === 0 ? '—' : result.reasons.join(', ') },
        { applies, points, reasons },
      );
    });
  }

  test('every reason has a row', () => {
    const covered = new Set(ROWS.flatMap((r) => r[8]!.split(', ')));
    assert.deepEqual(Object.keys(REWARD_REASONS).filter((r) => !covered.has(r as RewardReason)), []);
  });

  test('every rounding rule has a campaign', () => {
    assert.deepEqual(new Set(CAMPAIGNS.map((c) => c[7])), new Set(['floor', 'ceiling', 'half_up', 'half_even']));
  });

  test('rates keep their exact decimals', () => {
    assert.equal(formatRate(parseRate('1.0')), '1.0');
    assert.equal(formatRate(parseRate('2.2500')), '2.25');
    assert.equal(formatRate(parseRate('4')), '4.0');
  });
});
