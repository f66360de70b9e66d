import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestApp, type TestApp } from './support/app.ts';
import { pay } from './support/payments.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

type Command =
  | { kind: 'capture'; amount: number | null; final: boolean }
  | { kind: 'refund'; amount: number }
  | { kind: 'void' }
  | { kind: 'increment'; amount: number }
  | { kind: 'change'; change: 'items' | 'stockout' | 'discount'; amount: number };

const amount = fc.integer({ min: 1, max: 30_000 });
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('capture' as const), amount: fc.option(amount, { nil: null }), final: fc.boolean() }),
  fc.record({ kind: fc.constant('refund' as const), amount }),
  fc.record({ kind: fc.constant('void' as const) }),
  fc.record({ kind: fc.constant('increment' as const), amount }),
  fc.record({ kind: fc.constant('change' as const), change: fc.constantFrom('items' as const, 'stockout' as const, 'discount' as const), amount: fc.integer({ min: 0, max: 30_000 }) }),
);

async function run(paymentId: string, orderId: string, c: Command) {
  const url = `/v1/payments/${paymentId}`;
  switch (c.kind) {
    case 'capture':
      return t.request({ method: 'POST', url: `${url}/capture`, payload: { ...(c.amount !== null ? { amount: c.amount } : {}), final: c.final } });
    case 'refund':
      return t.request({ method: 'POST', url: `${url}/refunds`, payload: { amount: c.amount } });
    case 'void':
      return t.request({ method: 'POST', url: `${url}/void` });
    case 'increment':
      return t.request({ method: 'POST', url: `${url}/increment_authorization`, payload: { amount: c.amount } });
    case 'change':
      return t.request({ method: 'POST', url: `/v1/orders/${orderId}/changes`, payload: { kind: c.change, amount: c.amount } });
  }
}

test('property: any sequence of operations keeps captured ≤ authorized, refunded ≤ captured, and our books equal the provider’s', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('pm_card_visa', 'pm_card_debit', 'pm_card_no_incremental', 'pm_card_limit_20000'), fc.array(command, { minLength: 1, maxLength: 8 }), async (initial, method, commands) => {
      const created = await pay(t, { amount: initial, payment_method: method });
      if (created.statusCode !== 201) return; // the limited card may decline: nothing to check
      const p = created.json();
      for (const c of commands) {
        const res = await run(p.id, p.order_id, c);
        assert.ok(res.statusCode < 500, `${JSON.stringify(c)} → ${res.statusCode} ${res.body}`);
      }
      const now = (await t.request({ method: 'GET', url: `/v1/payments/${p.id}` })).json();
      assert.ok(now.amount_captured <= now.amount_authorized, JSON.stringify(now));
      assert.ok(now.amount_refunded <= now.amount_captured, JSON.stringify(now));
      assert.equal(now.operation_in_progress, null);
      const charge = await t.platform.database.pool.query('SELECT * FROM sandbox_charges WHERE id = $1', [now.provider_payment_id]);
      const c = charge.rows[0];
      assert.equal(Number(c.amount_captured), now.amount_captured, 'captured: ours = provider');
      assert.equal(Number(c.amount_refunded), now.amount_refunded, 'refunded: ours = provider');
      if (now.status === 'authorized') assert.equal(Number(c.amount_authorized), now.amount_authorized, 'authorized: ours = provider');
      if (now.status === 'voided') assert.equal(c.status, 'voided');
      // Nothing else is held for this payment at the provider (replaced holds were voided).
      const held = await t.platform.database.pool.query(
        "SELECT count(*)::int AS n FROM sandbox_charges WHERE reference = $1 AND id <> $2 AND status IN ('authorized', 'partially_captured')",
        [p.id, now.provider_payment_id],
      );
      assert.equal(held.rows[0].n, 0);
    }),
    { numRuns: 40 },
  );
});
