import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PAYMENT_INTENT_STATUS_MAP,
  REFUND_STATUS_MAP,
  STRIPE_REFUND_STATUSES,
  paymentIntentStatus,
  refundStatus,
  type StripePaymentIntentStatus,
} from './status-map.ts';

// Every status in Stripe's PaymentIntent lifecycle, and what it means for our payment.
const EXPECTED: Record<StripePaymentIntentStatus, ReturnType<typeof paymentIntentStatus>> = {
  requires_payment_method: 'declined',
  requires_confirmation: 'pending',
  requires_action: 'pending',
  processing: 'pending',
  requires_capture: 'authorized',
  canceled: 'voided',
  succeeded: 'captured',
};

// Compile-time half of the exhaustiveness check: `tsc` reports an unused @ts-expect-error if a
// map that forgets a status (here `processing`) were ever accepted.
// @ts-expect-error a status map without `processing` must not compile
const incomplete: Record<StripePaymentIntentStatus, string> = {
  requires_payment_method: 'x',
  requires_confirmation: 'x',
  requires_action: 'x',
  requires_capture: 'x',
  canceled: 'x',
  succeeded: 'x',
};
void incomplete;

describe('stripe status map', () => {
  test('maps every PaymentIntent status the SDK knows, and nothing else', () => {
    assert.deepEqual(Object.keys(PAYMENT_INTENT_STATUS_MAP).sort(), Object.keys(EXPECTED).sort());
    for (const [status, expected] of Object.entries(EXPECTED)) {
      assert.equal(paymentIntentStatus(status), expected, status);
    }
  });

  test('an unknown PaymentIntent status is pending', () => {
    for (const status of ['requires_source', 'partially_funded', '', 'SUCCEEDED']) {
      assert.equal(paymentIntentStatus(status), 'pending', status);
    }
  });

  test('names inherited from Object.prototype are unknown statuses, not map entries', () => {
    for (const status of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      assert.equal(paymentIntentStatus(status), 'pending', status);
      assert.equal(refundStatus(status), 'pending', status);
    }
  });

  test('maps every documented refund status', () => {
    assert.deepEqual(Object.keys(REFUND_STATUS_MAP).sort(), [...STRIPE_REFUND_STATUSES].sort());
    assert.equal(refundStatus('pending'), 'pending');
    assert.equal(refundStatus('requires_action'), 'pending');
    assert.equal(refundStatus('succeeded'), 'succeeded');
    assert.equal(refundStatus('failed'), 'failed');
    assert.equal(refundStatus('canceled'), 'failed');
  });

  test('an unknown or missing refund status is pending', () => {
    assert.equal(refundStatus('reversed'), 'pending');
    assert.equal(refundStatus(null), 'pending');
    assert.equal(refundStatus(undefined), 'pending');
  });
});
