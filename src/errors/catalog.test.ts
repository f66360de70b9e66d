import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { STATUS_CODES } from 'node:http';
import { ERROR_CATALOG } from './catalog.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

test('every catalog code maps to a real HTTP error status', () => {
  for (const [code, entry] of Object.entries(ERROR_CATALOG)) {
    assert.match(code, /^KS_ERR_[A-Z0-9_]+$/, code);
    assert.ok(entry.status >= 400 && entry.status <= 599, `${code} → ${entry.status}`);
    assert.ok(STATUS_CODES[entry.status], `${code} has a non-standard status ${entry.status}`);
    assert.ok(entry.title.length > 0, `${code} has a title`);
  }
});

test('every code used in src/ and console/ is in the catalog', () => {
  const used = new Set<string>();
  for (const file of [...sourceFiles('src'), ...sourceFiles('console/src')]) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bKS_ERR_[A-Z0-9_]+\b/g)) used.add(m[0]);
  }
  const unknown = [...used].filter((c) => !(c in ERROR_CATALOG));
  assert.deepEqual(unknown, [], `codes used but not in the catalog: ${unknown.join(', ')}`);
});
