import type { ReconciliationContext } from './context.ts';

const PAGE = 1000;

/** `+09:00` → minutes east of UTC. */
function offsetMinutes(zone: string): number {
  if (zone === 'Z') return 0;
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(zone);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/**
 * Copies the payments domain's settled captures and refunds of a window into our side, a page at
 * a time through its read-only export. A movement is copied once (keyed by its operation id), so
 * overlapping windows and re-runs are harmless. Returns how many were new.
 */
export async function copyMoneyMovements(ctx: ReconciliationContext, window: { from: Date; to: Date }): Promise<number> {
  const shift = offsetMinutes(ctx.settings.ourTimeZone) * 60_000;
  let cursor: string | null = null;
  let copied = 0;
  do {
    const page = await ctx.movements({ from: window.from, to: window.to, limit: PAGE, startingAfter: cursor });
    if (page.data.length > 0) {
      const rows = page.data.map((m) => {
        const refund = m.kind === 'refund';
        return {
          source: 'payments' as const,
          source_ref: m.operationId,
          file_id: null,
          channel: ctx.settings.channelOfProvider[m.provider] ?? m.provider,
          kind: m.kind,
          match_class: refund ? ('refund' as const) : ('payment' as const),
          payment_id: m.paymentId,
          order_id: m.orderId,
          channel_ref: refund ? (m.providerReference ?? m.providerPaymentId) : m.providerPaymentId,
          amount: refund ? -m.amount : m.amount,
          currency: m.currency,
          order_amount: m.orderAmount,
          order_status: m.paymentStatus,
          settled_at: m.settledAt,
          post_date: new Date(m.settledAt.getTime() + shift).toISOString().slice(0, 10),
        };
      });
      const inserted = await ctx.db
        .insertInto('recon_our_transactions')
        .values(rows)
        .onConflict((oc) => oc.column('source_ref').where('source', '=', 'payments').doNothing())
        .executeTakeFirst();
      copied += Number(inserted.numInsertedOrUpdatedRows ?? 0n);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return copied;
}
