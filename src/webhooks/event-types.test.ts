import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_TYPE_PATTERN, matchesEventType, normalizeEventTypes } from './event-types.ts';

test('exact types, prefixes and * match as documented', () => {
  assert.ok(matchesEventType(['payment.captured'], 'payment.captured'));
  assert.ok(!matchesEventType(['payment.captured'], 'payment.created'));
  assert.ok(matchesEventType(['payment.*'], 'payment.created'));
  assert.ok(matchesEventType(['payment.*'], 'payment.operation_unknown'));
  assert.ok(!matchesEventType(['payment.*'], 'payment'));
  assert.ok(!matchesEventType(['payment.*'], 'payments.created'));
  assert.ok(!matchesEventType(['pay.*'], 'payment.created'));
  assert.ok(matchesEventType(['order.*', 'payment.voided'], 'payment.voided'));
  assert.ok(matchesEventType(['*'], 'anything.at_all'));
});

test('the pattern accepts types and prefixes, and nothing that could match by accident', () => {
  const re = new RegExp(EVENT_TYPE_PATTERN);
  for (const ok of ['*', 'payment.*', 'payment.created', 'order.changed', 'a.b_c.d', 'payment']) assert.ok(re.test(ok), ok);
  for (const bad of ['', 'payment.', '.created', 'payment.*.x', 'Payment.created', 'payment%', 'payment.**', '*.created', ' payment.created']) {
    assert.ok(!re.test(bad), bad);
  }
});

test('normalisation de-duplicates and lets * stand alone', () => {
  assert.deepEqual(normalizeEventTypes(['payment.created', 'order.*', 'payment.created']), ['order.*', 'payment.created']);
  assert.deepEqual(normalizeEventTypes(['payment.created', '*']), ['*']);
});
