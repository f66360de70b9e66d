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
}

export const DBOS_SCHEMA = 'dbos';
const APP_NAME = 'kessai';

let launched = false;

/**
 * DBOS Transact on the same PostgreSQL as the application, in its own `dbos` schema. Workflows
 * and queues must be registered (by the domains' factories) before this is called.
 */
export async function launchWorkflows(options: WorkflowRuntimeOptions): Promise<void> {
  DBOS.setConfig({
    name: APP_NAME,
    systemDatabaseUrl: options.databaseUrl,
    systemDatabaseSchemaName: DBOS_SCHEMA,
    applicationVersion: options.applicationVersion,
    logLevel: options.logLevel ?? 'warn',
    ...(options.executorId ? { executorID: options.executorId } : {}),
    ...(options.pool ? { systemDatabasePool: options.pool } : {}),
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
