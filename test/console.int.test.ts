import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from './support/app.ts';
import { PASSWORD, listen, logIn, openConsoleBrowser, prepareBrowserTest } from './support/browser.ts';

/**
 * The operator console in a real browser (Debian's Chromium driven by playwright-core), against
 * the real server and a real PostgreSQL: log in, find a payment, read its timeline, capture it;
 * a refused action shows the server's message and code; a viewer is offered no actions.
 */

const SCREENSHOT_LIST = join(tmpdir(), 'kessai-console-payments.png');
const SCREENSHOT_PAYMENT = join(tmpdir(), 'kessai-console-payment.png');
const SCREENSHOT_REFUSED = join(tmpdir(), 'kessai-console-refused.png');
const SCREENSHOT_LOGIN = join(tmpdir(), 'kessai-console-login.png');
const SCREENSHOT_REPAIR = join(tmpdir(), 'kessai-console-repair.png');

let t: TestApp;
let base: string;
let browser: { page: Page; close(): Promise<void> } | undefined;
let page: Page;
const problems: string[] = [];
const users = { operator: `op_${randomUUID().slice(0, 8)}`, viewer: `view_${randomUUID().slice(0, 8)}`, admin: `adm_${randomUUID().slice(0, 8)}` };
let payment: { id: string; order_id: string };

async function createPayment(orderId: string, money = { amount: 5000, currency: 'JPY' }): Promise<{ id: string; order_id: string; status: string }> {
  const res = await t.request({
    method: 'POST',
    url: '/v1/payments',
    headers: { 'idempotency-key': randomUUID() },
    payload: { order_id: orderId, ...money, provider: 'sandbox', payment_method: 'pm_card_visa', capture_method: 'manual' },
  });
  assert.ok(res.statusCode === 200 || res.statusCode === 201, `POST /v1/payments answered ${res.statusCode}: ${res.body}`);
  return res.json();
}

async function logOut(): Promise<void> {
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByText('You have logged out.').waitFor();
}

/** The status shown in the payment page's header. */
async function headerStatus(): Promise<string | null> {
  return page.locator('.payment-header-meta .badge').first().getAttribute('data-status');
}

