import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { PaymentProvider, ProviderOutcome } from '../../src/payments/providers/provider.ts';

/**
 * The shared contract every provider adapter passes. Features an adapter does not declare in
 * its capabilities are skipped (reported as skipped by name, so the gap stays visible).
 */
export interface ContractFixtures {
  /** A payment method that authorizes. */
  approved: string;
  /** A payment method declined for insufficient funds. */
  declined: string;
  currency: string;
  amount: bigint;
}

function ok<T>(result: ProviderOutcome<T>, what: string): T {
  assert.equal(result.outcome, 'succeeded', `${what}: ${JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  return (result as { value: T }).value;
}

const key = (label: string) => `contract-${label}-${randomUUID()}`;

export function providerContract(name: string, provider: () => PaymentProvider, fx: ContractFixtures): void {
  const caps = () => provider().capabilities;
  const authorize = (captureMethod: 'manual' | 'automatic' = 'manual', amount = fx.amount, method = fx.approved) =>
    provider().authorize({
      idempotencyKey: key('auth'),
      reference: `pay_contract_${randomUUID()}`,
      orderId: `order-${randomUUID()}`,
      amount,
      currency: fx.currency,
      paymentMethod: method,
      captureMethod,
    });

  describe(`provider contract: ${name}`, () => {
    test('manual authorization holds the amount', async () => {
      const snap = ok(await authorize(), 'authorize');
      assert.equal(snap.status, 'authorized');
      assert.equal(snap.amountAuthorized, fx.amount);
      assert.equal(snap.amountCaptured, 0n);
      assert.equal(snap.currency, fx.currency);
      assert.ok(snap.providerPaymentId.length > 0);
    });

    test('the same idempotency key never authorizes twice', async () => {
      const request = {
        idempotencyKey: key('auth-replay'),
        reference: `pay_contract_${randomUUID()}`,
        orderId: 'o',
        amount: fx.amount,
        currency: fx.currency,
        paymentMethod: fx.approved,
        captureMethod: 'manual' as const,
      };
      const first = ok(await provider().authorize(request), 'first');
      const second = ok(await provider().authorize(request), 'second');
      assert.equal(second.providerPaymentId, first.providerPaymentId);
    });

    test('a decline is data, with a decline code', async () => {
      const result = await authorize('manual', fx.amount, fx.declined);
      assert.equal(result.outcome, 'declined');
      assert.equal((result as { declineCode: string }).declineCode, 'insufficient_funds');
    });

    test('automatic capture captures at once', async () => {
      const snap = ok(await authorize('automatic'), 'authorize');
      assert.equal(snap.status, 'captured');
      assert.equal(snap.amountCaptured, fx.amount);
    });

    test('full capture; a replayed capture key captures once', async (t) => {
      if (!caps().manualCapture) return t.skip('no manual capture');
      const auth = ok(await authorize(), 'authorize');
      const req = { idempotencyKey: key('cap'), providerPaymentId: auth.providerPaymentId, amount: fx.amount, currency: fx.currency, final: true };
      const snap = ok(await provider().capture(req), 'capture');
      assert.equal(snap.status, 'captured');
      assert.equal(snap.amountCaptured, fx.amount);
      const again = ok(await provider().capture(req), 'capture replay');
      assert.equal(again.amountCaptured, fx.amount);
    });

    test('partial capture releases the rest', async (t) => {
      if (!caps().partialCapture) return t.skip('no partial capture');
      const auth = ok(await authorize(), 'authorize');
      const part = fx.amount / 2n;
      const snap = ok(
        await provider().capture({ idempotencyKey: key('pcap'), providerPaymentId: auth.providerPaymentId, amount: part, currency: fx.currency, final: true }),
        'partial capture',
      );
      assert.equal(snap.status, 'captured');
      assert.equal(snap.amountCaptured, part);
    });

    test('multiple captures of one authorization', async (t) => {
      if (!caps().multipleCapture) return t.skip('no multiple capture');
      const auth = ok(await authorize(), 'authorize');
      const third = fx.amount / 3n;
      const first = ok(
        await provider().capture({ idempotencyKey: key('m1'), providerPaymentId: auth.providerPaymentId, amount: third, currency: fx.currency, final: false }),
        'first capture',
      );
      assert.equal(first.status, 'authorized');
      assert.equal(first.amountCaptured, third);
      const last = ok(
        await provider().capture({ idempotencyKey: key('m2'), providerPaymentId: auth.providerPaymentId, amount: third, currency: fx.currency, final: true }),
        'final capture',
      );
      assert.equal(last.status, 'captured');
      assert.equal(last.amountCaptured, third * 2n);
    });

    test('capturing more than authorized is refused', async (t) => {
      if (!caps().manualCapture) return t.skip('no manual capture');
      const auth = ok(await authorize(), 'authorize');
      const result = await provider().capture({ idempotencyKey: key('over'), providerPaymentId: auth.providerPaymentId, amount: fx.amount + 1n, currency: fx.currency, final: true });
      assert.equal(result.outcome, 'failed');
    });

    test('incremental authorization raises the hold in place', async (t) => {
      if (!caps().incrementalAuthorization) return t.skip('no incremental authorization');
      const auth = ok(await authorize(), 'authorize');
      const raised = ok(
        await provider().incrementAuthorization({ idempotencyKey: key('inc'), providerPaymentId: auth.providerPaymentId, amount: fx.amount * 2n, currency: fx.currency }),
        'increment',
      );
      assert.equal(raised.providerPaymentId, auth.providerPaymentId);
      assert.equal(raised.amountAuthorized, fx.amount * 2n);
      assert.equal(raised.status, 'authorized');
    });

    test('void cancels an uncaptured authorization', async (t) => {
      if (!caps().void) return t.skip('no void');
      const auth = ok(await authorize(), 'authorize');
      const voided = ok(await provider().void({ idempotencyKey: key('void'), providerPaymentId: auth.providerPaymentId }), 'void');
      assert.equal(voided.status, 'voided');
      const capture = await provider().capture({ idempotencyKey: key('cap-void'), providerPaymentId: auth.providerPaymentId, amount: fx.amount, currency: fx.currency, final: true });
      assert.equal(capture.outcome, 'failed');
    });

    test('refunds, partial and full, never beyond the captured amount', async (t) => {
      if (!caps().refund) return t.skip('no refunds');
      const auth = ok(await authorize('automatic'), 'authorize');
      const part = fx.amount / 4n;
      const r1 = ok(await provider().refund({ idempotencyKey: key('r1'), providerPaymentId: auth.providerPaymentId, amount: part, currency: fx.currency }), 'refund');
      assert.equal(r1.amount, part);
      assert.notEqual(r1.status, 'failed');
      const over = await provider().refund({ idempotencyKey: key('r2'), providerPaymentId: auth.providerPaymentId, amount: fx.amount, currency: fx.currency });
      assert.equal(over.outcome, 'failed');
      const rest = ok(await provider().refund({ idempotencyKey: key('r3'), providerPaymentId: auth.providerPaymentId, amount: fx.amount - part, currency: fx.currency }), 'refund rest');
      assert.equal(rest.amount, fx.amount - part);
    });

    test('a replayed decline declines again', async () => {
      const request = {
        idempotencyKey: key('decline-replay'),
        reference: `pay_contract_${randomUUID()}`,
        orderId: 'o',
        amount: fx.amount,
        currency: fx.currency,
        paymentMethod: fx.declined,
        captureMethod: 'manual' as const,
      };
      const first = await provider().authorize(request);
      const second = await provider().authorize(request);
      assert.equal(first.outcome, 'declined');
      assert.equal(second.outcome, 'declined');
      assert.equal((second as { declineCode: string }).declineCode, (first as { declineCode: string }).declineCode);
    });

    test('a replayed refund key refunds once', async (t) => {
      if (!caps().refund) return t.skip('no refunds');
      const auth = ok(await authorize('automatic'), 'authorize');
      const half = fx.amount / 2n;
      const req = { idempotencyKey: key('refund-replay'), providerPaymentId: auth.providerPaymentId, amount: half, currency: fx.currency };
      const first = ok(await provider().refund(req), 'refund');
      const again = ok(await provider().refund(req), 'refund replay');
      assert.equal(again.refundId, first.refundId);
      // The replay took nothing: the whole other half is still refundable.
      const rest = ok(await provider().refund({ ...req, idempotencyKey: key('refund-rest'), amount: fx.amount - half }), 'refund rest');
      assert.equal(rest.amount, fx.amount - half);
    });

    test('status query reports what was captured and refunded', async (t) => {
      if (!caps().statusQuery || !caps().refund) return t.skip('no status query or no refunds');
      const request = {
        idempotencyKey: key('find-refunded'),
        reference: `pay_contract_${randomUUID()}`,
        orderId: 'o',
        amount: fx.amount,
        currency: fx.currency,
        paymentMethod: fx.approved,
        captureMethod: 'automatic' as const,
      };
      const auth = ok(await provider().authorize(request), 'authorize');
      const part = fx.amount / 4n;
      ok(await provider().refund({ idempotencyKey: key('find-refund'), providerPaymentId: auth.providerPaymentId, amount: part, currency: fx.currency }), 'refund');
      const found = ok(await provider().findAuthorization({ idempotencyKey: request.idempotencyKey, reference: request.reference }), 'find');
      assert.equal(found?.providerPaymentId, auth.providerPaymentId);
      assert.equal(found?.status, 'captured');
      assert.equal(found?.amountCaptured, fx.amount);
      assert.equal(found?.amountRefunded, part);
    });

    test('status query finds an authorization by its key, and nothing for an unused key', async (t) => {
      if (!caps().statusQuery) return t.skip('no status query');
      const request = {
        idempotencyKey: key('find'),
        reference: `pay_contract_${randomUUID()}`,
        orderId: 'o',
        amount: fx.amount,
        currency: fx.currency,
        paymentMethod: fx.approved,
        captureMethod: 'manual' as const,
      };
      const auth = ok(await provider().authorize(request), 'authorize');
      const found = ok(await provider().findAuthorization({ idempotencyKey: request.idempotencyKey, reference: request.reference }), 'find');
      assert.equal(found?.providerPaymentId, auth.providerPaymentId);
      assert.equal(found?.status, 'authorized');
      const none = ok(await provider().findAuthorization({ idempotencyKey: key('never'), reference: `pay_contract_${randomUUID()}` }), 'find none');
      assert.equal(none, null);
    });
  });
}
