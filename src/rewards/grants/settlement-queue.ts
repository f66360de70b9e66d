import type { RewardsContext } from '../context.ts';
import { grantSettlements, type SettlementResult } from './grant-settlement.ts';
import type { SettledEvent } from './inbound.ts';

/** Events per transaction at most, and transactions under way at once per process. */
const QUEUE_LIMITS = { batch: 64, inFlight: 2 } as const;

interface Waiting {
  event: SettledEvent;
  resolve(r: SettlementResult): void;
  reject(err: unknown): void;
}

/**
 * Group commit for settlements: an event that arrives while `inFlight` grant transactions are
 * already under way waits, and the next transaction takes every event waiting (up to `batch`).
 * When idle an event goes alone and at once; under load many go together, so that the commit,
 * the lookups and each counter's lock are paid once per batch instead of once per event — the
 * budget row, which every grant of a campaign must lock until its commit, is what limits a
 * campaign's grants per second. A batch that fails is retried event by event, so one event that
 * cannot be applied fails alone.
 */
class SettlementQueue {
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;
  private readonly ctx: RewardsContext;
  constructor(ctx: RewardsContext) {
    this.ctx = ctx;
  }

  submit(event: SettledEvent): Promise<SettlementResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ event, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < QUEUE_LIMITS.inFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, QUEUE_LIMITS.batch);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async run(batch: Waiting[]): Promise<void> {
    try {
      const results = await grantSettlements(this.ctx, batch.map((w) => w.event));
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      for (const w of batch) await grantSettlements(this.ctx, [w.event]).then((r) => w.resolve(r[0]!), w.reject);
    }
  }
}

const queues = new WeakMap<RewardsContext, SettlementQueue>();

/** Grants a settlement through this process's queue (see `SettlementQueue`). */
export function queueSettlement(ctx: RewardsContext, event: SettledEvent): Promise<SettlementResult> {
  let queue = queues.get(ctx);
  if (!queue) queues.set(ctx, (queue = new SettlementQueue(ctx)));
  return queue.submit(event);
}