describe('operator console in Chromium', () => {
  before(async () => {
    prepareBrowserTest();
    t = await startTestApp();
    base = await listen(t);
    await t.platform.identity.createOperator({ username: users.operator, password: PASSWORD, role: 'operator' });
    await t.platform.identity.createOperator({ username: users.viewer, password: PASSWORD, role: 'viewer' });
    await t.platform.identity.createOperator({ username: users.admin, password: PASSWORD, role: 'admin' });
    payment = await createPayment(`ord_${randomUUID().slice(0, 8)}`);

    browser = await openConsoleBrowser(problems, 15_000);
    page = browser.page;
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('the console is served at /console/ and asks an unknown visitor to log in', async () => {
    const res = await page.goto(`${base}/console/`);
    assert.equal(res?.status(), 200);
    await page.getByRole('heading', { name: 'Log in to the operations console' }).waitFor();
    await page.getByLabel('Username').fill(users.operator);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong username or password.' }).waitFor();
    await page.screenshot({ path: SCREENSHOT_LOGIN });
  });

  test('an operator logs in and finds the payment in the list', async () => {
    await logIn(page, users.operator);
    assert.match(page.url(), /\/console\/payments$/);
    const row = page.locator(`tr[data-payment-id="${payment.id}"]`);
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, new RegExp(payment.order_id));
    assert.match(text, /5,000\s*JPY/);
    assert.equal(await row.locator('.badge').first().getAttribute('data-status'), 'authorized');
  });

  test('filters live in the URL', async () => {
    await page.getByLabel('Status').selectOption('captured');
    await page.waitForURL(/status=captured/);
    await page.getByText('No payments match these filters.').waitFor();
    await page.getByLabel('Attention').selectOption('false');
    await page.waitForURL(/status=captured.*needs_attention=false/);
    await page.getByLabel('Status').selectOption('');
    await page.locator(`tr[data-payment-id="${payment.id}"]`).waitFor();
    await page.getByLabel('Attention').selectOption('true');
    await page.getByText('No payments match these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.locator(`tr[data-payment-id="${payment.id}"]`).waitFor();
    await page.getByLabel('Order ID').fill(payment.order_id);
    await page.getByLabel('Order ID').press('Enter');
    await page.waitForURL(new RegExp(`order_id=${payment.order_id}`));
    assert.equal(await page.locator('tr[data-payment-id]').count(), 1);
  });

  test('the payment page shows amounts and the timeline', async () => {
    await page.getByRole('link', { name: payment.id }).click();
    await page.waitForURL(new RegExp(`/console/payments/${payment.id}$`));
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    assert.equal(await headerStatus(), 'authorized');
    assert.match(await page.locator('[data-field="amount_authorized"]').innerText(), /5,000\s*JPY/);
    assert.match(await page.locator('[data-field="amount_capturable"]').innerText(), /5,000\s*JPY/);
    const types = await Promise.all((await page.locator('[data-testid="timeline"] li').all()).map((li) => li.getAttribute('data-type')));
    assert.ok(types.includes('payment.created'), `timeline: ${types.join(', ')}`);
    assert.ok(types.includes('payment.authorized'), `timeline: ${types.join(', ')}`);
    for (const name of ['Capture', 'Void', 'Increment authorization']) await page.getByRole('button', { name, exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Refund', exact: true }).count(), 0, 'nothing is captured yet, so nothing can be refunded');
    assert.equal(await page.getByRole('button', { name: 'Repair state…' }).count(), 0, 'repair is for admins');
  });

  test('the operator captures it and sees it captured', async () => {
    await page.getByRole('button', { name: 'Capture', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Capture 5,000 JPY' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('.payment-header-meta .badge[data-status="captured"]').waitFor();
    assert.match(await page.locator('[data-field="amount_captured"]').innerText(), /5,000\s*JPY/);
    await page.locator('[data-testid="timeline"] li[data-type="payment.captured"]').waitFor();
    await page.getByRole('button', { name: 'Refund', exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Capture', exact: true }).count(), 0);
    const fromApi = await t.request({ method: 'GET', url: `/v1/payments/${payment.id}` });
    assert.equal(fromApi.json().status, 'captured');
    assert.equal(fromApi.json().amount_captured, 5000);
    await page.screenshot({ path: SCREENSHOT_PAYMENT, fullPage: true });
  });

  test('a refused action shows the server’s message and error code', async () => {
    const other = await createPayment(`ord_${randomUUID().slice(0, 8)}`);
    await page.goto(`${base}/console/payments/${other.id}`);
    await page.getByRole('button', { name: 'Void', exact: true }).waitFor();
    // Meanwhile someone captures it through the API: the console's Void is now out of date.
    const captured = await t.request({ method: 'POST', url: `/v1/payments/${other.id}/capture`, headers: { 'idempotency-key': randomUUID() }, payload: {} });
    assert.ok(captured.statusCode < 300, captured.body);
    await page.getByRole('button', { name: 'Void', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Void 5,000 JPY' }).click();
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /KS_ERR_PAYMENT_INVALID_STATE/);
    await page.screenshot({ path: SCREENSHOT_REFUSED });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    // The refusal made the page reload the payment: it now shows what really happened.
    await page.locator('.payment-header-meta .badge[data-status="captured"]').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Void', exact: true }).count(), 0);
  });

  test('a viewer following a deep link logs in and is offered no actions', async () => {
    await logOut();
    await page.goto(`${base}/console/payments/${payment.id}`);
    await logIn(page, users.viewer);
    assert.match(page.url(), new RegExp(`/console/payments/${payment.id}$`));
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    assert.equal(await headerStatus(), 'captured');
    assert.equal(await page.locator('[data-testid="payment-actions"]').count(), 0);
    for (const name of ['Capture', 'Void', 'Refund', 'Increment authorization', 'Repair state…']) {
      assert.equal(await page.getByRole('button', { name, exact: true }).count(), 0, `a viewer sees no ${name} button`);
    }
    const buttons = await page.locator('main button').allInnerTexts();
    assert.deepEqual(buttons, ['Refresh']);
  });

  test('an admin repairs the state by hand, with a reason, and it shows on the timeline', async () => {
    await logOut();
    await logIn(page, users.admin);
    await page.goto(`${base}/console/payments/${payment.id}`);
    await page.getByRole('button', { name: 'Repair state…' }).click();
    const dialog = page.getByRole('dialog');
    const confirm = dialog.getByRole('button', { name: 'Confirm repair' });
    // Staff refunded ¥1,000 in the provider's dashboard; our books do not know it.
    await dialog.getByLabel('New state').selectOption('partially_refunded');
    await dialog.getByLabel('Refunded', { exact: true }).fill('1000');
    assert.equal(await confirm.isDisabled(), true, 'no reason yet');
    await dialog.getByLabel('Reason (required)').fill('Refunded by phone at the provider, ticket OPS-12');
    assert.equal(await confirm.isDisabled(), false);
    await page.screenshot({ path: SCREENSHOT_REPAIR });
    await confirm.click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('.payment-header-meta .badge[data-status="partially_refunded"]').waitFor();
    assert.match(await page.locator('[data-field="amount_refunded"]').innerText(), /1,000\s*JPY/);
    assert.match(await page.locator('[data-field="amount_refundable"]').innerText(), /4,000\s*JPY/);
    const repaired = page.locator('[data-testid="timeline"] li[data-type="payment.repaired"]');
    await repaired.waitFor();
    assert.match(await repaired.innerText(), /ticket OPS-12/);
  });

  test('amounts follow the currency exponent: JPY 0, USD 2, KWD 3 decimals', async () => {
    const usd = await createPayment(`ord_${randomUUID().slice(0, 8)}`, { amount: 123456, currency: 'USD' });
    const kwd = await createPayment(`ord_${randomUUID().slice(0, 8)}`, { amount: 1234567, currency: 'KWD' });
    await page.goto(`${base}/console/payments`);
    assert.match(await page.locator(`tr[data-payment-id="${usd.id}"]`).innerText(), /1,234\.56\s*USD/);
    assert.match(await page.locator(`tr[data-payment-id="${kwd.id}"]`).innerText(), /1,234\.567\s*KWD/);
    assert.match(await page.locator(`tr[data-payment-id="${payment.id}"]`).innerText(), /5,000\s*JPY/);
    await page.screenshot({ path: SCREENSHOT_LIST, fullPage: true });
  });

  test('the list pages on to older payments and back', async () => {
    for (let i = 0; i < 55; i++) await createPayment(`ord_page_${i}_${randomUUID().slice(0, 6)}`);
    await page.goto(`${base}/console/payments`);
    const ids = () => page.locator('tr[data-payment-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-payment-id')));
    await page.locator('tr[data-payment-id]').first().waitFor();
    const first = await ids();
    assert.equal(first.length, 50);
    assert.equal(await page.getByRole('button', { name: '← Previous' }).isDisabled(), true, 'nothing newer than the newest page');
    await page.getByRole('button', { name: 'Next →' }).click();
    await page.waitForURL(/starting_after=/);
    await page.locator(`tr[data-payment-id="${first[0]}"]`).waitFor({ state: 'detached' });
    const second = await ids();
    assert.ok(second.length > 0 && second.every((id) => !first.includes(id)));
    await page.getByRole('button', { name: '← Previous' }).click();
    await page.waitForURL(/ending_before=/);
    await page.locator(`tr[data-payment-id="${first[0]}"]`).waitFor();
    assert.deepEqual(await ids(), first, 'back is the same page');
    assert.equal(await page.getByRole('button', { name: '← Previous' }).isDisabled(), true);
  });

  test('no script errors on any page', () => {
    assert.deepEqual(problems, []);
  });
});
