import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startFakeStripe, type FakeStripe } from '../../../../test/fakes/fake-stripe-server.ts';
import { providerContract } from '../../../../test/support/provider-contract.ts';
import { isKessaiError } from '../../../errors/index.ts';
import type { AuthorizeRequest, PaymentProvider, ProviderOutcome } from '../provider.ts';
import { createStripeProvider } from './stripe-adapter.ts';

const WEBHOOK_SECRET = 'whsec_kessai_test';
let fake: FakeStripe;
let provider: PaymentProvider;

before(async () => {
  fake = await startFakeStripe();
  provider = createStripeProvider({ apiKey: fake.apiKey, apiBase: fake.url, webhookSecret: WEBHOOK_SECRET, timeoutMs: 5_000 });
});
after(() => fake.close());

providerContract('stripe', () => provider, { approved: 'pm_card_visa', declined: 'pm_card_chargeDeclinedInsufficientFunds', currency: 'JPY', amount: 12000n });

const authRequest = (overrides: Partial<AuthorizeRequest> = {}): AuthorizeRequest => ({
  idempotencyKey: `auth-${randomUUID()}`,
  reference: `pay_${randomUUID()}`,
  orderId: `order-${randomUUID()}`,
  amount: 12000n,
  currency: 'JPY',
  paymentMethod: 'pm_card_visa',
  captureMethod: 'manual',
  ...overrides,
});

function ok<T>(result: ProviderOutcome<T>): T {
  assert.equal(result.outcome, 'succeeded', JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)));
  return (result as { value: T }).value;
}

function failedCode(result: ProviderOutcome<unknown>): string | undefined {
  assert.equal(result.outcome, 'failed', JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)));
  return (result as { code: string }).code;
}

const intentsFor = (server: FakeStripe, reference: string) =>
  server.paymentIntents().filter((pi) => (pi.metadata as Record<string, string>).kessai_reference === reference);

describe('stripe adapter: requests', () => {
  test('authorize sends the documented PaymentIntent, keyed by our idempotency key', async () => {
    const req = authRequest({ currency: 'jpy' });
    const snap = ok(await provider.authorize(req));
    assert.equal(snap.currency, 'JPY');
    const sent = fake.requests.findLast((r) => r.path === '/v1/payment_intents')!;
    assert.equal(sent.idempotencyKey, req.idempotencyKey);
    assert.deepEqual(sent.params, {
      amount: '12000', currency: 'jpy', payment_method: 'pm_card_visa', allowed_payment_method_types: ['card'], confirm: 'true',
      capture_method: 'manual',
      metadata: { kessai_reference: req.reference, kessai_order_id: req.orderId, kessai_idempotency_key: req.idempotencyKey },
      payment_method_options: { card: { request_incremental_authorization: 'if_available', request_multicapture: 'if_available' } },
      expand: ['latest_charge'],
    });
  });

  test('currency goes to Stripe in lower case and comes back in upper case, whatever we send', async () => {
    for (const currency of ['USD', 'usd', 'Eur']) {
      const snap = ok(await provider.authorize(authRequest({ currency, amount: 1999n, captureMethod: 'automatic' })));
      assert.equal(snap.currency, currency.toUpperCase());
      assert.equal(fake.requests.findLast((r) => r.path === '/v1/payment_intents')!.params.currency, currency.toLowerCase());
    }
  });

  test('ISK goes to Stripe as a two-decimal amount and comes back in whole krónur', async () => {
    const id = ok(await provider.authorize(authRequest({ currency: 'ISK', amount: 500n }))).providerPaymentId;
    assert.equal(fake.requests.findLast((r) => r.path === '/v1/payment_intents')!.params.amount, '50000');
    const snap = ok(await provider.capture({ idempotencyKey: `c-${randomUUID()}`, providerPaymentId: id, amount: 300n, currency: 'ISK', final: true }));
    assert.deepEqual([snap.currency, snap.amountAuthorized, snap.amountCaptured], ['ISK', 500n, 300n]);
  });

  test('every mutating call carries the caller’s idempotency key', async () => {
    const auth = ok(await provider.authorize(authRequest()));
    const id = auth.providerPaymentId;
    const keys = { inc: `inc-${randomUUID()}`, cap: `cap-${randomUUID()}`, ref: `ref-${randomUUID()}` };
    ok(await provider.incrementAuthorization({ idempotencyKey: keys.inc, providerPaymentId: id, amount: 13000n, currency: 'JPY' }));
    ok(await provider.capture({ idempotencyKey: keys.cap, providerPaymentId: id, amount: 13000n, currency: 'JPY', final: true }));
    ok(await provider.refund({ idempotencyKey: keys.ref, providerPaymentId: id, amount: 100n, currency: 'JPY' }));
    const posts = fake.requests.filter((r) => r.method === 'POST').slice(-3);
    assert.deepEqual(posts.map((r) => r.idempotencyKey), [keys.inc, keys.cap, keys.ref]);
  });

  test('an amount a double cannot carry exactly is refused before anything is sent', async () => {
    const before = fake.requests.length;
    const result = await provider.authorize(authRequest({ amount: 2n ** 53n + 1n }));
    assert.equal(failedCode(result), 'amount_invalid');
    assert.equal(fake.requests.length, before);
  });
});

