// A Kessai worker process for crash and scale-out tests: DATABASE_URL and EXECUTOR_ID from the
// environment; optionally starts a capture batch (START_BATCH) and prints its result.
import pino from 'pino';
import { loadConfig } from '../../src/config/index.ts';
import { startPlatform } from '../../src/platform.ts';

const loaded = loadConfig();
const config = { ...loaded, role: process.env.KESSAI_ROLE ? loaded.role : ('worker' as const), schedules: false };
const platform = await startPlatform(config, { logger: pino({ level: 'silent' }), executorId: process.env.EXECUTOR_ID ?? 'worker' });
process.stdout.write('ready\n');
if (process.env.START_BATCH) {
  const handle = await platform.payments.captureBatch.start(process.env.START_BATCH);
  const result = await handle.getResult();
  process.stdout.write(`result ${JSON.stringify(result)}\n`);
}
process.on('SIGTERM', () => {
  void platform.close().then(() => process.exit(0));
});
