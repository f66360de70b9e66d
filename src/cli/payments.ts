import { parseArgs } from 'node:util';
import { withWorkerPlatform } from './sessions.ts';
import { progress } from './progress.ts';

/** `kessai payments sync`: settle every open provider operation now, ignoring back-off. */
export async function paymentsCommand(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals[0] !== 'sync') throw new Error('Usage: kessai payments sync');
  await withWorkerPlatform(async (platform) => {
    const bar = progress('payments sync');
    const total = { checked: 0, resolved: 0, stillUnknown: 0, flagged: 0 };
    const seen = new Set<number>();
    for (;;) {
      const r = await platform.payments.sync({ ignoreBackoff: true, limit: 500 });
      total.checked += r.checked;
      total.resolved += r.resolved;
      total.stillUnknown += r.stillUnknown;
      total.flagged += r.flagged;
      bar.update(total.checked, `${total.resolved} resolved`);
      // Operations still unknown are re-claimed only after their claim lapses: one pass each.
      if (r.checked === 0 || seen.has(total.checked)) break;
      seen.add(total.checked);
      if (r.checked < 500) break;
    }
    bar.done(`${total.resolved} resolved, ${total.stillUnknown} still without an answer, ${total.flagged} flagged`);
    console.log(JSON.stringify(total));
  });
}
