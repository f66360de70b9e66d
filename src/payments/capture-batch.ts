import { sql } from 'kysely';
import { DBOS } from '../workflows/index.ts';
import { SYSTEM, type PaymentsContext } from './context.ts';
import { planCapture } from './capture-payment.ts';
import { reserveManyInTransaction, settleManyInTransaction } from './operations.ts';
import { callProvider } from './run-operation.ts';
import type { OperationRow, PaymentRow } from './tables.ts';
import { flagPayment } from './sync-payments.ts';

/**
 * The capture batch (seed 004: capture after delivery, in a scheduled, resumable batch, never
 * inline). A batch claims delivered payments in pages and hands them, in chunks, to one DBOS
 * queue per provider whose rate limit is the provider's. Every capture carries its operation
 * id as idempotency key and a resumed chunk replays an interrupted capture with that same key,
 * so a crash anywhere resumes without capturing twice.
 */
export interface CaptureBatchSettings {
  ratePerSecond: Record<string, number>;
  maxAttempts: number;
  /** Back-off between attempts of a failed capture, doubled each time. */
  retryBaseMs: number;
  claimPageSize: number;
  /** Chunks run at once on each worker process. */
  workerConcurrency: number;
  /** Provider calls in flight at once within a chunk. */
  callParallelism: number;
}

export interface ChunkResult {
  captured: number;
  skipped: number;
  unknown: number;
  flagged: number;
}

export interface BatchResult extends ChunkResult {
  batchId: string;
  claimed: number;
  chunks: number;
}

type CaptureOne = 'captured' | 'skipped' | 'unknown' | { failed: string };

export const captureQueueName = (provider: string) => `capture-${provider}`;

export function chunkSizeFor(settings: CaptureBatchSettings, provider: string): number {
  return Math.max(1, Math.min(50, settings.ratePerSecond[provider] ?? 10));
}

/** Runs `fn` over `items` with at most `limit` at once, keeping the order of results. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!);
      }
    }),
  );
  return results;
}

/**
 * One pass over a chunk, with the same reserve → call → settle steps as a single capture but
 * one commit for all reservations and one for all settlements. A capture interrupted by a
 * crash (reserved, maybe sent, not settled) is resumed by replaying it with the same key.
 */
async function captureChunkOnce(ctx: PaymentsContext, ids: string[], parallelism: number): Promise<Array<[string, CaptureOne]>> {
  const results = new Map<string, CaptureOne>();
  const work: Array<{ payment: PaymentRow; operation: OperationRow }> = [];
  const toReserve: string[] = [];
  const payments = await ctx.db.selectFrom('payments').selectAll().where('id', 'in', ids).execute();
  const inFlight = payments.flatMap((p) => (p.in_flight_operation_id && !p.needs_attention ? [p.in_flight_operation_id] : []));
  const ops = inFlight.length ? await ctx.db.selectFrom('payment_operations').selectAll().where('id', 'in', inFlight).execute() : [];
  for (const p of payments) {
    if (p.needs_attention) results.set(p.id, 'skipped');
    else if (p.in_flight_operation_id) {
      const op = ops.find((o) => o.id === p.in_flight_operation_id)!;
      if (op.kind === 'capture') work.push({ payment: p, operation: op });
      else results.set(p.id, { failed: `operation ${op.id} (${op.kind}) is in progress` });
    } else if ((p.status === 'authorized' || p.status === 'partially_captured') && p.amount > p.amount_captured) toReserve.push(p.id);
    else results.set(p.id, 'skipped');
  }
  if (toReserve.length) {
    const { reserved, refused } = await ctx.db.transaction().execute((trx) => reserveManyInTransaction(ctx, trx, toReserve, true, (p) => planCapture(ctx, p, {})));
    work.push(...reserved);
    for (const { id, error } of refused) results.set(id, { failed: `${error.code}: ${error.message}` });
  }
  const outcomes = await mapLimit(work, parallelism, (w) => callProvider(ctx.providers.get(w.payment.provider), w.operation, w.payment));
  if (work.length) {
    const settled = await ctx.db.transaction().execute((trx) =>
      settleManyInTransaction(ctx, trx, work.map((w, i) => ({ operationId: w.operation.id, outcome: outcomes[i]! })), SYSTEM),
    );
    for (const { payment, operation } of settled) {
      const status = operation.status;
      results.set(payment.id, status === 'succeeded' ? 'captured' : status === 'failed' ? { failed: operation.error ?? 'capture failed' } : 'unknown');
    }
  }
  return ids.map((id) => [id, results.get(id) ?? 'skipped']);
}

