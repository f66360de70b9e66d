import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from './support/app.ts';
import { logIn, listen, openConsoleBrowser, PASSWORD, prepareBrowserTest } from './support/browser.ts';
import { channelCsv, saveMappings, uploadOurs } from './support/reconciliation.ts';

/**
 * The reconciliation console in a real browser (Debian's Chromium via playwright-core) against
 * the real server and PostgreSQL: an operator uploads a generic settlement file through the
 * console, starts the run of its day, reads the run's counts and totals, opens the one
 * discrepancy, attaches a PNG, records an amount correction citing it, and resolves it; the page
 * and the API agree. A viewer sees the discrepancy with no controls.
 */

const SCREENSHOT_RUNS = join(tmpdir(), 'console-recon-runs.png');
const SCREENSHOT_RUN = join(tmpdir(), 'console-recon-run.png');
const SCREENSHOT_DIALOG = join(tmpdir(), 'console-recon-dialog.png');

let t: TestApp;
let base: string;
let browser: { page: Page; close(): Promise<void> } | undefined;
let page: Page;
const problems: string[] = [];
const users = { operator: `op_${randomUUID().slice(0, 8)}`, viewer: `view_${randomUUID().slice(0, 8)}` };
const mapping = `shop${randomUUID().slice(0, 6)}`;
const channel = `generic:${mapping}`;
// Yesterday (UTC): the run's clock is now, so the day is inside the look-back.
const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
let discrepancyId: string;

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

