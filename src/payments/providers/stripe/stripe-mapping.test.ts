import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { LocalRequestError, UnreadableResponseError, fromStripeAmount, outcomeOfError, toSnapshot, toStripeAmount } from './stripe-mapping.ts';

// The SDK's own error classes, built the way its response handler builds them.
const E = Stripe.errors;

function intent(overrides: Partial<Stripe.PaymentIntent>): Stripe.PaymentIntent {
  return {
    id: 'pi_1', object: 'payment_intent', amount: 12000, amount_capturable: 0, amount_received: 0, currency: 'jpy',
    status: 'requires_capture', last_payment_error: null, latest_charge: null, metadata: {},
    ...overrides,
  } as Stripe.PaymentIntent;
}

describe('stripe amounts', () => {
  test('bigint minor units become exact numbers', () => {
    assert.equal(toStripeAmount(1n, 'JPY'), 1);
    assert.equal(toStripeAmount(99_999_999n, 'usd'), 99_999_999);
    assert.equal(toStripeAmount(BigInt(Number.MAX_SAFE_INTEGER), 'KWD'), Number.MAX_SAFE_INTEGER);
  });

  test('ISK has no minor unit for us but two decimals on Stripe’s API', () => {
    assert.equal(toStripeAmount(500n, 'ISK'), 50_000);
    assert.equal(toStripeAmount(500n, 'isk'), 50_000);
    assert.equal(fromStripeAmount(50_000, 'isk', 'amount'), 500n);
    assert.throws(() => fromStripeAmount(50_010, 'isk', 'amount'), UnreadableResponseError);
  });

  test('amounts a double cannot hold exactly, or that are not positive, are never sent', () => {
    for (const amount of [0n, -1n, BigInt(Number.MAX_SAFE_INTEGER) + 1n, 2n ** 64n]) {
      assert.throws(() => toStripeAmount(amount, 'JPY'), LocalRequestError, String(amount));
    }
    assert.throws(() => toStripeAmount(BigInt(Number.MAX_SAFE_INTEGER) / 10n, 'ISK'), LocalRequestError);
  });

  test('numbers from Stripe must be non-negative safe integers', () => {
    assert.equal(fromStripeAmount(0, 'jpy', 'x'), 0n);
    assert.equal(fromStripeAmount(12000, 'jpy', 'x'), 12000n);
    for (const value of [1.5, -1, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => fromStripeAmount(value, 'jpy', 'x'), UnreadableResponseError, String(value));
    }
  });
});

describe('stripe snapshots', () => {
  test('amounts, upper-case currency and raw status', () => {
    const snap = toSnapshot(intent({ amount: 15000, amount_received: 5000 }), { amount_refunded: 1000 } as Stripe.Charge);
    assert.deepEqual(snap, {
      providerPaymentId: 'pi_1', status: 'authorized', currency: 'JPY',
      amountAuthorized: 15000n, amountCaptured: 5000n, amountRefunded: 1000n, rawStatus: 'requires_capture',
    });
  });

  test('a cancel after partial captures is still captured money', () => {
    assert.equal(toSnapshot(intent({ status: 'canceled', amount_received: 4000 }), null).status, 'captured');
    assert.equal(toSnapshot(intent({ status: 'canceled' }), null).status, 'voided');
  });

  test('a declined PaymentIntent carries its decline code', () => {
    const lastError = { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds' } as Stripe.PaymentIntent.LastPaymentError;
    const snap = toSnapshot(intent({ status: 'requires_payment_method', last_payment_error: lastError }), null);
    assert.equal(snap.status, 'declined');
    assert.equal(snap.declineCode, 'insufficient_funds');
  });

  test('an unknown status is pending', () => {
    assert.equal(toSnapshot(intent({ status: 'requires_reauthorization' }), null).status, 'pending');
  });
});

describe('stripe errors as outcomes', () => {
  test('card errors are declines; the code stands in when there is no decline code', () => {
    assert.deepEqual(outcomeOfError(new E.StripeCardError({ type: 'card_error', code: 'card_declined', decline_code: 'do_not_honor', message: 'no' })), {
      outcome: 'declined', declineCode: 'do_not_honor', message: 'no',
    });
    const noDeclineCode = outcomeOfError(new E.StripeCardError({ type: 'card_error', code: 'incorrect_cvc', message: 'cvc' }));
    assert.equal(noDeclineCode.outcome === 'declined' && noDeclineCode.declineCode, 'incorrect_cvc');
  });

  test('refusals are failed, with the code passed through', () => {
    const refused = outcomeOfError(new E.StripeInvalidRequestError({ type: 'invalid_request_error', code: 'amount_too_large', message: 'too much', statusCode: 400 }));
    assert.deepEqual(refused, { outcome: 'failed', code: 'amount_too_large', message: 'too much' });
    const reused = outcomeOfError(new E.StripeIdempotencyError({ type: 'idempotency_error', message: 'other params', statusCode: 400 }));
    assert.equal(reused.outcome === 'failed' && reused.code, 'idempotency_error');
    const auth = outcomeOfError(new E.StripeAuthenticationError({ type: 'invalid_request_error', message: 'bad key', statusCode: 401 }));
    assert.equal(auth.outcome === 'failed' && auth.code, 'authentication_error');
    const local = outcomeOfError(new LocalRequestError('amount_invalid', 'no'));
    assert.equal(local.outcome === 'failed' && local.code, 'amount_invalid');
  });

  test('anything that may have happened is unknown', () => {
    const cases = [
      new E.StripeConnectionError({ message: 'timeout' }),
      new E.StripeAPIError({ type: 'api_error', message: 'boom', statusCode: 500 }),
      new E.StripeRateLimitError({ type: 'invalid_request_error', code: 'rate_limit', message: 'slow down', statusCode: 429 }),
      new E.StripeError({ type: 'api_error', message: 'gateway', statusCode: 503 }),
      new UnreadableResponseError('garbage'),
      new TypeError('socket exploded'),
      'a string',
    ];
    for (const err of cases) assert.equal(outcomeOfError(err).outcome, 'unknown', String(err));
  });
});
