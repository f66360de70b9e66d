import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPool, type Pool } from '../../../db/index.ts';
import { createSandbox } from '../../../sandbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.ts';
import { providerContract } from '../../../../test/support/provider-contract.ts';
import type { PaymentProvider } from '../provider.ts';
import { SANDBOX_STATUS_MAP, createSandboxProvider } from './sandbox-adapter.ts';

let database: TestDatabase;
let pool: Pool;
let provider: PaymentProvider;

before(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url, 10);
  provider = createSandboxProvider(createSandbox(pool, { latencyMs: 0, faultRate: 0 }).simulator);
});
after(async () => {
  await pool?.end();
  await database?.drop();
});

providerContract('sandbox', () => provider, { approved: 'pm_card_visa', declined: 'pm_card_declined', currency: 'JPY', amount: 12_000n });

describe('sandbox specifics', () => {
  test('the status map covers every simulator status', () => {
    assert.deepEqual(Object.keys(SANDBOX_STATUS_MAP).sort(), ['authorized', 'captured', 'partially_captured', 'voided']);
  });

  test('pm_card_timeout acts, loses the response, and answers a replay with the same key', async () => {
    const req = { idempotencyKey: 'timeout-1', reference: 'pay_t1', orderId: 'o', amount: 700n, currency: 'JPY', paymentMethod: 'pm_card_timeout', captureMethod: 'manual' as const };
    const first = await provider.authorize(req);
    assert.equal(first.outcome, 'unknown');
    const found = await provider.findAuthorization({ idempotencyKey: 'timeout-1', reference: 'pay_t1' });
    assert.equal(found.outcome, 'succeeded');
    const replay = await provider.authorize(req);
    assert.equal(replay.outcome, 'succeeded');
    assert.equal(replay.outcome === 'succeeded' && replay.value.providerPaymentId, found.outcome === 'succeeded' && found.value?.providerPaymentId);
  });

  test('pm_card_no_incremental refuses to raise an authorization', async () => {
    const auth = await provider.authorize({ idempotencyKey: 'ni-1', reference: 'pay_ni', orderId: 'o', amount: 500n, currency: 'JPY', paymentMethod: 'pm_card_no_incremental', captureMethod: 'manual' });
    assert.equal(auth.outcome, 'succeeded');
    const id = auth.outcome === 'succeeded' ? auth.value.providerPaymentId : '';
    const inc = await provider.incrementAuthorization({ idempotencyKey: 'ni-2', providerPaymentId: id, amount: 900n, currency: 'JPY' });
    assert.equal(inc.outcome, 'failed');
    assert.equal(inc.outcome === 'failed' && inc.code, 'incremental_authorization_not_supported');
  });

  test('pm_card_limit_20000 declines past 20,000 held, concurrent requests included', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        provider.authorize({ idempotencyKey: `lim-${i}`, reference: `pay_l${i}`, orderId: 'o', amount: 3_000n, currency: 'JPY', paymentMethod: 'pm_card_limit_20000', captureMethod: 'manual' }),
      ),
    );
    assert.equal(results.filter((r) => r.outcome === 'succeeded').length, 6);
    assert.ok(results.filter((r) => r.outcome !== 'succeeded').every((r) => r.outcome === 'declined'));
  });

  test('a fault rate of 1 fails every request before it acts', async () => {
    const flaky = createSandboxProvider(createSandbox(pool, { latencyMs: 0, faultRate: 1 }).simulator);
    const result = await flaky.authorize({ idempotencyKey: 'flaky-1', reference: 'pay_f', orderId: 'o', amount: 100n, currency: 'JPY', paymentMethod: 'pm_card_visa', captureMethod: 'manual' });
    assert.equal(result.outcome, 'unknown');
    const found = await provider.findAuthorization({ idempotencyKey: 'flaky-1', reference: 'pay_f' });
    assert.equal(found.outcome === 'succeeded' && found.value, null);
    assert.equal((await flaky.findAuthorization({ idempotencyKey: 'flaky-1', reference: 'pay_f' })).outcome, 'unknown', 'a provider that is down answers no status query');
  });
});
