import { SandboxTransportError, type SandboxAnswer, type SandboxCharge, type SandboxSimulator } from '../../../sandbox/index.ts';
import type { PaymentProvider, ProviderOutcome, ProviderPaymentSnapshot, ProviderRefund } from '../provider.ts';

/**
 * The sandbox's status map, exhaustive over the simulator's charge statuses. A status the map
 * does not know (a newer simulator) becomes `pending`, as for every provider.
 */
export const SANDBOX_STATUS_MAP: Record<SandboxCharge['status'], ProviderPaymentSnapshot['status']> = {
  authorized: 'authorized',
  partially_captured: 'authorized',
  captured: 'captured',
  voided: 'voided',
};

export function snapshotOf(charge: SandboxCharge): ProviderPaymentSnapshot {
  return {
    providerPaymentId: charge.id,
    status: SANDBOX_STATUS_MAP[charge.status] ?? 'pending',
    currency: charge.currency,
    amountAuthorized: BigInt(charge.amount_authorized),
    amountCaptured: BigInt(charge.amount_captured),
    amountRefunded: BigInt(charge.amount_refunded),
    rawStatus: charge.status,
  };
}

function translate<T>(answer: SandboxAnswer, value: (a: Extract<SandboxAnswer, { ok: true }>) => T): ProviderOutcome<T> {
  if (answer.ok) return { outcome: 'succeeded', value: value(answer) };
  if (answer.type === 'card_declined') return { outcome: 'declined', declineCode: answer.code, message: answer.message };
  return { outcome: 'failed', code: answer.code, message: answer.message };
}

async function call<T>(request: () => Promise<SandboxAnswer>, value: (a: Extract<SandboxAnswer, { ok: true }>) => T): Promise<ProviderOutcome<T>> {
  try {
    return translate(await request(), value);
  } catch (err) {
    if (err instanceof SandboxTransportError) return { outcome: 'unknown', message: err.message };
    throw err;
  }
}

const charge = (a: Extract<SandboxAnswer, { ok: true }>) => snapshotOf(a.charge);

export function createSandboxProvider(simulator: SandboxSimulator): PaymentProvider {
  return {
    name: 'sandbox',
    capabilities: {
      manualCapture: true,
      partialCapture: true,
      multipleCapture: true,
      incrementalAuthorization: true,
      void: true,
      refund: true,
      statusQuery: true,
    },
    authorize: (req) =>
      call(
        () =>
          simulator.authorize({
            key: req.idempotencyKey,
            reference: req.reference,
            paymentMethod: req.paymentMethod,
            amount: req.amount,
            currency: req.currency,
            captureMethod: req.captureMethod,
          }),
        charge,
      ),
    incrementAuthorization: (req) => call(() => simulator.increment({ key: req.idempotencyKey, chargeId: req.providerPaymentId, amount: req.amount }), charge),
    capture: (req) =>
      call(() => simulator.capture({ key: req.idempotencyKey, chargeId: req.providerPaymentId, amount: req.amount, final: req.final }), charge),
    void: (req) => call(() => simulator.void({ key: req.idempotencyKey, chargeId: req.providerPaymentId }), charge),
    refund: (req) =>
      call(
        () => simulator.refund({ key: req.idempotencyKey, chargeId: req.providerPaymentId, amount: req.amount }),
        (a): ProviderRefund => ({
          refundId: a.refund!.id,
          status: a.refund!.status,
          amount: BigInt(a.refund!.amount),
          rawStatus: a.refund!.status,
        }),
      ),
    async findAuthorization(req) {
      try {
        const found = req.providerPaymentId ? await simulator.retrieve(req.providerPaymentId) : await simulator.findByKey(req.idempotencyKey);
        return { outcome: 'succeeded', value: found ? snapshotOf(found) : null };
      } catch (err) {
        if (err instanceof SandboxTransportError) return { outcome: 'unknown', message: err.message };
        throw err;
      }
    },
  };
}