describe('stripe adapter: declines and refusals', () => {
  test('a decline is data, the declined attempt is findable, and replaying it declines again without a new attempt', async () => {
    const req = authRequest({ paymentMethod: 'pm_card_chargeDeclinedInsufficientFunds' });
    const first = await provider.authorize(req);
    assert.deepEqual(first, { outcome: 'declined', declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.' });
    assert.deepEqual(await provider.authorize(req), first);
    assert.equal(intentsFor(fake, req.reference).length, 1);
    const found = ok(await provider.findAuthorization({ idempotencyKey: req.idempotencyKey, reference: req.reference }));
    assert.equal(found?.status, 'declined');
    assert.equal(found?.declineCode, 'insufficient_funds');
  });

  test('other decline codes pass through', async () => {
    const result = await provider.authorize(authRequest({ paymentMethod: 'pm_card_chargeDeclinedExpiredCard' }));
    assert.equal(result.outcome === 'declined' && result.declineCode, 'expired_card');
  });

  test('incrementing a card without incremental authorization fails and leaves the hold as it was', async () => {
    const req = authRequest({ paymentMethod: 'pm_card_visa_no_incremental' });
    const auth = ok(await provider.authorize(req));
    const id = auth.providerPaymentId;
    const result = await provider.incrementAuthorization({ idempotencyKey: `inc-${randomUUID()}`, providerPaymentId: id, amount: 20000n, currency: 'JPY' });
    assert.equal(failedCode(result), 'payment_intent_invalid_parameter');
    const now = ok(await provider.findAuthorization({ idempotencyKey: req.idempotencyKey, reference: req.reference, providerPaymentId: id }));
    assert.equal(now?.status, 'authorized');
    assert.equal(now?.amountAuthorized, 12000n);
  });

  test('state and amount refusals carry Stripe’s codes', async () => {
    const id = ok(await provider.authorize(authRequest({ captureMethod: 'automatic' }))).providerPaymentId;
    const key = () => `k-${randomUUID()}`;
    assert.equal(failedCode(await provider.void({ idempotencyKey: key(), providerPaymentId: id })), 'payment_intent_unexpected_state');
    assert.equal(
      failedCode(await provider.capture({ idempotencyKey: key(), providerPaymentId: id, amount: 1n, currency: 'JPY', final: true })),
      'payment_intent_unexpected_state',
    );
    assert.equal(failedCode(await provider.refund({ idempotencyKey: key(), providerPaymentId: id, amount: 12001n, currency: 'JPY' })), 'amount_too_large');
    ok(await provider.refund({ idempotencyKey: key(), providerPaymentId: id, amount: 12000n, currency: 'JPY' }));
    assert.equal(failedCode(await provider.refund({ idempotencyKey: key(), providerPaymentId: id, amount: 1n, currency: 'JPY' })), 'charge_already_refunded');
  });

  test('a key reused for a different request is refused, and the first request stands', async () => {
    const req = authRequest();
    const first = ok(await provider.authorize(req));
    assert.equal(failedCode(await provider.authorize({ ...req, amount: 13000n })), 'idempotency_error');
    assert.deepEqual(intentsFor(fake, req.reference).map((pi) => pi.id), [first.providerPaymentId]);
  });

  test('final_capture=false on a card without multicapture fails', async () => {
    const auth = ok(await provider.authorize(authRequest({ paymentMethod: 'pm_card_visa_no_multicapture' })));
    const result = await provider.capture({ idempotencyKey: `c-${randomUUID()}`, providerPaymentId: auth.providerPaymentId, amount: 1000n, currency: 'JPY', final: false });
    assert.equal(failedCode(result), 'payment_intent_invalid_parameter');
  });

  test('a wrong API key fails as an authentication error', async () => {
    const wrong = createStripeProvider({ apiKey: 'pk_live_wrong', apiBase: fake.url });
    assert.equal(failedCode(await wrong.authorize(authRequest())), 'authentication_error');
  });
});

describe('stripe adapter: status query', () => {
  test('by PaymentIntent id: found, refunded amount included; unknown id is null; another payment’s id is refused', async () => {
    const req = authRequest({ captureMethod: 'automatic' });
    const id = ok(await provider.authorize(req)).providerPaymentId;
    ok(await provider.refund({ idempotencyKey: `r-${randomUUID()}`, providerPaymentId: id, amount: 2000n, currency: 'JPY' }));
    const found = ok(await provider.findAuthorization({ idempotencyKey: req.idempotencyKey, reference: req.reference, providerPaymentId: id }));
    assert.deepEqual([found?.status, found?.amountCaptured, found?.amountRefunded], ['captured', 12000n, 2000n]);
    assert.equal(ok(await provider.findAuthorization({ idempotencyKey: 'k', reference: req.reference, providerPaymentId: 'pi_nope' })), null);
    assert.equal(failedCode(await provider.findAuthorization({ idempotencyKey: 'k', reference: 'pay_other', providerPaymentId: id })), 'reference_mismatch');
  });

  test('by key: of two attempts under one payment, the one made with the key', async () => {
    const first = authRequest();
    const second = authRequest({ reference: first.reference, amount: 15000n });
    const a = ok(await provider.authorize(first));
    const b = ok(await provider.authorize(second));
    assert.equal(ok(await provider.findAuthorization({ idempotencyKey: first.idempotencyKey, reference: first.reference }))?.providerPaymentId, a.providerPaymentId);
    assert.equal(ok(await provider.findAuthorization({ idempotencyKey: second.idempotencyKey, reference: first.reference }))?.providerPaymentId, b.providerPaymentId);
  });

  test('a reference with quotes and backslashes is searched literally', async () => {
    const req = authRequest({ reference: `pay_it's_a \\ test` });
    const auth = ok(await provider.authorize(req));
    assert.equal(ok(await provider.findAuthorization({ idempotencyKey: req.idempotencyKey, reference: req.reference }))?.providerPaymentId, auth.providerPaymentId);
  });

  test('cancelling after a partial multicapture keeps the captured part', async () => {
    const id = ok(await provider.authorize(authRequest())).providerPaymentId;
    ok(await provider.capture({ idempotencyKey: `c-${randomUUID()}`, providerPaymentId: id, amount: 3000n, currency: 'JPY', final: false }));
    const voided = ok(await provider.void({ idempotencyKey: `v-${randomUUID()}`, providerPaymentId: id }));
    assert.deepEqual([voided.status, voided.amountCaptured], ['captured', 3000n]);
  });
});

describe('stripe adapter: lost and failed answers', () => {
  let faulty: FakeStripe;
  let p: PaymentProvider;
  before(async () => {
    faulty = await startFakeStripe();
    p = createStripeProvider({ apiKey: faulty.apiKey, apiBase: faulty.url, timeoutMs: 300 });
  });
  after(() => faulty.close());

  test('a lost authorize response is unknown; the replay with the same key returns the same PaymentIntent', async () => {
    const req = authRequest();
    faulty.failNext('timeout');
    const lost = await p.authorize(req);
    assert.equal(lost.outcome, 'unknown');
    assert.equal(intentsFor(faulty, req.reference).length, 1, 'Stripe did act');
    const replay = ok(await p.authorize(req));
    const intents = intentsFor(faulty, req.reference);
    assert.deepEqual(intents.map((pi) => pi.id), [replay.providerPaymentId]);
    assert.equal(replay.status, 'authorized');
    const sent = faulty.requests.filter((r) => r.idempotencyKey === req.idempotencyKey);
    assert.deepEqual(sent.map((r) => r.replayed), [false, true]);
  });

  test('a lost capture response, replayed, captures once', async () => {
    const id = ok(await p.authorize(authRequest())).providerPaymentId;
    const capture = { idempotencyKey: `cap-${randomUUID()}`, providerPaymentId: id, amount: 12000n, currency: 'JPY', final: true };
    faulty.failNext('timeout');
    assert.equal((await p.capture(capture)).outcome, 'unknown');
    const snap = ok(await p.capture(capture));
    assert.deepEqual([snap.status, snap.amountCaptured], ['captured', 12000n]);
    assert.equal(faulty.get(id)?.amount_received, 12000);
  });

  test('a 500 is unknown and changes nothing; the same key then works', async () => {
    const req = authRequest();
    faulty.failNext('500');
    assert.equal((await p.authorize(req)).outcome, 'unknown');
    assert.equal(intentsFor(faulty, req.reference).length, 0);
    assert.equal(ok(await p.findAuthorization({ idempotencyKey: req.idempotencyKey, reference: req.reference })), null);
    ok(await p.authorize(req));
    assert.equal(intentsFor(faulty, req.reference).length, 1);
  });

  test('one dropped connection is retried by the SDK with our key; two are unknown until replayed', async () => {
    const once = authRequest();
    faulty.failNext('drop');
    const snap = ok(await p.authorize(once));
    assert.deepEqual(faulty.requests.filter((r) => r.idempotencyKey === once.idempotencyKey).map((r) => r.replayed), [false, true]);
    assert.deepEqual(intentsFor(faulty, once.reference).map((pi) => pi.id), [snap.providerPaymentId]);

    const twice = authRequest();
    faulty.failNext('drop', 2);
    assert.equal((await p.authorize(twice)).outcome, 'unknown');
    const later = ok(await p.authorize(twice));
    assert.deepEqual(intentsFor(faulty, twice.reference).map((pi) => pi.id), [later.providerPaymentId]);
  });

  test('a lost refund response, replayed, refunds once', async () => {
    const id = ok(await p.authorize(authRequest({ captureMethod: 'automatic' }))).providerPaymentId;
    const refund = { idempotencyKey: `ref-${randomUUID()}`, providerPaymentId: id, amount: 5000n, currency: 'JPY' };
    faulty.failNext('timeout');
    assert.equal((await p.refund(refund)).outcome, 'unknown');
    const first = ok(await p.refund(refund));
    assert.equal(first.amount, 5000n);
    const chargeId = String(faulty.get(id)?.latest_charge);
    assert.equal(faulty.get(chargeId)?.amount_refunded, 5000);
  });
});

test('Stripe’s search trails writes: right after an attempt, a search can miss what a retrieve finds', async () => {
  const lagging = await startFakeStripe({ searchLagMs: 60_000 });
  try {
    const p = createStripeProvider({ apiKey: lagging.apiKey, apiBase: lagging.url });
    const req = authRequest();
    const id = ok(await p.authorize(req)).providerPaymentId;
    assert.equal(ok(await p.findAuthorization({ idempotencyKey: req.idempotencyKey, reference: req.reference })), null);
    const byId = ok(await p.findAuthorization({ idempotencyKey: req.idempotencyKey, reference: req.reference, providerPaymentId: id }));
    assert.equal(byId?.status, 'authorized');
  } finally {
    await lagging.close();
  }
});

describe('stripe adapter: webhooks', () => {
  const deliver = (signed: { body: string; header: string }, headerName = 'stripe-signature') =>
    provider.parseWebhook!(Buffer.from(signed.body), { [headerName]: signed.header, 'content-type': 'application/json' });
  const rejected = (err: unknown) => isKessaiError(err) && err.code === 'KS_ERR_WEBHOOK_SIGNATURE';

  test('a signed payment_intent event names our payment and the PaymentIntent', async () => {
    const req = authRequest({ captureMethod: 'automatic' });
    const id = ok(await provider.authorize(req)).providerPaymentId;
    const event = fake.event('payment_intent.succeeded', id);
    assert.deepEqual(deliver(fake.signWebhook(event, WEBHOOK_SECRET)), { eventId: event.id, type: 'payment_intent.succeeded', reference: req.reference, providerPaymentId: id });
  });

  test('charge.refunded names the PaymentIntent through the charge', async () => {
    const req = authRequest({ captureMethod: 'automatic' });
    const id = ok(await provider.authorize(req)).providerPaymentId;
    ok(await provider.refund({ idempotencyKey: `r-${randomUUID()}`, providerPaymentId: id, amount: 1000n, currency: 'JPY' }));
    const event = fake.event('charge.refunded', String(fake.get(id)?.latest_charge));
    const parsed = deliver(fake.signWebhook(event, WEBHOOK_SECRET), 'Stripe-Signature');
    assert.deepEqual(parsed, { eventId: event.id, type: 'charge.refunded', reference: req.reference, providerPaymentId: id });
  });

  test('tampered body, wrong secret, old timestamp and missing header are all rejected', async () => {
    const id = ok(await provider.authorize(authRequest())).providerPaymentId;
    const event = fake.event('payment_intent.amount_capturable_updated', id);
    const good = fake.signWebhook(event, WEBHOOK_SECRET);
    assert.throws(() => deliver({ body: good.body.replace('"livemode":false', '"livemode":true'), header: good.header }), rejected);
    assert.throws(() => deliver(fake.signWebhook(event, 'whsec_someone_else')), rejected);
    assert.throws(() => deliver(fake.signWebhook(event, WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 600)), rejected);
    assert.throws(() => provider.parseWebhook!(Buffer.from(good.body), {}), rejected);
    const noSecret = createStripeProvider({ apiKey: fake.apiKey, apiBase: fake.url });
    assert.throws(() => noSecret.parseWebhook!(Buffer.from(good.body), { 'stripe-signature': good.header }), rejected);
  });
});
