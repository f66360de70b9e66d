import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './index.ts';

test('defaults need no environment', () => {
  const c = loadConfig({});
  assert.equal(c.port, 3000);
  assert.equal(c.databaseUrl, undefined);
  assert.ok(c.dataDir.endsWith('.kessai'));
  assert.equal(c.role, 'all');
});

test('every problem is reported at once, by variable name', () => {
  assert.throws(
    () => loadConfig({ PORT: 'abc', KESSAI_ROLE: 'boss', SANDBOX_FAULT_RATE: '2', DATABASE_URL: 'not a url' }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.problems.length, 4);
      for (const name of ['PORT', 'KESSAI_ROLE', 'SANDBOX_FAULT_RATE', 'DATABASE_URL']) {
        assert.ok(e.problems.some((p) => p.startsWith(name)), name);
      }
      return true;
    },
  );
});

test('capture rates per provider', () => {
  const c = loadConfig({ KESSAI_CAPTURE_RATE: 'sandbox=5,stripe=3' });
  assert.deepEqual(c.capture.ratePerSecond, { sandbox: 5, stripe: 3 });
});
