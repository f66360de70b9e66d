// What every browser test of the console shares: Debian's Chromium, a console build as new as
// its sources, the app listening on a free port, a page that records script errors, and login.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import type { TestApp } from './app.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** The password of every operator the browser tests create. */
export const PASSWORD = 'correct horse battery';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONSOLE = join(ROOT, 'console');
const DIST_INDEX = join(CONSOLE, 'dist', 'index.html');

/** Newest modification time among the console's sources. */
function newestSource(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).filter((n) => n !== 'dist' && n !== 'node_modules').map((n) => newestSource(join(path, n))));
}

/**
 * Fails unless Chromium is installed (these tests never skip), and builds the console unless a
 * build newer than every source file is there (postinstall makes one).
 */
export function prepareBrowserTest(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}. Install Debian's package (apt-get install -y chromium); this test does not skip without it.`);
  }
  if (existsSync(DIST_INDEX) && statSync(DIST_INDEX).mtimeMs >= newestSource(CONSOLE)) return;
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(result.status, 0, `console build failed:\n${result.stdout}\n${result.stderr}`);
  assert.ok(existsSync(DIST_INDEX), 'the console build made no index.html');
}

/** Starts the app listening on a free local port; its base URL. */
export async function listen(t: TestApp): Promise<string> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  assert.ok(address && typeof address === 'object');
  return `http://127.0.0.1:${address.port}`;
}

/**
 * Records the page's script errors and 5xx answers in `problems`. Chromium logs every 4xx answer
 * (the session probe's 401, refusals the UI shows); those are expected.
 */
export function watchPage(page: Page, problems: string[]): Page {
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of 4\d\d/.test(msg.text())) problems.push(`console error: ${msg.text()}`);
  });
  return page;
}

export async function logIn(page: Page, username: string): Promise<void> {
  await page.getByRole('heading', { name: 'Log in to the operations console' }).waitFor();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

/**
 * A headless Chromium with its own profile directory, one page watched for problems; `close`
 * closes it and removes the profile.
 */
export async function openConsoleBrowser(problems: string[], timeoutMs: number): Promise<{ page: Page; close(): Promise<void> }> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'kessai-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1360, height: 900 },
    locale: 'en-GB',
    timezoneId: 'Asia/Tokyo',
  });
  context.setDefaultTimeout(timeoutMs);
  const page = watchPage(context.pages()[0] ?? (await context.newPage()), problems);
  return {
    page,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
