// Short parameterised statements become per-connection prepared statements when the pool is
// asked to (the platform's default, KESSAI_DB_PREPARE): the server keeps one per distinct text,
// long statements and statements without parameters are left alone, and answers are unchanged.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPool, type Pool } from '../src/db/index.ts';
import { loadConfig } from '../src/config/index.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

let database: TestDatabase;
let prepared: Pool;
let plain: Pool;

before(async () => {
  database = await createTestDatabase();
  prepared = createPool(database.url, 1, 'kessai-test', { prepareStatements: true });
  plain = createPool(database.url, 1, 'kessai-test');
});
after(async () => {
  await prepared?.end();
  await plain?.end();
  await database?.drop();
});

const preparedTexts = async (pool: Pool) =>
  (await pool.query<{ statement: string }>(`SELECT statement FROM pg_prepared_statements ORDER BY statement`)).rows.map((r) => r.statement);

test('a short statement with parameters is prepared once per connection, and answers as before', async () => {
  for (let i = 0; i < 3; i++) {
    const { rows } = await prepared.query<{ n: bigint; s: string }>('SELECT $1::bigint + 1 AS n, $2::text AS s', [41n + BigInt(i), 'x']);
    assert.deepEqual(rows[0], { n: 42n + BigInt(i), s: 'x' });
  }
  assert.deepEqual(await preparedTexts(prepared), ['SELECT $1::bigint + 1 AS n, $2::text AS s']);
});

test('long statements, statements without parameters and a pool not asked to are left alone', async () => {
  const long = `SELECT $1::int AS n /* ${'x'.repeat(1200)} */`;
  assert.equal((await prepared.query<{ n: number }>(long, [7])).rows[0]!.n, 7);
  await prepared.query('SELECT 1');
  assert.ok(!(await preparedTexts(prepared)).some((s) => s.includes('xxxx') || s === 'SELECT 1'));
  await plain.query('SELECT $1::int AS n', [1]);
  assert.deepEqual(await preparedTexts(plain), []);
});

test('a statement that fails to parse is not kept, and the connection goes on', async () => {
  await assert.rejects(prepared.query('SELEC $1::int', [1]), /syntax error/);
  assert.equal((await prepared.query<{ n: number }>('SELECT $1::int AS n', [5])).rows[0]!.n, 5);
});

test('KESSAI_DB_PREPARE turns it off (a transaction-mode pooler keeps no prepared statements)', () => {
  assert.equal(loadConfig({}).dbPrepareStatements, true);
  assert.equal(loadConfig({ KESSAI_DB_PREPARE: 'false' }).dbPrepareStatements, false);
});
