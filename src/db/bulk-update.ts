import { sql, type Kysely, type Transaction } from 'kysely';

/**
 * Updates many rows of `table` by `id`, each with its own values, in one statement per set of
 * columns: the rows travel as one JSON array typed by the table's own row type
 * (`jsonb_populate_recordset`), so every value is parsed exactly as a column of that type.
 * The ids also travel as an array, so that the rows are found by their key whatever the planner
 * guesses of the JSON (100 rows) or of a table it has not analysed yet.
 * Returns the updated rows in the order of `rows`.
 */
export async function bulkUpdateById<Row extends { id: string }>(
  executor: Kysely<any> | Transaction<any>,
  table: string,
  rows: Array<{ id: string; patch: Record<string, unknown> }>,
): Promise<Row[]> {
  const groups = new Map<string, Array<{ id: string; patch: Record<string, unknown> }>>();
  for (const row of rows) {
    const columns = Object.keys(row.patch).filter((k) => row.patch[k] !== undefined).sort();
    const key = columns.join(',');
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const updated = new Map<string, Row>();
  for (const [key, group] of groups) {
    const columns = key ? key.split(',') : [];
    if (columns.length === 0) {
      const found = await sql<Row>`SELECT * FROM ${sql.table(table)} WHERE id = ANY(${group.map((g) => g.id)}::text[])`.execute(executor);
      for (const r of found.rows) updated.set(r.id, r);
      continue;
    }
    const payload = JSON.stringify(group.map((g) => toJsonSafeText({ id: g.id, ...g.patch })));
    const assignments = sql.join(columns.map((c) => sql`${sql.ref(c)} = v.${sql.ref(c)}`));
    const result = await sql<Row>`
      UPDATE ${sql.table(table)} AS t SET ${assignments}
        FROM jsonb_populate_recordset(NULL::${sql.table(table)}, ${payload}::jsonb) AS v
       WHERE t.id = v.id AND t.id = ANY(${group.map((g) => g.id)}::text[])
      RETURNING t.*`.execute(executor);
    for (const r of result.rows) updated.set(r.id, r);
  }
  return rows.map((r) => {
    const row = updated.get(r.id);
    if (!row) throw new Error(`bulkUpdateById: no ${table} row ${r.id}`);
    return row;
  });
}

/** bigints as decimal strings (exact at any size); dates as ISO text; scalars only. */
function toJsonSafeText(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      if (typeof v === 'bigint') return [k, v.toString()];
      if (v instanceof Date) return [k, v.toISOString()];
      // A jsonb column would receive a JSON string here, not the document: not supported.
      if (v !== null && typeof v === 'object') throw new TypeError(`bulkUpdateById: column ${k} is not a scalar`);
      return [k, v];
    }),
  );
}
