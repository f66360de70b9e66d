import { KessaiError } from '../errors/index.ts';
import type { Actor, PaymentsContext } from './context.ts';
import { findPayment } from './get-payment.ts';
import { runOperation } from './run-operation.ts';
import { syncPendingOperations } from './sync-payments.ts';
import type { OperationRow, PaymentRow } from './tables.ts';

export interface AuthorizationOutcome {
  /**
   * `declined`: the customer's bank said no; `failed`: the provider refused or never received it;
   * `unknown`: the provider has not answered; the status sync (or a later call) will tell.
   */
  outcome: 'authorized' | 'declined' | 'failed' | 'unknown';
  payment: PaymentRow;
  operationId: string | null;
  /** The provider's decline or failure code, when declined. */
  code: string | null;
  message: string | null;
}

const AUTHORIZED = new Set(['authorized', 'partially_captured', 'captured', 'partially_refunded', 'refunded']);

async function latestAuthorization(ctx: PaymentsContext, paymentId: string): Promise<OperationRow | undefined> {
  return ctx.db.selectFrom('payment_operations').selectAll().where('payment_id', '=', paymentId).where('kind', '=', 'authorize').orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

function outcomeOf(payment: PaymentRow, op: OperationRow | undefined): AuthorizationOutcome {
  const base = { payment, operationId: op?.id ?? null };
  if (AUTHORIZED.has(payment.status)) return { ...base, outcome: 'authorized', code: null, message: null };
  if (op?.status === 'failed') return { ...base, outcome: op.decline_code ? 'declined' : 'failed', code: op.decline_code ?? op.failure_code, message: op.error };
  return { ...base, outcome: 'unknown', code: null, message: op?.error ?? null };
}

/**
 * Authorizes a payment opened with `openPayment` (the customer buys). Safe to call again: a
 * second call never asks the provider for a second authorization. When an earlier call's
 * operation is still open (its process died, or the answer was lost), it is resolved the way
 * the status sync does it, by asking the provider what happened under the same idempotency
 * key, never by sending a new request. Declines are data (`outcome: 'declined'`).
 */
export async function authorizePayment(ctx: PaymentsContext, paymentId: string, actor: Actor): Promise<AuthorizationOutcome> {
  const payment = await findPayment(ctx, paymentId);
  const previous = await latestAuthorization(ctx, paymentId);
  if (previous && (previous.status === 'pending' || previous.status === 'unknown')) {
    await syncPendingOperations(ctx, { paymentId, ignoreBackoff: true });
    const resolved = await latestAuthorization(ctx, paymentId);
    const now = await findPayment(ctx, paymentId);
    // The provider says it never received it (the process died before sending): nothing can be
    // held, so this call authorizes afresh, under a new key, instead of failing the customer.
    if (!(resolved?.status === 'failed' && resolved.failure_code === 'provider_has_no_record' && now.status === 'requires_authorization')) return outcomeOf(now, resolved);
  } else if (previous || payment.status !== 'requires_authorization') {
    return outcomeOf(payment, previous);
  }
  const result = await runOperation(
    ctx,
    paymentId,
    (p) => {
      if (p.status !== 'requires_authorization') throw new KessaiError('KS_ERR_PAYMENT_INVALID_STATE', `A ${p.status} payment cannot be authorized`, { status: p.status });
      return { kind: 'authorize', amount: p.amount };
    },
    actor,
  );
  return outcomeOf(result.payment, result.operation);
}
