import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from './support/app.ts';
import { PASSWORD, listen, logIn, openConsoleBrowser, prepareBrowserTest } from './support/browser.ts';
import { checkoutBody, postCheckout, readyCart, settledCheckout } from './support/checkout.ts';
import { DBOS } from '../src/workflows/index.ts';
import { freePort, startFakeSmtpServer, type FakeSmtpServer } from './fakes/fake-smtp-server.ts';

/**
 * The console's checkout pages in a real browser (Debian's Chromium driven by playwright-core),
 * against the real server, a real PostgreSQL and a real (fake) SMTP server that is down at first:
 * a checkout takes the money, cannot mail the confirmation and needs attention; an operator finds
 * it in the queue, reads the failed step, re-runs it (once too early, once after the mail server
 * is back), and follows the links to the order, its payment and its mail. A viewer is offered no
 * re-run, and a re-run the server refuses shows its code.
 */

const SCREENSHOT_RUN = join(tmpdir(), 'console-checkout.png');
const SCREENSHOT_QUEUE = join(tmpdir(), 'console-checkout-queue.png');
const SCREENSHOT_ALL = join(tmpdir(), 'console-checkout-all.png');
const SCREENSHOT_DIALOG = join(tmpdir(), 'console-checkout-dialog.png');
const SCREENSHOT_AGAIN = join(tmpdir(), 'console-checkout-again.png');
const SCREENSHOT_COMPLETED = join(tmpdir(), 'console-checkout-completed.png');
const SCREENSHOT_ORDER = join(tmpdir(), 'console-checkout-order.png');
const SCREENSHOT_REFUSED = join(tmpdir(), 'console-checkout-refused.png');

interface RunView {
  id: string;
  status: string;
  order_id: string;
  payment_id: string;
  failed_step: string | null;
  error: { code: string; message: string } | null;
  reruns: number;
}

let t: TestApp;
let base: string;
let browser: { page: Page; close(): Promise<void> } | undefined;
let page: Page;
let smtpPort: number;
let smtp: FakeSmtpServer | null = null;
const problems: string[] = [];
const users = { operator: `op_${randomUUID().slice(0, 8)}`, viewer: `view_${randomUUID().slice(0, 8)}` };
let run: RunView;

/**
 * Until the run's workflow has returned: a run is flagged (needs_attention) a moment before its
 * workflow finishes notifying the operations channel, and a re-run is refused meanwhile.
 */
