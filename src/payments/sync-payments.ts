import { sql } from 'kysely';
import { appendEvent } from '../events/index.ts';
import type { PaymentsContext } from './context.ts';
import { SYSTEM } from './context.ts';
import { settleOperation } from './operations.ts';
import { callProvider } from './run-operation.ts';
import type { OperationRow, PaymentRow } from './tables.ts';
import type { Outcome } from './transition.ts';

/** After this many checks without an answer, an operator is asked to look. */
export const FLAG_AFTER_CHECKS = 8;
/** A claimed operation is left to its claimer this long before another janitor may take it. */
const CLAIM_SECONDS = 300;

export interface SyncReport {
  checked: number;
  resolved: number;
  stillUnknown: number;
  flagged: number;
}

/**
 * Resolves the operation's real outcome at the provider. An authorization is looked up by its
 * idempotency key (status query); anything else is replayed with the same key, which a
 * provider answers with the original result and never acts on twice.
 */
async function resolve(ctx: PaymentsContext, op: OperationRow, payment: PaymentRow): Promise<Outcome> {
  const provider = ctx.providers.get(payment.provider);
  const isAuthorization = op.kind === 'authorize' || op.kind === 'reauthorize';
  if (!isAuthorization || !provider.capabilities.statusQuery) return callProvider(provider, op, payment);
  const found = await provider.findAuthorization({ idempotencyKey: op.id, reference: payment.id });
  if (found.outcome !== 'succeeded') return found;
  if (found.value) return { outcome: 'succeeded', value: found.value };
  return { outcome: 'failed', code: 'provider_has_no_record', message: 'The provider never received the authorization' };
}

/**
 * The janitor: claims due unresolved operations (several processes may run it at once; each
 * operation goes to one of them) and settles each with what the provider says.
 */
export async function syncPendingOperations(
  ctx: PaymentsContext,
  options: { limit?: number; ignoreBackoff?: boolean; paymentId?: string } = {},
): Promise<SyncReport> {
  const limit = options.limit ?? 200;
  const dueBefore = options.ignoreBackoff ? sql<Date>`'infinity'::timestamptz` : sql<Date>`now()`;
  const claimed = await ctx.db
    .updateTable('payment_operations')
    .set({ next_attempt_at: sql<Date>`now() + make_interval(secs => ${CLAIM_SECONDS})` })
    .where(
      'id',
      'in',
      ctx.db
        .selectFrom('payment_operations')
        .select('id')
        .where('status', 'in', ['pending', 'unknown'])
        .where('next_attempt_at', '<=', dueBefore)
        .$if(options.paymentId !== undefined, (q) => q.where('payment_id', '=', options.paymentId!))
        .orderBy('next_attempt_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
  const report: SyncReport = { checked: claimed.length, resolved: 0, stillUnknown: 0, flagged: 0 };
  for (const op of claimed) {
    const payment = await ctx.db.selectFrom('payments').selectAll().where('id', '=', op.payment_id).executeTakeFirstOrThrow();
    const outcome = await resolve(ctx, op, payment);
    const settled = await settleOperation(ctx, op, outcome, SYSTEM);
    if (settled.operation.status === 'succeeded' || settled.operation.status === 'failed') {
      report.resolved += 1;
      continue;
    }
    report.stillUnknown += 1;
    if (settled.operation.attempts >= FLAG_AFTER_CHECKS && !settled.payment.needs_attention) {
      await flagPayment(ctx, payment.id, `Operation ${op.id} (${op.kind}) still has no answer from ${payment.provider} after ${settled.operation.attempts} checks`);
      report.flagged += 1;
    }
  }
  return report;
}

export async function flagPayment(ctx: PaymentsContext, paymentId: string, reason: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('payments').set({ needs_attention: true, attention_reason: reason, updated_at: new Date() }).where('id', '=', paymentId).execute();
    await appendEvent(trx, { type: 'payment.flagged', aggregateId: paymentId, data: { reason }, actor: 'system' });
  });
}
