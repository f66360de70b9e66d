import { sql } from 'kysely';
import type { RewardsContext } from '../context.ts';
import type { RewardInboundEvent } from './inbound.ts';
import { ingestEvent } from './ingest.ts';

/** What the rewards need of a payment (the payments domain's view, through the composition root). */
export interface PaymentFacts {
  id: string;
  currency: string;
  payment_method: string;
  amount_captured: number;
  metadata: Record<string, string>;
  created_at: string;
}
export type PaymentLookup = (paymentId: string) => Promise<PaymentFacts>;

const CONSUMER = 'rewards';
/** The outbox events that count: a final capture is the settlement; every refund is a refund. */
export const CONSUMED_EVENT_TYPES = ['payment.captured', 'payment.refunded'] as const;
/**
 * An event created this long ago has been committed or rolled back: no payments transaction
 * lasts that long. The low-water mark only moves past such events.
 */
const SETTLE_WINDOW = '5 minutes';

interface OutboxRow {
  id: string;
  seq: bigint;
  type: string;
  aggregate_id: string;
  data: Record<string, unknown>;
  created_at: Date;
}

export interface OutboxReport {
  events: number;
  processed: number;
  skipped: number;
  failed: number;
}

/**
 * Turns an outbox event into a rewards event, or says why it is not one. `payment.captured`
 * counts when it is the final capture (`final` absent — a capture made with the authorization —
 * or true), for the payment's total captured; the customer and the merchant are the payment's
 * `metadata.customer_id` and `metadata.merchant_id`, set by the shop; the payment time is the
 * payment's creation. `payment.refunded` is one refund, keyed by its operation id.
 */
export async function translateOutboxEvent(row: OutboxRow, lookup: PaymentLookup): Promise<RewardInboundEvent | string> {
  const d = row.data;
  if (row.type === 'payment.captured' && d.final === false) return 'not_final_capture';
  const payment = await lookup(row.aggregate_id);
  if (row.type === 'payment.refunded') {
    const amount = typeof d.amount === 'number' ? BigInt(d.amount) : typeof d.amount === 'string' ? BigInt(d.amount) : 0n;
    if (amount <= 0n) return 'no_amount';
    return {
      type: 'payment.refunded',
      source: 'payments',
      eventId: row.id,
      paymentId: payment.id,
      refundId: String(d.operation_id ?? row.id),
      amount,
      currency: payment.currency,
      refundedAt: row.created_at,
    };
  }
  const customerId = payment.metadata.customer_id;
  const merchantId = payment.metadata.merchant_id;
  if (!customerId) return 'no_customer_id';
  if (!merchantId) return 'no_merchant_id';
  const captured = typeof d.amount_captured === 'number' ? BigInt(d.amount_captured) : typeof d.amount_captured === 'string' ? BigInt(d.amount_captured) : BigInt(payment.amount_captured);
  return {
    type: 'payment.settled',
    source: 'payments',
    eventId: row.id,
    paymentId: payment.id,
    customerId,
    amount: captured,
    currency: payment.currency,
    merchantId,
    paymentMethod: payment.payment_method,
    paidAt: new Date(payment.created_at),
    settledAt: row.created_at,
  };
}

/**
 * One pass of the payments outbox consumer. It reads the consumed event types above its
 * low-water mark that it has not seen, in `seq` order, hands them all to `ingestEvent` at once
 * (the settlement queue batches the settlements) and marks those applied seen. Two consumers at
 * once (several processes) may both handle an event: harmless, the grant and the reversal are
 * once per payment and refund. An event that fails stays unseen
 * and is tried again next pass. Then the low-water mark moves up to just below the first unseen
 * event, but never past events younger than the settle window (a transaction still open may yet
 * commit an event with a lower seq).
 */
export async function consumePaymentsOutbox(ctx: RewardsContext, lookup: PaymentLookup, options: { limit?: number } = {}): Promise<OutboxReport> {
  const limit = options.limit ?? 200;
  await sql`INSERT INTO reward_outbox_consumers (name, low_seq) VALUES (${CONSUMER}, 0) ON CONFLICT DO NOTHING`.execute(ctx.db);
  const { rows } = await sql<OutboxRow>`
    SELECT e.id, e.seq, e.type, e.aggregate_id, e.data, e.created_at
    FROM events e, reward_outbox_consumers c
    WHERE c.name = ${CONSUMER} AND e.seq > c.low_seq AND e.type IN (${sql.join(CONSUMED_EVENT_TYPES)})
      AND NOT EXISTS (SELECT 1 FROM reward_outbox_seen s WHERE s.event_id = e.id)
    ORDER BY e.seq
    LIMIT ${limit}`.execute(ctx.db);
  const report: OutboxReport = { events: rows.length, processed: 0, skipped: 0, failed: 0 };
  // All at once: the settlements of a pass share grant transactions (the settlement queue batches
  // them); the order between events does not matter (a refund before its settlement is held).
  const handled = await Promise.all(
    rows.map(async (row) => {
      try {
        const event = await translateOutboxEvent(row, lookup);
        if (typeof event === 'string') {
          report.skipped++;
          return { row, outcome: `skipped:${event}` };
        }
        const r = await ingestEvent(ctx, event);
        report.processed++;
        return { row, outcome: r.outcome as string };
      } catch (err) {
        report.failed++;
        ctx.logger.error({ err, event_id: row.id, type: row.type }, 'rewards: an outbox event failed; it is tried again on the next pass');
        return null;
      }
    }),
  );
  const seen = handled.filter((h) => h !== null);
  if (seen.length > 0) {
    await sql`
      INSERT INTO reward_outbox_seen (event_id, seq, outcome)
      SELECT * FROM unnest(${seen.map((h) => h.row.id)}::text[], ${seen.map((h) => String(h.row.seq))}::bigint[], ${seen.map((h) => h.outcome)}::text[])
      ON CONFLICT DO NOTHING`.execute(ctx.db);
  }
  await advanceLowWaterMark(ctx);
  return report;
}

async function advanceLowWaterMark(ctx: RewardsContext): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ low_seq: bigint }>`
      UPDATE reward_outbox_consumers c SET low_seq = GREATEST(c.low_seq, LEAST(
        COALESCE((SELECT max(e.seq) FROM events e WHERE e.seq > c.low_seq AND e.created_at < now() - ${SETTLE_WINDOW}::interval), c.low_seq),
        COALESCE((SELECT min(e.seq) - 1 FROM events e WHERE e.seq > c.low_seq AND e.type IN (${sql.join(CONSUMED_EVENT_TYPES)})
                  AND NOT EXISTS (SELECT 1 FROM reward_outbox_seen s WHERE s.event_id = e.id)), 9223372036854775807)))
      WHERE c.name = ${CONSUMER}
      RETURNING c.low_seq`.execute(trx);
    const low = rows[0]?.low_seq;
    if (low !== undefined) await sql`DELETE FROM reward_outbox_seen WHERE seq <= ${low}`.execute(trx);
  });
}

/** Polls the outbox every `pollMs` until stopped; passes never overlap. */
export function startOutboxConsumer(ctx: RewardsContext, lookup: PaymentLookup, pollMs: number): { stop(): Promise<void> } {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  const tick = () => {
    running = (async () => {
      try {
        for (;;) {
          const r = await consumePaymentsOutbox(ctx, lookup);
          if (stopped || r.events < 200) break;
        }
      } catch (err) {
        ctx.logger.error({ err }, 'rewards: outbox pass failed');
      }
      if (!stopped) timer = setTimeout(tick, pollMs);
    })();
  };
  timer = setTimeout(tick, pollMs);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
