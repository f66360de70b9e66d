import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupCommit, groupCommitPer } from './group-commit.ts';

/** A `run` that records its batches and finishes when told to. */
function recorder(fail?: (item: number) => boolean) {
  const batches: number[][] = [];
  const pending: Array<() => void> = [];
  const run = (items: number[]) => {
    batches.push(items);
    return new Promise<string[]>((resolve, reject) => {
      pending.push(() => {
        const bad = items.find((i) => fail?.(i));
        if (bad !== undefined) reject(new Error(`item ${bad} cannot be applied`));
        else resolve(items.map((i) => `done ${i}`));
      });
    });
  };
  const finishAll = async () => {
    while (pending.length > 0) {
      pending.shift()!();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { batches, run, finishAll };
}

test('a lone item goes at once, alone; items arriving meanwhile go together in the next batch', async () => {
  const r = recorder();
  const submit = groupCommit({ batch: 10, inFlight: 1, run: r.run });
  const first = submit(1);
  assert.deepEqual(r.batches, [[1]]);
  const rest = [2, 3, 4].map(submit);
  assert.equal(r.batches.length, 1, 'waits while the first transaction is under way');
  await r.finishAll();
  assert.deepEqual(await Promise.all([first, ...rest]), ['done 1', 'done 2', 'done 3', 'done 4']);
  assert.deepEqual(r.batches, [[1], [2, 3, 4]]);
});

test('a batch takes at most `batch` items, and at most `inFlight` batches run at once', async () => {
  const r = recorder();
  const submit = groupCommit({ batch: 2, inFlight: 2, run: r.run });
  const all = [1, 2, 3, 4, 5, 6].map(submit);
  assert.deepEqual(r.batches, [[1], [2]]);
  await r.finishAll();
  await Promise.all(all);
  assert.deepEqual(r.batches, [[1], [2], [3, 4], [5, 6]]);
});

test('items with the same key never share a batch, and keep their order', async () => {
  const r = recorder();
  const submit = groupCommit({ batch: 10, inFlight: 1, run: r.run, keyOf: (i: number) => (i % 2 === 0 ? 'even' : `odd ${i}`) });
  const all = [1, 2, 3, 4, 5, 6].map(submit);
  await r.finishAll();
  await Promise.all(all);
  assert.deepEqual(r.batches, [[1], [2, 3, 5], [4], [6]]);
});

test('a failed batch is retried item by item: the bad item fails alone with its own error', async () => {
  const r = recorder((i) => i === 3);
  const submit = groupCommit({ batch: 10, inFlight: 1, run: r.run });
  const all = [1, 2, 3, 4].map((i) => submit(i).then((v) => v, (e: Error) => e.message));
  await r.finishAll();
  assert.deepEqual(await Promise.all(all), ['done 1', 'done 2', 'item 3 cannot be applied', 'done 4']);
  assert.deepEqual(r.batches, [[1], [2, 3, 4], [2], [3], [4]]);
});

test('groupCommitPer: one queue per owner, made once; owners never share a batch', async () => {
  const made: string[] = [];
  const r = recorder();
  const submit = groupCommitPer((owner: { name: string }) => {
    made.push(owner.name);
    return { batch: 10, inFlight: 1, run: r.run };
  });
  const a = { name: 'a' };
  const b = { name: 'b' };
  const all = [submit(a, 1), submit(b, 2), submit(a, 3), submit(a, 4), submit(b, 5)];
  await r.finishAll();
  assert.deepEqual(await Promise.all(all), ['done 1', 'done 2', 'done 3', 'done 4', 'done 5']);
  assert.deepEqual(made, ['a', 'b']);
  assert.deepEqual(r.batches, [[1], [2], [3, 4], [5]]);
});