async function claimDue(ctx: PaymentsContext, batchId: string, afterId: string, limit: number): Promise<Array<{ id: string; provider: string }>> {
  const rows = await ctx.db
    .updateTable('payments')
    .set({ capture_batch_id: batchId })
    .where(
      'id',
      'in',
      ctx.db
        .selectFrom('payments')
        .select('id')
        .where('delivered_at', 'is not', null)
        .where('status', 'in', ['authorized', 'partially_captured'])
        .where('needs_attention', '=', false)
        // Re-running this step after a crash finds what it had already claimed.
        .where((eb) => eb.or([eb('capture_batch_id', 'is', null), eb('capture_batch_id', '=', batchId)]))
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning(['id', 'provider'])
    .execute();
  return rows.sort((a, b) => (a.id < b.id ? -1 : 1));
}

export function registerCaptureBatch(ctx: PaymentsContext, settings: CaptureBatchSettings) {
  const captureChunk = DBOS.registerWorkflow(
    async (batchId: string, ids: string[]): Promise<ChunkResult> => {
      const result: ChunkResult = { captured: 0, skipped: 0, unknown: 0, flagged: 0 };
      let pending = ids;
      for (let attempt = 1; pending.length > 0; attempt++) {
        const outcomes = await DBOS.runStep(
          () => captureChunkOnce(ctx, pending, settings.callParallelism),
          { name: `capture-attempt-${attempt}` },
        );
        const retry: Array<[string, string]> = [];
        for (const [id, outcome] of outcomes) {
          if (outcome === 'captured') result.captured += 1;
          else if (outcome === 'skipped') result.skipped += 1;
          else retry.push([id, outcome === 'unknown' ? 'no answer from the provider' : outcome.failed]);
        }
        pending = retry.map(([id]) => id);
        if (pending.length === 0) break;
        if (attempt >= settings.maxAttempts) {
          const flagged = await DBOS.runStep(
            async () => {
              let n = 0;
              for (const [id, reason] of retry) {
                // An unanswered capture stays with the janitor; a refused one needs a person.
                if (reason === 'no answer from the provider') continue;
                await flagPayment(ctx, id, `Capture failed ${attempt} times in batch ${batchId}: ${reason}`);
                n += 1;
              }
              return n;
            },
            { name: 'flag-failed' },
          );
          result.flagged += flagged;
          result.unknown += retry.length - flagged;
          break;
        }
        await DBOS.sleepms(settings.retryBaseMs * 2 ** (attempt - 1));
      }
      return result;
    },
    { name: 'payments.captureChunk' },
  );

  const captureBatch = DBOS.registerWorkflow(
    async (batchId: string): Promise<BatchResult> => {
      const handles = [];
      let afterId = '';
      let claimed = 0;
      for (let page = 0; ; page++) {
        const rows = await DBOS.runStep(() => claimDue(ctx, batchId, afterId, settings.claimPageSize), { name: `claim-${page}` });
        if (rows.length === 0) break;
        claimed += rows.length;
        afterId = rows[rows.length - 1]!.id;
        const byProvider = new Map<string, string[]>();
        for (const r of rows) byProvider.set(r.provider, [...(byProvider.get(r.provider) ?? []), r.id]);
        for (const [provider, ids] of byProvider) {
          const size = chunkSizeFor(settings, provider);
          for (let i = 0; i < ids.length; i += size) {
            handles.push(await DBOS.startWorkflow(captureChunk, { queueName: captureQueueName(provider) })(batchId, ids.slice(i, i + size)));
          }
        }
      }
      const total: BatchResult = { batchId, claimed, chunks: handles.length, captured: 0, skipped: 0, unknown: 0, flagged: 0 };
      for (const h of handles) {
        const r = await h.getResult();
        total.captured += r.captured;
        total.skipped += r.skipped;
        total.unknown += r.unknown;
        total.flagged += r.flagged;
      }
      return total;
    },
    { name: 'payments.captureBatch' },
  );

  return {
    captureBatch,
    /** Queues with each provider's rate limit; called once DBOS is launched. */
    async registerQueues(providers: string[]) {
      for (const provider of providers) {
        const size = chunkSizeFor(settings, provider);
        const perSecond = settings.ratePerSecond[provider] ?? 10;
        await DBOS.registerQueue(captureQueueName(provider), {
          workerConcurrency: settings.workerConcurrency,
          rateLimit: { limitPerPeriod: Math.max(1, Math.floor(perSecond / size)), periodSec: 1 },
          minPollingIntervalMs: 100,
          onConflict: 'always_update',
        });
      }
    },
    /** Starts a batch (deduplicated by id) and returns its handle. */
    start(batchId: string) {
      return DBOS.startWorkflow(captureBatch, { workflowID: batchId })(batchId);
    },
    async progress(batchId: string): Promise<{ claimed: number; done: number }> {
      const row = await ctx.db
        .selectFrom('payments')
        .select([
          sql<string>`count(*)`.as('claimed'),
          sql<string>`count(*) FILTER (WHERE status NOT IN ('authorized', 'partially_captured') OR needs_attention)`.as('done'),
        ])
        .where('capture_batch_id', '=', batchId)
        .executeTakeFirstOrThrow();
      return { claimed: Number(row.claimed), done: Number(row.done) };
    },
  };
}

export type CaptureBatch = ReturnType<typeof registerCaptureBatch>;
