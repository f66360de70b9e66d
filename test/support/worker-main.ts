// A Kessai worker process for crash and scale-out tests: DATABASE_URL and EXECUTOR_ID from the
// environment. Optionally starts a capture batch (START_BATCH) and prints its result, starts
// checkouts (START_CHECKOUTS: JSON [{cartId, request}]), starts a reconciliation run
// (START_RECON_RUN: JSON {channel, postDate, asOf}), and kills itself with SIGKILL at a checkout
// step boundary (CRASH_AT=step:start|end) or after CRASH_AFTER_MS.
import pino from 'pino';
import type { StepBoundary } from '../../src/checkout/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { SYSTEM } from '../../src/events/index.ts';
import { startPlatform } from '../../src/platform.ts';

const loaded = loadConfig();
const config = { ...loaded, role: process.env.KESSAI_ROLE ? loaded.role : ('worker' as const), schedules: false };
const crashAt = process.env.CRASH_AT;
const onCheckoutStep = crashAt
  ? (b: StepBoundary) => {
      if (`${b.step}:${b.phase}` === crashAt) {
        process.stdout.write(`crashing at ${crashAt} in ${b.checkoutId}\n`);
        process.kill(process.pid, 'SIGKILL');
      }
    }
  : undefined;
const platform = await startPlatform(config, { logger: pino({ level: 'silent' }), executorId: process.env.EXECUTOR_ID ?? 'worker', ...(onCheckoutStep ? { onCheckoutStep } : {}) });
process.stdout.write('ready\n');
if (process.env.CRASH_AFTER_MS) setTimeout(() => process.kill(process.pid, 'SIGKILL'), Number(process.env.CRASH_AFTER_MS));
if (process.env.START_BATCH) {
  const handle = await platform.payments.captureBatch.start(process.env.START_BATCH);
  const result = await handle.getResult();
  process.stdout.write(`result ${JSON.stringify(result)}\n`);
}
if (process.env.START_CHECKOUTS) {
  const runs = JSON.parse(process.env.START_CHECKOUTS) as Array<{ cartId: string; request: Parameters<typeof platform.checkout.startCheckout>[1] }>;
  const started = await Promise.all(runs.map((r) => platform.checkout.startCheckout(r.cartId, r.request, SYSTEM)));
  process.stdout.write(`started ${started.map((s) => s.row.id).join(',')}\n`);
}
if (process.env.START_RECON_RUN) {
  const r = JSON.parse(process.env.START_RECON_RUN) as { channel: string; postDate: string; asOf: string };
  const { id } = await platform.reconciliation.startRun({ channel: r.channel, postDate: r.postDate, asOf: new Date(r.asOf) }, SYSTEM);
  process.stdout.write(`run ${id}\n`);
}
process.on('SIGTERM', () => {
  void platform.close().then(() => process.exit(0));
});
