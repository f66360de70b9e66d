import { DBOS } from '@dbos-inc/dbos-sdk';
import type pg from 'pg';

export { DBOS };

export interface WorkflowRuntimeOptions {
  databaseUrl: string;
  /** `api` processes start workflows but take no queued work; `worker` and `all` do. */
  role: 'all' | 'api' | 'worker';
  applicationVersion: string;
  executorId?: string;
  pool?: pg.Pool;
  logLevel?: string;
  /** Connections DBOS may hold for its checkpoints (its default, 10, starves 32 concurrent workflows). */
  poolSize?: number;
}

export const DBOS_SCHEMA = 'dbos';
const APP_NAME = 'kessai';

let launched = false;

/**
 * DBOS Transact on the same PostgreSQL as the application, in its own `dbos` schema. Workflows
 * and queues must be registered (by the domains' factories) before this is called.
 */
/** Held while DBOS migrates its schema: processes starting together would deadlock in it. */
const LAUNCH_LOCK_ID = 7_283_401_002;

export async function launchWorkflows(options: WorkflowRuntimeOptions & { lockPool: pg.Pool }): Promise<void> {
  const lock = await options.lockPool.connect();
  try {
    // Polled, not waited on: a waiting statement holds a snapshot, and DBOS's CREATE INDEX
    // CONCURRENTLY in the other process would wait for that snapshot forever.
    while (!(await lock.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LAUNCH_LOCK_ID])).rows[0]!.ok) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await launch(options);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [LAUNCH_LOCK_ID]).catch(() => {});
    lock.release();
  }
}

async function launch(options: WorkflowRuntimeOptions): Promise<void> {
  DBOS.setConfig({
    name: APP_NAME,
    systemDatabaseUrl: options.databaseUrl,
    systemDatabaseSchemaName: DBOS_SCHEMA,
    applicationVersion: options.applicationVersion,
    logLevel: options.logLevel ?? 'warn',
    ...(options.executorId ? { executorID: options.executorId } : {}),
    ...(options.pool ? { systemDatabasePool: options.pool } : {}),
    ...(options.poolSize ? { systemDatabasePoolSize: options.poolSize } : {}),
    ...(options.role === 'api' ? { listenQueues: [] } : {}),
  });
  await DBOS.launch();
  launched = true;
}

export async function shutdownWorkflows(): Promise<void> {
  if (!launched) return;
  launched = false;
  await DBOS.shutdown();
}

export function workflowsLaunched(): boolean {
  return launched;
}
