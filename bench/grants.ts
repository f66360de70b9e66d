// bench:grants — settled events processed per second by the grant path (ingestEvent → the
// settlement queue → grantSettlements), with the caps and the idempotency it guarantees, on a
// fresh PostgreSQL (fsync on). The mix is what a worker sees: mostly new settlements, a fifth of
// deliveries a repeat of a payment already delivered (possibly still in flight), a few refunds;
// 2,000 customers, three campaigns like the seed's with monthly caps, two of them with a budget
// small enough to run out during the run. `CONCURRENCY` (64) closed loops deliver events for
// `SECONDS` after a warm-up, through `ingest` — the settlement queue batches what arrives
// together, as it does for a pass of the outbox consumer (up to 200 events handed over at once)
// or concurrent `POST /v1/events` requests. At the end it checks what the grant promises —
// exactly one grant per (campaign, payment) for every campaign that applies (the in-memory
// estimate says which), each payment processed once, every counter equal to its grants and never
// over its cap or budget, the ledger tied to the grants — and exits non-zero if anything is off.
// The last line printed is one JSON object with the figures.
import pino from 'pino';
import { migrate, openDatabase } from '../src/db/index.ts';
import { SYSTEM } from '../src/events/index.ts';
import { createCampaign } from '../src/rewards/create-campaign.ts';
import { createRewards, type IngestResult, type RewardInboundEvent } from '../src/rewards/index.ts';
import { putMerchantMaster } from '../src/rewards/put-merchant-master.ts';
import { benchDatabase, closedLoop } from './lib.ts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 2000);
const DUPLICATE_SHARE = 0.2;
const REFUND_SHARE = 0.05;