async function workflowDone(id: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = (await DBOS.getWorkflowStatus(id))?.status;
    if (status === 'SUCCESS' || status === 'ERROR') return;
    if (Date.now() > deadline) assert.fail(`workflow ${id} is still ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A checkout whose confirmation mail cannot be sent (nothing listens on the SMTP port). */
async function checkoutNeedingAttention(): Promise<RunView> {
  const { cart } = await readyCart(t);
  const res = await postCheckout(t, cart.id, checkoutBody('pm_card_visa'));
  assert.equal(res.statusCode, 202, res.body);
  const view = (await settledCheckout(t, res.json().id)) as RunView;
  assert.equal(view.status, 'needs_attention', JSON.stringify(view));
  assert.equal(view.failed_step, 'send-confirmation');
  await workflowDone(view.id);
  return view;
}

async function apiRun(id: string): Promise<RunView> {
  const res = await t.request({ method: 'GET', url: `/v1/checkouts/${id}` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

async function logOut(): Promise<void> {
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByText('You have logged out.').waitFor();
}

/** The status shown in the run page's header. */
function headerBadge(status: string) {
  return page.locator(`.checkout-header-meta .badge[data-status="${status}"]`);
}

function step(name: string) {
  return page.locator(`[data-testid="steps"] li[data-step="${name}"]`).last();
}

describe('console checkout pages in Chromium', () => {
  before(async () => {
    prepareBrowserTest();
    smtpPort = await freePort();
    t = await startTestApp({
      KESSAI_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      KESSAI_MAIL_DIR: mkdtempSync(join(tmpdir(), 'kessai-mail-')),
      // The server answers a re-run after 0.3 s at most: one that takes longer (three tries to
      // reach a mail server that is down) is answered `running`, and the page polls it.
      KESSAI_CHECKOUT_WAIT_MS: '300',
    });
    base = await listen(t);
    await t.platform.identity.createOperator({ username: users.operator, password: PASSWORD, role: 'operator' });
    await t.platform.identity.createOperator({ username: users.viewer, password: PASSWORD, role: 'viewer' });
    run = await checkoutNeedingAttention();

    browser = await openConsoleBrowser(problems, 20_000);
    page = browser.page;
  });

  after(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });

  test('an operator finds the run in the needs-attention queue', async () => {
    await page.goto(`${base}/console/`);
    await logIn(page, users.operator);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Needs attention' }).click();
    await page.waitForURL(/\/console\/checkouts$/);
    await page.getByRole('heading', { name: 'Checkouts needing attention' }).waitFor();
    const row = page.locator(`tr[data-checkout-id="${run.id}"]`);
    await row.waitFor();
    const text = await row.innerText();
    for (const needle of [run.order_id, run.payment_id, 'send-confirmation', 'KS_ERR_CHECKOUT_STEP_FAILED']) assert.ok(text.includes(needle), `${needle} in ${text}`);
    assert.match(text, /2,000\s*JPY/, '1,200 for the product and 800 shipping');
    assert.match(await row.locator('[data-field="waiting"]').innerText(), /^\d+ (s|min)$/);
    assert.equal((await row.locator('td').last().innerText()).trim(), '0', 'no re-runs yet');
    await page.screenshot({ path: SCREENSHOT_QUEUE, fullPage: true });
  });

  test('the status filter shows every run, and lives in the URL', async () => {
    await page.getByLabel('Status').selectOption('all');
    await page.waitForURL(/\/checkouts\?status=all$/);
    await page.getByRole('heading', { name: 'Checkout runs' }).waitFor();
    const row = page.locator(`tr[data-checkout-id="${run.id}"]`);
    assert.equal(await row.locator('.badge').first().getAttribute('data-status'), 'needs_attention');
    await page.screenshot({ path: SCREENSHOT_ALL });
    await page.getByLabel('Status').selectOption('completed');
    await page.waitForURL(/status=completed/);
    await page.getByText('No checkout runs match this filter.').waitFor();
    await page.getByLabel('Status').selectOption('needs_attention');
    await page.waitForURL(/\/checkouts$/);
    await page.locator(`tr[data-checkout-id="${run.id}"]`).waitFor();
  });

  test('the run page shows the failed step, its error, the amounts and the customer', async () => {
    await page.getByRole('link', { name: run.id }).click();
    await page.waitForURL(new RegExp(`/console/checkouts/${run.id}$`));
    await headerBadge('needs_attention').waitFor();
    const failed = step('send-confirmation');
    assert.equal(await failed.getAttribute('data-status'), 'failed');
    const failedText = await failed.innerText();
    assert.ok(failedText.includes('KS_ERR_CHECKOUT_STEP_FAILED'), failedText);
    assert.match(failedText, /ECONNREFUSED/, 'the step’s own error: the mail server refused the connection');
    for (const name of ['validate-cart', 'reserve-stock', 'compute-shipping', 'create-payment', 'authorize-payment', 'place-order']) {
      assert.equal(await step(name).getAttribute('data-status'), 'succeeded', name);
    }
    const attention = await page.getByTestId('attention').innerText();
    assert.match(attention, /send-confirmation/);
    assert.match(attention, /KS_ERR_CHECKOUT_STEP_FAILED/);
    assert.ok(attention.includes(run.error!.message), `${run.error!.message} in ${attention}`);
    assert.match(await page.locator('[data-field="total"]').innerText(), /2,000\s*JPY/);
    assert.match(await page.locator('[data-field="shipping_fee"]').innerText(), /800\s*JPY/);
    assert.equal(await page.locator('[data-field="customer_name"]').innerText(), 'Hanako Yamada');
    assert.match(await page.locator('[data-field="shipping_address"]').innerText(), /1-2-3 Chiyoda[\s\S]*100-0001 Tokyo[\s\S]*JP/);
    assert.equal(await page.getByTestId('order-link').innerText(), run.order_id);
    assert.equal(await page.getByTestId('payment-link').getAttribute('href'), `/console/payments/${run.payment_id}`);
    await page.locator('[data-testid="timeline"] li[data-type="checkout.needs_attention"]').waitFor();
    await page.getByRole('button', { name: 'Re-run from send-confirmation' }).waitFor();
    await page.screenshot({ path: SCREENSHOT_RUN, fullPage: true });
  });

  test('a viewer is offered no re-run, and the server refuses one with 403', async () => {
    await logOut();
    await page.goto(`${base}/console/checkouts/${run.id}`);
    await logIn(page, users.viewer);
    await headerBadge('needs_attention').waitFor();
    await step('send-confirmation').waitFor();
    assert.equal(await page.getByRole('button', { name: /Re-run/ }).count(), 0);
    assert.equal(await page.getByTestId('checkout-actions').count(), 0);
    assert.deepEqual(await page.locator('main button').allInnerTexts(), ['Refresh']);
    // The same request the console would send, with the viewer's session and CSRF token.
    const refused = await page.evaluate(async (id) => {
      const me = (await (await fetch('/v1/auth/me')).json()) as { csrf_token: string };
      const res = await fetch(`/v1/checkouts/${id}/rerun`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-kessai-csrf': me.csrf_token, 'idempotency-key': `viewer-${Date.now()}` },
        body: '{}',
      });
      return { status: res.status, body: await res.json() };
    }, run.id);
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal((await apiRun(run.id)).reruns, 0);
    await logOut();
  });

  test('a re-run before the cause is fixed stops again at the same step, and says so', async () => {
    await page.goto(`${base}/console/checkouts/${run.id}`);
    await logIn(page, users.operator);
    await page.getByRole('button', { name: 'Re-run from send-confirmation' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/Note/).fill('trying before the relay is back');
    await page.screenshot({ path: SCREENSHOT_DIALOG });
    await dialog.getByRole('button', { name: 'Re-run from send-confirmation' }).click();
    await dialog.waitFor({ state: 'detached' });
    // Answered while still running: the page says so and polls until the run stops.
    const outcome = page.getByTestId('rerun-outcome');
    await outcome.filter({ hasText: 'Re-run under way.' }).waitFor();
    await headerBadge('running').waitFor();
    await outcome.filter({ hasText: 'The re-run stopped again at send-confirmation' }).waitFor();
    assert.match(await outcome.innerText(), /KS_ERR_CHECKOUT_STEP_FAILED/);
    await headerBadge('needs_attention').waitFor();
    assert.equal(await page.locator('[data-field="reruns"]').innerText(), '1');
    const rerun = page.locator('[data-testid="timeline"] li[data-type="checkout.rerun"]');
    await rerun.waitFor();
    assert.match(await rerun.innerText(), /trying before the relay is back/);
    assert.match(await rerun.innerText(), /send-confirmation/);
    await page.screenshot({ path: SCREENSHOT_AGAIN, fullPage: true });
    const view = await apiRun(run.id);
    assert.equal(view.status, 'needs_attention');
    assert.equal(view.reruns, 1);
    await workflowDone(run.id);
  });

  test('with the mail server back, the re-run completes the run and sends one mail', async () => {
    smtp = await startFakeSmtpServer(smtpPort);
    await page.getByRole('button', { name: 'Re-run from send-confirmation' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/Note/).fill('SMTP relay back up, ticket OPS-31');
    await dialog.getByRole('button', { name: 'Re-run from send-confirmation' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('rerun-outcome').filter({ hasText: 'Re-run completed.' }).waitFor();
    await headerBadge('completed').waitFor();
    assert.equal(await step('send-confirmation').getAttribute('data-status'), 'succeeded');
    assert.equal(await page.locator('[data-testid="steps"] li[data-status="failed"]').count(), 0);
    assert.equal(await page.getByRole('button', { name: /Re-run/ }).count(), 0, 'a completed run cannot be re-run');
    await page.locator('[data-testid="timeline"] li[data-type="checkout.completed"]').waitFor();
    assert.equal(await page.locator('[data-field="reruns"]').innerText(), '2');
    await page.screenshot({ path: SCREENSHOT_COMPLETED, fullPage: true });
    const view = await apiRun(run.id);
    assert.equal(view.status, 'completed');
    assert.equal(smtp.received.length, 1);
    assert.match(smtp.received[0]!.data, new RegExp(`Subject: Your order ${run.order_id} is confirmed`));
  });

  test('the order page shows the lines, the payment as it stands, the history and the mail', async () => {
    await page.getByTestId('order-link').click();
    await page.waitForURL(new RegExp(`/console/orders/${run.order_id}$`));
    await page.getByRole('heading', { name: `Order ${run.order_id}` }).waitFor();
    assert.equal(await page.locator('[data-testid="order-lines"] tbody tr').count(), 1);
    assert.match(await page.locator('tr[data-field="total"]').innerText(), /2,000\s*JPY/);
    const payment = page.getByTestId('order-payment');
    assert.equal(await payment.locator('.badge').first().getAttribute('data-status'), 'authorized');
    const mail = page.locator('[data-testid="mails"] > li').first();
    const mailText = await mail.innerText();
    assert.match(mailText, new RegExp(`Your order ${run.order_id} is confirmed`));
    assert.match(mailText, /via smtp/);
    assert.match(mailText, new RegExp(`<${run.order_id}\\.confirmation@kessai>`));
    // Sent over SMTP, and a copy kept: the page shows the .eml as it was sent.
    await mail.getByRole('button', { name: 'Show .eml' }).click();
    const eml = await mail.getByTestId('eml').innerText();
    assert.match(eml, new RegExp(`Subject: Your order ${run.order_id} is confirmed`));
    assert.match(eml, /Total +2000 JPY/);
    const history = await Promise.all((await page.locator('[data-testid="order-history"] > li').all()).map((li) => li.getAttribute('data-type')));
    assert.deepEqual(history.sort(), ['confirmation_sent', 'placed']);
    await page.screenshot({ path: SCREENSHOT_ORDER, fullPage: true });
    await page.getByTestId('payment-link').click();
    await page.waitForURL(new RegExp(`/console/payments/${run.payment_id}$`));
    await page.locator('.payment-header-meta .badge[data-status="authorized"]').waitFor();
  });

  test('the queue is empty once the run is done; the orders list has the order', async () => {
    await page.goto(`${base}/console/checkouts`);
    await page.getByText('Nothing needs attention').waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders' }).click();
    const row = page.locator(`tr[data-order-id="${run.order_id}"]`);
    await row.waitFor();
    assert.ok((await row.innerText()).includes(run.payment_id));
  });

  test('a re-run the server refuses (someone re-ran it meanwhile) shows KS_ERR_CHECKOUT_NOT_RERUNNABLE', async () => {
    await smtp!.close();
    smtp = null;
    const other = await checkoutNeedingAttention();
    await page.goto(`${base}/console/checkouts/${other.id}`);
    await page.getByRole('button', { name: 'Re-run from send-confirmation' }).waitFor();
    // Meanwhile someone fixes the mail server and re-runs it through the API.
    smtp = await startFakeSmtpServer(smtpPort);
    const fixed = await t.request({ method: 'POST', url: `/v1/checkouts/${other.id}/rerun`, headers: { 'idempotency-key': randomUUID() }, payload: { note: 'from the API' } });
    assert.ok(fixed.statusCode === 201 || fixed.statusCode === 202, fixed.body);
    assert.equal((await settledCheckout(t, other.id)).status, 'completed');
    await page.getByRole('button', { name: 'Re-run from send-confirmation' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Re-run from send-confirmation' }).click();
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /KS_ERR_CHECKOUT_NOT_RERUNNABLE/);
    assert.match(await alert.innerText(), /completed/);
    await dialog.getByText('another operator may have re-run it').waitFor();
    // The refusal made the page reload the run behind the dialog: it shows what really happened.
    await dialog.getByTestId('rerun-moved').filter({ hasText: 'The run is now Completed' }).waitFor();
    assert.equal(await dialog.getByRole('button', { name: 'Re-run from send-confirmation' }).isDisabled(), true);
    await page.screenshot({ path: SCREENSHOT_REFUSED });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await headerBadge('completed').waitFor();
    assert.equal(await page.getByRole('button', { name: /Re-run/ }).count(), 0);
    assert.equal(smtp.received.length, 1, 'one mail for that order');
  });

  test('no script errors on any page', () => {
    assert.deepEqual(problems, []);
  });
});
