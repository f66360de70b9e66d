import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_RETRY_DELAY_MS, retryDelayMs } from './retry-policy.ts';

test('back-off doubles per attempt, within ±25% jitter', () => {
  assert.equal(retryDelayMs(1000, 1, () => 0.5), 1000);
  assert.equal(retryDelayMs(1000, 2, () => 0.5), 2000);
  assert.equal(retryDelayMs(1000, 4, () => 0.5), 8000);
  assert.equal(retryDelayMs(1000, 3, () => 0), 3000);
  assert.equal(retryDelayMs(1000, 3, () => 1), 5000);
  for (let i = 0; i < 100; i++) {
    const d = retryDelayMs(1000, 3);
    assert.ok(d >= 3000 && d <= 5000, String(d));
  }
});

test('back-off is capped at a day and never zero', () => {
  assert.equal(retryDelayMs(3_600_000, 30, () => 0.5), MAX_RETRY_DELAY_MS);
  assert.equal(retryDelayMs(1, 1, () => 0), 1);
});