const db = await benchDatabase('grants');
const database = openDatabase(db.url, CONCURRENCY + 2);
let failed = false;
try {
  await migrate(database.pool);
  const rewards = createRewards({ db: database.db, logger: pino({ level: 'silent' }), databaseUrl: db.url });
  const ctx = rewards.context;
  await rewards.start();
  const asOf = new Date('2026-01-01T00:00:00Z');
  await rewards.importCustomers(Array.from({ length: CUSTOMERS }, (_, i) => ({ customerId: `cus-${i}`, cardStatus: 1 + (i % 3), stage: 10 * (i % 5), asOf })));
  const from2020 = new Date('2020-01-01T00:00:00Z');
  await putMerchantMaster(ctx, 'm-ours', { name: 'Our marketplace', marketplace: 'inside', merchantIds: [
    { paymentMethod: 'card', merchantId: 'CN-OURS', effectiveFrom: from2020, effectiveTo: null },
    { paymentMethod: 'wallet', merchantId: 'VISA-4411', effectiveFrom: from2020, effectiveTo: null },
  ] }, SYSTEM);
  await putMerchantMaster(ctx, 'm-excluded', { name: 'Excluded shop', marketplace: 'outside', merchantIds: [{ paymentMethod: 'card', merchantId: 'CN-EXCL', effectiveFrom: from2020, effectiveTo: null }] }, SYSTEM);
  const rates = [
    { min_stage: 10, rate_percent: '1.0' },
    { min_stage: 20, rate_percent: '2.0' },
    { min_stage: 30, rate_percent: '3.0' },
    { min_stage: 40, rate_percent: '4.0' },
  ];
  const common = { starts_at: '2026-01-01T00:00:00Z', ends_at: '2099-01-01T00:00:00Z', stage_rates: rates, rounding: 'floor' as const, funding_party: 'card_issuer' };
  const campaigns = [
    await createCampaign(ctx, { ...common, name: 'Mercard on the marketplace', user_filters: { card_status: [2, 3] }, payment_filters: { marketplace: 'inside' }, caps: { per_customer_month: 3000, budget: 1_000_000_000 } }, SYSTEM),
    await createCampaign(ctx, { ...common, name: 'Elsewhere, except', payment_filters: { marketplace: 'outside', merchants: { master_ids: ['m-excluded'], invert: true } }, caps: { per_customer_month: 2000, budget: 1_500_000 } }, SYSTEM),
    await createCampaign(ctx, { ...common, name: 'Listed shops', funding_party: 'merchant', payment_filters: { merchants: { master_ids: ['m-ours'] }, min_amount: { amount: 1000, currency: 'JPY' } }, caps: { budget: 300_000 } }, SYSTEM),
  ];

  // A seeded generator: every run delivers the same sequence (the interleaving differs).
  let seed = 0x5eed;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const merchants = [['card', 'CN-OURS'], ['wallet', 'VISA-4411'], ['card', 'CN-SHOP-1'], ['card', 'CN-SHOP-2'], ['card', 'CN-EXCL']] as const;
  const delivered: Extract<RewardInboundEvent, { type: 'payment.settled' }>[] = [];
  let payments = 0;
  let refunds = 0;
  const nextEvent = (): RewardInboundEvent => {
    const r = random();
    if (delivered.length > 0 && r < DUPLICATE_SHARE) return { ...pick(delivered), eventId: `evt-dup-${payments}-${refunds}` };
    if (delivered.length > 0 && r < DUPLICATE_SHARE + REFUND_SHARE) {
      const p = pick(delivered);
      return { type: 'payment.refunded', source: 'http', eventId: `evt-rf-${refunds}`, paymentId: p.paymentId, refundId: `rf-${refunds++}`, amount: p.amount / 3n + 1n, currency: 'JPY', refundedAt: new Date() };
    }
    const [method, merchantId] = pick(merchants);
    const n = payments++;
    // Payments made in November and December 2026 (two cap months), settled now.
    const event = {
      type: 'payment.settled' as const,
      source: 'http' as const,
      eventId: `evt-${n}`,
      paymentId: `pay-${n}`,
      customerId: `cus-${Math.floor(random() * CUSTOMERS)}`,
      amount: BigInt(500 + Math.floor(random() * 30_000)),
      currency: 'JPY',
      merchantId,
      paymentMethod: method,
      paidAt: new Date(Date.UTC(2026, 10, 1) + Math.floor(random() * 60 * 86_400_000)),
      settledAt: new Date(),
    };
    delivered.push(event);
    return event;
  };

  const outcomes = new Map<string, number>();
  const processedPayments = new Map<string, number>();
  let settledDeliveries = 0;
  let counting = false;
  const deliver = async () => {
    const event = nextEvent();
    const r: IngestResult = await rewards.ingest(event);
    if (event.type === 'payment.settled' && r.outcome === 'processed') processedPayments.set(event.paymentId, (processedPayments.get(event.paymentId) ?? 0) + 1);
    if (!counting) return;
    outcomes.set(`${event.type}:${r.outcome}`, (outcomes.get(`${event.type}:${r.outcome}`) ?? 0) + 1);
    if (event.type === 'payment.settled') settledDeliveries++;
  };
  const warm = await closedLoop(CONCURRENCY, WARMUP_SECONDS, deliver);
  counting = true;
  const started = performance.now();
  const run = await closedLoop(CONCURRENCY, SECONDS, deliver);
  const elapsed = (performance.now() - started) / 1000;
  const errors = warm.errors + run.errors;

  // What the grant promises, checked on everything delivered (warm-up included).
  const problems: string[] = [];
  const q = async <T>(text: string) => (await database.pool.query(text)).rows as T[];
  const [settlements] = await q<{ n: string }>('SELECT count(*) AS n FROM reward_settlements');
  if (Number(settlements!.n) !== payments) problems.push(`${settlements!.n} settlements recorded for ${payments} payments`);
  const twice = [...processedPayments.values()].filter((n) => n !== 1).length;
  if (twice > 0 || processedPayments.size !== payments) problems.push(`${processedPayments.size} payments processed of ${payments}, ${twice} more than once`);
  const grants = await q<{ campaign_id: string; payment_id: string }>('SELECT campaign_id, payment_id FROM reward_grants');
  const granted = new Set(grants.map((g) => `${g.campaign_id}|${g.payment_id}`));
  if (granted.size !== grants.length) problems.push('a (campaign, payment) has more than one grant');
  let expected = 0;
  for (const p of delivered) {
    const estimate = rewards.estimate({ customerId: p.customerId, amount: p.amount, currency: p.currency, merchantId: p.merchantId, paymentMethod: p.paymentMethod, at: p.paidAt });
    for (const { campaign, evaluation } of estimate.campaigns) {
      if (!evaluation.applies) continue;
      expected++;
      if (!granted.has(`${campaign.campaignId}|${p.paymentId}`)) problems.push(`no grant for ${campaign.campaignId} on ${p.paymentId}`);
    }
  }
  if (expected !== grants.length) problems.push(`${grants.length} grants, ${expected} expected`);
  const budgets = await q<{ campaign_id: string; budget_points: string | null; used_points: string; held: string | null }>(`
    SELECT b.campaign_id, b.budget_points, b.used_points, (SELECT sum(points - points_reversed) FROM reward_grants g WHERE g.campaign_id = b.campaign_id) AS held
    FROM reward_campaign_budgets b ORDER BY b.campaign_id`);
  for (const b of budgets) {
    if (BigInt(b.used_points) !== BigInt(b.held ?? 0)) problems.push(`budget of ${b.campaign_id}: used ${b.used_points}, grants hold ${b.held}`);
    if (b.budget_points !== null && BigInt(b.used_points) > BigInt(b.budget_points)) problems.push(`budget of ${b.campaign_id} overshot`);
  }
  const months = await q<{ off: string; over: string; full: string }>(`
    SELECT count(*) FILTER (WHERE u.used_points <> COALESCE(g.held, 0)) AS off, count(*) FILTER (WHERE u.used_points > u.cap_points) AS over,
           count(*) FILTER (WHERE u.used_points = u.cap_points) AS full
    FROM reward_customer_month_usage u
    LEFT JOIN (SELECT campaign_id, customer_id, cap_month, sum(points - points_reversed) AS held FROM reward_grants GROUP BY 1, 2, 3) g
      ON g.campaign_id = u.campaign_id AND g.customer_id = u.customer_id AND g.cap_month = u.month`);
  if (Number(months[0]!.off) > 0 || Number(months[0]!.over) > 0) problems.push(`month counters: ${months[0]!.off} differ from their grants, ${months[0]!.over} over the cap`);
  const [ledger] = await q<{ off: string }>(`
    SELECT count(*) AS off FROM reward_grants g
    WHERE g.points <> COALESCE((SELECT sum(points) FROM reward_ledger_entries l WHERE l.grant_id = g.id AND l.kind = 'granted'), 0)
       OR g.points_reversed <> COALESCE((SELECT sum(points) FROM reward_ledger_entries l WHERE l.grant_id = g.id AND l.kind = 'reversed'), 0)`);
  if (Number(ledger!.off) > 0) problems.push(`${ledger!.off} grants differ from their ledger rows`);
  if (errors > 0) problems.push(`${errors} deliveries failed`);
  // Deadlocks PostgreSQL had to break (each costs a batch its retry, settlement by settlement).
  const [stats] = await q<{ deadlocks: string }>('SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()');
  const exhausted = budgets.filter((b) => b.budget_points !== null && b.used_points === b.budget_points).length;

  const result = {
    bench: 'grants',
    concurrency: CONCURRENCY,
    seconds: SECONDS,
    customers: CUSTOMERS,
    campaigns: campaigns.length,
    settled_per_s: Math.round(settledDeliveries / elapsed),
    events_per_s: Math.round(run.perSecond),
    p50_ms: Math.round(run.p50 * 100) / 100,
    p99_ms: Math.round(run.p99 * 100) / 100,
    outcomes: Object.fromEntries([...outcomes].sort()),
    payments,
    grants: grants.length,
    budgets_exhausted: exhausted,
    month_caps_full: Number(months[0]!.full),
    deadlocks: Number(stats!.deadlocks),
    errors,
    verified: problems.length === 0,
    goal: { settled_per_s: 1000 },
  };
  for (const p of problems.slice(0, 20)) console.error(`NOT OK: ${p}`);
  console.log(`grants: ${result.settled_per_s} settled events/s (${result.events_per_s} events/s), p99 ${result.p99_ms} ms; ${payments} payments, ${grants.length} grants, verified: ${result.verified}`);
  console.log(JSON.stringify(result));
  failed = problems.length > 0;
  await rewards.stop();
} finally {
  await database.close();
  await db.stop();
}
if (failed) process.exitCode = 1;
