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

export interface PoolOptions {
  asynchronousCommit?: boolean;
  /** Short parameterised statements as named prepared statements (see prepareShortStatements). */
  prepareStatements?: boolean;
}

export function createPool(connectionString: string, max: number, applicationName = 'kessai', options: PoolOptions = {}): pg.Pool {
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
  if (options.prepareStatements) pool.on('connect', prepareShortStatements);
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

/** Statements longer than this are planned afresh each time: a generic plan could misjudge a big day. */
const PREPARE_MAX_CHARS = 1000;
/** Prepared statements kept per connection, at most (the server holds each one's plan). */
const PREPARE_MAX_PER_CONNECTION = 500;

/**
 * Short parameterised statements run as named prepared statements on each connection, so the
 * server parses and plans each distinct text once per connection rather than on every call. Long ones (the matcher's,
 * the day's results) keep a fresh plan for their parameters. A transaction-mode pooler between
 * us and the server does not keep them: KESSAI_DB_PREPARE=false.
 */
function prepareShortStatements(client: pg.PoolClient): void {
  const names = new Map<string, string>();
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0 || text.length > PREPARE_MAX_CHARS) return query(text, values, callback);
    let name = names.get(text);
    if (name === undefined) {
      if (names.size >= PREPARE_MAX_PER_CONNECTION) return query(text, values, callback);
      name = `k${names.size}`;
      names.set(text, name);
    }
    return query({ name, text, values }, callback);
  };
}
