import pg from 'pg';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * Type parsers for our pools only (DBOS keeps pg's defaults on its own pool): `bigint` columns
 * come back as JavaScript `bigint`, `numeric` stays a string for the decimal module.
 */
const kessaiTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (value: string) => BigInt(value);
    if (oid === NUMERIC_OID) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
};

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export function createPool(connectionString: string, max: number, applicationName = 'kessai', options: { asynchronousCommit?: boolean } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: applicationName,
    ...(options.asynchronousCommit ? { options: '-c synchronous_commit=off' } : {}),
    types: kessaiTypes as pg.CustomTypesConfig,
    idleTimeoutMillis: 30_000,
  });
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  return pool;
}

/** Runs `fn` in a transaction on one client; rolls back on any error. */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