describe('console reconciliation pages in Chromium', () => {
  before(async () => {
    prepareBrowserTest();
    t = await startTestApp();
    base = await listen(t);
    await t.platform.identity.createOperator({ username: users.operator, password: PASSWORD, role: 'operator' });
    await t.platform.identity.createOperator({ username: users.viewer, password: PASSWORD, role: 'viewer' });
    await saveMappings(t, mapping);
    // Our side: three orders; the channel will settle A and B as booked, C for 100 less.
    await uploadOurs(t, mapping, [
      { txn: 'tA', order: 'A', date: day, amount: 1000, orderTotal: 1000, status: 'captured' },
      { txn: 'tB', order: 'B', date: day, amount: 2000, orderTotal: 2000, status: 'captured' },
      { txn: 'tC', order: 'C', date: day, amount: 3000, orderTotal: 3000, status: 'captured' },
    ]);
    browser = await openConsoleBrowser(problems, 20_000);
    page = browser.page;
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('an operator uploads a settlement file through the console and starts the run of its day', async () => {
    await page.goto(`${base}/console/`);
    await logIn(page, users.operator);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
    await page.waitForURL(/\/console\/reconciliation\/runs$/);
    await page.getByRole('heading', { name: 'Reconciliation runs' }).waitFor();
    await page.getByTestId('history-chart').waitFor();

    await page.getByLabel('Channel', { exact: true }).first().selectOption('generic');
    await page.getByLabel('Mapping name').fill(mapping);
    const csv = channelCsv([
      { txn: 'tA', order: 'A', date: day, amount: 1000 },
      { txn: 'tB', order: 'B', date: day, amount: 2000 },
      { txn: 'tC', order: 'C', date: day, amount: 2900 },
    ]);
    await page.getByLabel('Settlement file').setInputFiles({ name: 'settlement.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Upload file' }).click();
    const result = await page.getByTestId('upload-result').innerText();
    assert.match(result, /3 lines/);
    assert.ok(result.includes(day), result);
    assert.equal(await page.getByLabel('Post date').inputValue(), day, 'the run takes the file’s post date');
    await page.screenshot({ path: SCREENSHOT_RUNS, fullPage: true });

    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/\/console\/reconciliation\/runs\/rrun_/);
    await page.locator('.page-sub .badge[data-status="completed"]').waitFor();
    assert.equal(await page.locator('[data-count="matched"]').innerText(), '2');
    assert.equal(await page.locator('[data-count="discrepant"]').innerText(), '1');
    assert.equal(await page.locator('[data-count="expected"]').innerText(), '0');
    const amountRow = await page.locator('[data-testid="totals"] tr[data-item="amount"]').innerText();
    assert.match(amountRow, /59\.00[\s\S]*60\.00/, `channel 59.00 next to ours 60.00: ${amountRow}`);
    assert.ok(await page.getByRole('link', { name: 'Discrepancies (XLSX)' }).getAttribute('href'));
    await page.screenshot({ path: SCREENSHOT_RUN, fullPage: true });

    const runs = (await t.request({ method: 'GET', url: `/v1/reconciliation/runs?channel=${encodeURIComponent(channel)}` })).json();
    assert.equal(runs.data.length, 1);
    assert.equal(runs.data[0].status, 'completed');

    // The runs list: the run with its status, and the day on the chart (2 of 3 groups matched, 1.00 off).
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
    const listed = page.locator(`tr[data-run-id="${runs.data[0].id}"]`);
    await listed.locator('.badge[data-status="completed"]').waitFor();
    const dot = page.locator('[data-testid="history-chart"] circle.rate-dot title');
    await dot.first().waitFor({ state: 'attached' });
    assert.equal(await dot.count(), 1);
    assert.match((await dot.textContent())!, new RegExp(`${day}: 66\\.7 % matched \\(2 of 3 groups\\)`));
    const bar = await page.locator('[data-testid="history-chart"] rect.amount-bar title').allTextContents();
    assert.ok(bar.some((b) => b.startsWith(`${day}: 1 discrepancies (1 open), 1.00 CNY`)), bar.join('\n'));
    await page.screenshot({ path: SCREENSHOT_RUNS, fullPage: true });
    await listed.getByRole('link', { name: runs.data[0].id }).click();
    await page.locator('[data-count="discrepant"]').waitFor();
  });

  test('the operator opens the discrepancy, attaches a PNG, corrects our amount and resolves it', async () => {
    await page.getByRole('link', { name: /Open the day’s discrepancies/ }).click();
    await page.waitForURL(/\/console\/reconciliation\/discrepancies\?/);
    const row = page.locator('[data-testid="discrepancies-table"] tbody tr');
    await row.first().waitFor();
    assert.equal(await row.count(), 1);
    discrepancyId = (await row.first().getAttribute('data-discrepancy-id'))!;
    assert.match(await row.first().innerText(), /channel_differs_from_ours/);
    await row.first().getByRole('button', { name: discrepancyId }).click();

    const dialog = page.getByTestId('discrepancy-dialog');
    await dialog.waitFor();
    assert.match(await dialog.locator('[data-testid="fields"] tr[data-field="amount"]').innerText(), /29\.00[\s\S]*30\.00/);
    await dialog.getByLabel('Evidence file').setInputFiles({ name: 'bank-statement.png', mimeType: 'image/png', buffer: PNG });
    await dialog.getByRole('button', { name: 'Upload evidence' }).click();
    await dialog.getByTestId('evidence-list').getByRole('link', { name: 'bank-statement.png' }).waitFor();

    await dialog.getByLabel('Corrected side').selectOption('ours');
    await dialog.getByLabel('Corrected amount').fill('29.00');
    await dialog.getByLabel('Correction reason').fill('shop refunded 1.00 outside Kessai');
    await dialog.getByRole('checkbox', { name: 'bank-statement.png' }).check();
    await dialog.getByRole('button', { name: 'Record correction' }).click();
    await dialog.getByTestId('corrections').waitFor();
    assert.match(await dialog.getByTestId('corrections').innerText(), /30\.00[\s\S]*29\.00/);

    await dialog.getByLabel('Reason', { exact: true }).fill('booked short; corrected with the statement');
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await page.locator('[data-testid="discrepancy-dialog"][data-state="resolved"]').waitFor();
    assert.equal(await dialog.getByTestId('operator-reason').innerText(), 'booked short; corrected with the statement');
    await dialog.locator('[data-testid="history"] li[data-action="resolve"]').waitFor();
    await page.screenshot({ path: SCREENSHOT_DIALOG, fullPage: true });

    const list = (await t.request({ method: 'GET', url: `/v1/reconciliation/discrepancies?channel=${encodeURIComponent(channel)}` })).json();
    const d = list.data.find((x: { id: string }) => x.id === discrepancyId);
    assert.equal(d.state, 'resolved');
    assert.equal(d.operator_reason, 'booked short; corrected with the statement');
    assert.equal(d.corrected['ours.amount'].amount, '2900');
    const history = (await t.request({ method: 'GET', url: `/v1/reconciliation/discrepancies/${discrepancyId}/history` })).json();
    assert.deepEqual(history.actions.map((a: { action: string }) => a.action), ['evidence', 'correct', 'resolve']);
    assert.equal(history.evidence[0].content_type, 'image/png');
    assert.deepEqual(history.corrections[0].evidence_ids, [history.evidence[0].id]);
    assert.ok(history.actions.every((a: { actor: string }) => a.actor.startsWith('operator:')), 'done as the logged-in operator');
  });

  test('a viewer sees the discrepancy and its history with no controls', async () => {
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByText('You have logged out.').waitFor();
    await logIn(page, users.viewer);
    await page.goto(`${base}/console/reconciliation/discrepancies?channel=${encodeURIComponent(channel)}&open=${discrepancyId}`);
    const dialog = page.getByTestId('discrepancy-dialog');
    await dialog.locator('[data-testid="history"] li[data-action="resolve"]').waitFor();
    assert.equal(await dialog.getByRole('button', { name: 'Reopen' }).count(), 0);
    assert.equal(await dialog.getByLabel('Evidence file').count(), 0);
    assert.equal(await page.getByRole('checkbox', { name: `Select ${discrepancyId}` }).count(), 0);
    await dialog.getByText('Your role can view discrepancies; operators handle them.').waitFor();
    assert.deepEqual(problems, []);
  });
});
