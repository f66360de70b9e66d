import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './support/app.ts';
import { startFakeStripe, type FakeStripe } from './fakes/fake-stripe-server.ts';
import { getPayment, pay } from './support/payments.ts';

const SECRET = 'whsec_test_kessai';
let stripe: FakeStripe;
let t: TestApp;

before(async () => {
  stripe = await startFakeStripe();
  t = await startTestApp({ STRIPE_API_KEY: stripe.apiKey, STRIPE_API_BASE: stripe.url, STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_TIMEOUT_MS: '500', KESSAI_PENDING_AFTER_SECONDS: '0' });
});
after(async () => {
  await t?.close();
  await stripe?.close();
});

const viaStripe = (body: Record<string, unknown> = {}) => pay(t, { provider: 'stripe', payment_method: 'pm_card_visa', ...body });

describe('payments through the stripe adapter (against the local fake Stripe)', () => {
  test('authorize, raise, capture less, refund: our books match Stripe’s', async () => {
    const p = (await viaStripe({ amount: 5000 })).json();
    assert.equal(p.status, 'authorized');
    assert.match(p.provider_payment_id, /^pi_/);
    const raised = await t.request({ method: 'POST', url: `/v1/payments/${p.id}/increment_authorization`, payload: { amount: 6000 } });
    assert.equal(raised.json().amount_authorized, 6000, raised.body);
    const captured = await t.request({ method: 'POST', url: `/v1/payments/${p.id}/capture`, payload: { amount: 5500 } });
    assert.equal(captured.json().status, 'captured', captured.body);
    const refund = await t.request({ method: 'POST', url: `/v1/payments/${p.id}/refunds`, payload: { amount: 500 } });
    assert.equal(refund.statusCode, 201, refund.body);
    const pi = stripe.get(p.provider_payment_id)!;
    assert.equal(pi.amount_received, 5500);
    assert.equal(pi.status, 'succeeded');
    // Every call carried our operation id as its idempotency key.
    const keys = stripe.requests.filter((r) => r.method === 'POST').map((r) => r.idempotencyKey);
    assert.ok(keys.every((k) => k?.startsWith('op_')), JSON.stringify(keys));
  });

  test('a Stripe decline is a 402 with Stripe’s decline code', async () => {
    const res = await viaStripe({ payment_method: 'pm_card_chargeDeclinedInsufficientFunds' });
    assert.equal(res.statusCode, 402);
    assert.equal(res.json().error.decline_code, 'insufficient_funds');
  });

  test('a lost response leaves the payment pending; the janitor settles it with one PaymentIntent', async () => {
    stripe.failNext('timeout');
    const res = await viaStripe({ amount: 4000 });
    assert.equal(res.statusCode, 202, res.body);
    assert.equal(res.json().status, 'pending');
    await t.platform.payments.sync({ ignoreBackoff: true });
    const p = await getPayment(t, res.json().id);
    assert.equal(p.status, 'authorized');
    const intents = stripe.paymentIntents().filter((pi) => (pi.metadata as Record<string, string>).kessai_reference === p.id);
    assert.equal(intents.length, 1);
  });

  test('incoming webhooks: verified, de-duplicated, and a difference from our books is flagged', async () => {
    const p = (await viaStripe({ amount: 3000 })).json();
    const event = stripe.event('payment_intent.amount_capturable_updated', p.provider_payment_id);
    const signed = stripe.signWebhook(event, SECRET);
    const post = (body: string, signature: string) =>
      t.request({ method: 'POST', url: '/v1/providers/stripe/webhooks', key: null, headers: { 'stripe-signature': signature, 'content-type': 'application/json' }, payload: body });
    const first = await post(signed.body, signed.header);
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(first.json(), { received: true, duplicate: false, payment_id: p.id, action: 'none' });
    assert.equal((await post(signed.body, signed.header)).json().duplicate, true);
    const tampered = await post(signed.body.replace('3000', '3001'), signed.header);
    assert.equal(tampered.statusCode, 400);
    assert.equal(tampered.json().error.code, 'KS_ERR_WEBHOOK_SIGNATURE');

    // Someone captured in Stripe's dashboard, bypassing Kessai: the webhook shows it.
    const direct = await fetch(`${stripe.url}/v1/payment_intents/${p.provider_payment_id}/capture`, { method: 'POST', headers: { authorization: `Bearer ${stripe.apiKey}` } });
    assert.equal(direct.status, 200);
    const captured = stripe.signWebhook(stripe.event('payment_intent.succeeded', p.provider_payment_id), SECRET);
    const res = await post(captured.body, captured.header);
    assert.equal(res.json().action, 'flagged');
    const after = await getPayment(t, p.id);
    assert.equal(after.needs_attention, true);
    assert.match(after.attention_reason, /stripe reports succeeded/);
  });
});
