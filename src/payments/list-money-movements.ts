import { sql } from 'kysely';
import type { PaymentsContext } from './context.ts';
import type { PaymentStatus } from './tables.ts';

/** Money that moved at a provider: a succeeded capture (in) or refund (out), as our books hold it. */
export interface MoneyMovement {
  paymentId: string;
  orderId: string;
  provider: string;
  /** The provider's id of the payment (what a settlement file calls the transaction id). */
  providerPaymentId: string | null;
  /** The operation's id; also the idempotency key the provider saw. */
  operationId: string;
  /** The provider's id of this operation (a refund's id; a capture's is the payment's). */
  providerReference: string | null;
  kind: 'capture' | 'refund';
  /** Minor units, always positive; `kind` says the direction. */
  amount: bigint;
  currency: string;
  /** The order total the payment is for (after order changes), and the payment's status now. */
  orderAmount: bigint;
  paymentStatus: PaymentStatus;
  settledAt: Date;
}

export interface MoneyMovementQuery {
  /** Settled at or after (inclusive). */
  from: Date;
  /** Settled before (exclusive). */
  to: Date;
  limit?: number;
  /** The `nextCursor` of the previous page. */
  startingAfter?: string | null;
}

/** Cursor: the settled time and the operation id of the last movement of a page. */
function decodeCursor(cursor: string): { at: string; id: string } {
  const cut = cursor.lastIndexOf('|');
  return { at: cursor.slice(0, cut), id: cursor.slice(cut + 1) };
}

/**
 * Settled captures and refunds in a time window, oldest first, a page at a time. Read-only: the
 * reconciliation copies these into its own books (it never reads the payments tables itself).
 */
export async function listMoneyMovements(ctx: PaymentsContext, query: MoneyMovementQuery): Promise<{ data: MoneyMovement[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(query.limit ?? 1000, 1), 10_000);
  let q = ctx.db
    .selectFrom('payment_operations as o')
    .innerJoin('payments as p', 'p.id', 'o.payment_id')
    .select([
      'o.id as operation_id',
      'o.kind',
      'o.amount',
      'o.provider_reference',
      'o.completed_at',
      'p.id as payment_id',
      'p.order_id',
      'p.provider',
      'p.provider_payment_id',
      'p.currency',
      'p.amount as order_amount',
      'p.status as payment_status',
      // Microseconds kept in the cursor: a Date would round them away and skip or repeat rows.
      sql<string>`o.completed_at::text`.as('at_text'),
    ])
    // An automatic-capture payment takes its money with the authorization: that is its capture.
    .where((eb) => eb.or([eb('o.kind', 'in', ['capture', 'refund']), eb.and([eb('o.kind', '=', 'authorize'), eb('p.capture_method', '=', 'automatic')])]))
    .where('o.status', '=', 'succeeded')
    .where('o.completed_at', '>=', query.from)
    .where('o.completed_at', '<', query.to);
  if (query.startingAfter) {
    const c = decodeCursor(query.startingAfter);
    q = q.where(sql<boolean>`(o.completed_at, o.id) > (${c.at}::timestamptz, ${c.id})`);
  }
  const rows = await q.orderBy('o.completed_at').orderBy('o.id').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const data = page.map((r) => ({
    paymentId: r.payment_id,
    orderId: r.order_id,
    provider: r.provider,
    providerPaymentId: r.provider_payment_id,
    operationId: r.operation_id,
    providerReference: r.provider_reference,
    kind: r.kind === 'refund' ? ('refund' as const) : ('capture' as const),
    amount: r.amount,
    currency: r.currency,
    orderAmount: r.order_amount,
    paymentStatus: r.payment_status,
    settledAt: r.completed_at!,
  }));
  const last = page.at(-1);
  return { data, nextCursor: rows.length > limit && last ? `${last.at_text}|${last.operation_id}` : null };
}
