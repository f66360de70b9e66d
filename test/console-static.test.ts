import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { CONSOLE_NOT_BUILT_MESSAGE, installConsole } from '../src/http/console.ts';

/** The console's static serving, on a bare Fastify with a fake build (no database needed). */
async function appFor(distDir: string): Promise<{ app: FastifyInstance; publicRoutes: string[] }> {
  const app = Fastify();
  const publicRoutes: string[] = [];
  app.addHook('onRoute', (route) => {
    if ((route.config as { public?: boolean } | undefined)?.public) publicRoutes.push(`${route.method} ${route.url}`);
  });
  await installConsole(app, distDir);
  await app.ready();
  return { app, publicRoutes };
}

describe('console static serving', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kessai-console-'));
  const dist = join(dir, 'dist');
  let built: FastifyInstance;
  let routes: string[];

  before(async () => {
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(dir, 'secret.txt'), 'outside the build');
    ({ app: built, publicRoutes: routes } = await appFor(dist));
  });
  after(async () => {
    await built?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every console route is public (the data calls carry the session instead)', () => {
    for (const r of ['GET /console', 'GET /console/', 'GET /console/assets/*', 'GET /console/*']) assert.ok(routes.includes(r), r);
  });

  test('/console redirects to /console/, which serves index.html uncached', async () => {
    const bare = await built.inject({ url: '/console' });
    assert.equal(bare.statusCode, 302);
    assert.equal(bare.headers.location, '/console/');
    const index = await built.inject({ url: '/console/' });
    assert.equal(index.statusCode, 200);
    assert.match(String(index.headers['content-type']), /^text\/html/);
    assert.equal(index.headers['cache-control'], 'no-cache');
    assert.match(String(index.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.match(index.body, /id="root"/);
  });

  test('deep links fall back to index.html', async () => {
    for (const url of ['/console/payments', '/console/payments/pay_123', '/console/payments/pay_1.2?x=1']) {
      const res = await built.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.headers['cache-control'], 'no-cache', url);
      assert.match(res.body, /id="root"/, url);
    }
  });

  test('hashed assets are cached for a year; a missing asset is a 404, not the app', async () => {
    const js = await built.inject({ url: '/console/assets/index-abc123.js' });
    assert.equal(js.statusCode, 200);
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(String(js.headers['content-type']), /javascript/);
    const missing = await built.inject({ url: '/console/assets/index-gone.js' });
    assert.equal(missing.statusCode, 404);
    assert.doesNotMatch(missing.body, /id="root"/);
  });

  test('top-level build files are served as files', async () => {
    const icon = await built.inject({ url: '/console/favicon.svg' });
    assert.equal(icon.statusCode, 200);
    assert.match(String(icon.headers['content-type']), /image\/svg\+xml/);
  });

  test('nothing outside the build is reachable', async () => {
    for (const url of ['/console/assets/../../secret.txt', '/console/assets/%2e%2e/%2e%2e/secret.txt', '/console/..%2fsecret.txt']) {
      const res = await built.inject({ url });
      assert.doesNotMatch(res.body, /outside the build/, url);
    }
  });

  test('without a build, /console/ says how to make one (503)', async () => {
    const { app } = await appFor(join(dir, 'not-built'));
    try {
      for (const url of ['/console/', '/console/payments/pay_1']) {
        const res = await app.inject({ url });
        assert.equal(res.statusCode, 503, url);
        assert.equal(res.body, CONSOLE_NOT_BUILT_MESSAGE);
        assert.match(res.body, /npm run build:console/);
      }
    } finally {
      await app.close();
    }
  });
});
