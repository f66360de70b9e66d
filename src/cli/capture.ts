import { parseArgs } from 'node:util';
import { newId } from '../db/index.ts';
import { withWorkerPlatform } from './sessions.ts';
import { progress } from './progress.ts';

/** `kessai capture run`: one capture batch now; this process helps work the queue and waits. */
export async function captureCommand(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals[0] !== 'run') throw new Error('Usage: kessai capture run');
  await withWorkerPlatform(async (platform) => {
    const batchId = newId('capb');
    const handle = await platform.payments.captureBatch.start(batchId);
    const bar = progress(`capture ${batchId}`);
    const timer = setInterval(() => {
      void platform.payments.captureBatch.progress(batchId).then((p) => bar.update(p.done, `of ${p.claimed} claimed`));
    }, 500);
    const result = await handle.getResult();
    clearInterval(timer);
    bar.done(`${result.captured} captured, ${result.skipped} skipped, ${result.flagged} flagged, ${result.unknown} awaiting the provider (${result.claimed} claimed)`);
    console.log(JSON.stringify(result));
  });
}
