import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { createPool, type PoolOptions } from './pool.ts';
import type { SharedTables } from './tables.ts';

export { createPool, withTransaction, type Pool, type PoolClient, type PoolOptions } from './pool.ts';
export { migrate, readMigrations, MigrationError } from './migrate.ts';
export { bulkUpdateById } from './bulk-update.ts';
export { listen, type Listener, type ListenOptions } from './listen.ts';
export { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded.ts';
export { newId, newSecret } from './ids.ts';
export { groupCommit, groupCommitPer, type GroupCommitOptions } from './group-commit.ts';
export type * from './tables.ts';

export type Db = Kysely<SharedTables>;

/** The same connection pool, typed with a domain's own tables (each domain declares its own). */
export function withDomainTables<T extends SharedTables>(db: Db): Kysely<T> {
  return db as unknown as Kysely<T>;
}

export interface Database {
  pool: pg.Pool;
  db: Db;
  close(): Promise<void>;
}

export function openDatabase(url: string, poolSize: number, applicationName = 'kessai', options: PoolOptions = {}): Database {
  const pool = createPool(url, poolSize, applicationName, options);
  const db = new Kysely<SharedTables>({ dialect: new PostgresDialect({ pool }) });
  return {
    pool,
    db,
    async close() {
      // Kysely ends the pool only if it ever used it; end it ourselves otherwise.
      await db.destroy();
      if (!pool.ended) await pool.end();
    },
  };
}
