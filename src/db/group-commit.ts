export interface GroupCommitOptions<I, O> {
  /** Items per transaction at most. */
  batch: number;
  /** Transactions under way at once (per queue, so per process). */
  inFlight: number;
  /** Applies a batch in one transaction; one result per item, in order. */
  run(items: I[]): Promise<O[]>;
  /**
   * Items with the same key never share a batch (for example two operations on one payment,
   * whose rows a batch locks once): the later one waits for a following batch.
   */
  keyOf?(item: I): string;
}

interface Waiting<I, O> {
  item: I;
  resolve(result: O): void;
  reject(err: unknown): void;
}

/**
 * Group commit: an item that arrives while `inFlight` transactions are already under way waits,
 * and the next transaction takes every item waiting (up to `batch`). When idle an item goes alone
 * and at once, so a lone request is not delayed; under load many go together, and the round
 * trips, row locks and commit are paid once per batch instead of once per item. A batch that
 * fails is retried item by item, so an item that cannot be applied fails alone, with its own
 * error, and the others are applied as if they had come alone.
 */
export function groupCommit<I, O>(options: GroupCommitOptions<I, O>): (item: I) => Promise<O> {
  const waiting: Array<Waiting<I, O>> = [];
  let inFlight = 0;

  const take = (): Array<Waiting<I, O>> => {
    if (!options.keyOf) return waiting.splice(0, options.batch);
    const taken: Array<Waiting<I, O>> = [];
    const keys = new Set<string>();
    for (let i = 0; i < waiting.length && taken.length < options.batch; ) {
      const key = options.keyOf(waiting[i]!.item);
      if (keys.has(key)) {
        i++;
        continue;
      }
      keys.add(key);
      taken.push(waiting.splice(i, 1)[0]!);
    }
    return taken;
  };

  const runBatch = async (batch: Array<Waiting<I, O>>): Promise<void> => {
    let results: O[];
    try {
      results = await options.run(batch.map((w) => w.item));
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      for (const w of batch) await options.run([w.item]).then((r) => w.resolve(r[0]!), w.reject);
      return;
    }
    batch.forEach((w, i) => w.resolve(results[i]!));
  };

  const pump = (): void => {
    while (inFlight < options.inFlight && waiting.length > 0) {
      const batch = take();
      inFlight++;
      void runBatch(batch).finally(() => {
        inFlight--;
        pump();
      });
    }
  };

  return (item: I) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      pump();
    });
}

/**
 * One group-commit queue per owner (a domain's context: one per platform, so one per process),
 * made on first use: `submit(owner, item)`.
 */
export function groupCommitPer<C extends object, I, O>(optionsFor: (owner: C) => GroupCommitOptions<I, O>): (owner: C, item: I) => Promise<O> {
  const queues = new WeakMap<C, (item: I) => Promise<O>>();
  return (owner, item) => {
    let queue = queues.get(owner);
    if (!queue) queues.set(owner, (queue = groupCommit(optionsFor(owner))));
    return queue(item);
  };
}
