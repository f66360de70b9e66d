import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from './support/app.ts';
import { CHROMIUM, CHROMIUM_ARGS, PASSWORD, listen, logIn, prepareBrowserTest, watchPage } from './support/browser.ts';

/**
 * The console's rewards pages in a real browser (Debian's Chromium driven by playwright-core)
 * against the real server and PostgreSQL: an admin creates a campaign in the editor (after the
 * server refuses a field, shown beside it), finds it in the paged list, opens it and sees the
 * live estimate preview give the points its rate table says (and those of unsaved edits); a viewer sees the same campaign
 * read-only; two saves from pages opened on the same version end in a version conflict that the
 * page explains and recovers from; the customer page shows the local copy and the points.
 */

const SCREENSHOT_EDITOR = join(tmpdir(), 'console-rewards.png');
const SCREENSHOT_LIST = join(tmpdir(), 'console-rewards-list.png');
const SCREENSHOT_VIEWER = join(tmpdir(), 'console-rewards-viewer.png');
const SCREENSHOT_CONFLICT = join(tmpdir(), 'console-rewards-conflict.png');
const SCREENSHOT_CUSTOMER = join(tmpdir(), 'console-rewards-customer.png');
const CAMPAIGN_NAME = 'Autumn card rebate';
const CUSTOMER = `cus_${randomUUID().slice(0, 8)}`;

let t: TestApp;
let base: string;
let browser: Browser;
let adminContext: BrowserContext;
let viewerContext: BrowserContext;
let page: Page;
const problems: string[] = [];
const users = { admin: `admin_${randomUUID().slice(0, 8)}`, viewer: `view_${randomUUID().slice(0, 8)}` };
let campaignId: string;

const watch = (p: Page) => watchPage(p, problems);

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'en-GB', timezoneId: 'Asia/Tokyo' });
  context.setDefaultTimeout(20_000);
  return context;
}

async function api(method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  const res = await t.request({ method, url, ...(payload === undefined ? {} : { payload }), headers: method === 'GET' ? {} : { 'idempotency-key': randomUUID() } });
  assert.ok(res.statusCode < 300, `${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** Fills the preview's inputs; the page asks for the estimate by itself (debounced). */
async function previewPayment(p: Page, input: { customer: string; amount: string; currency?: string; merchant: string; method?: string }): Promise<void> {
  const preview = p.getByTestId('estimate-preview');
  await preview.getByLabel('Customer id').fill(input.customer);
  await preview.getByLabel('Amount', { exact: true }).fill(input.amount);
  await preview.getByLabel('Currency', { exact: true }).fill(input.currency ?? 'JPY');
  await preview.getByLabel('Merchant id').fill(input.merchant);
  await preview.getByLabel('Payment method', { exact: true }).fill(input.method ?? 'card');
}

function previewRow(p: Page, id: string) {
  return p.locator(`[data-testid="estimate-preview"] tr[data-campaign-id="${id}"]`);
}

describe('console rewards pages in Chromium', () => {
  before(async () => {
    prepareBrowserTest();
    t = await startTestApp();
    base = await listen(t);
    await t.platform.identity.createOperator({ username: users.admin, password: PASSWORD, role: 'admin' });
    await t.platform.identity.createOperator({ username: users.viewer, password: PASSWORD, role: 'viewer' });

    // Twenty campaigns that ended long ago (the list has two pages of 20) and one in force that
    // only wallet payments earn (the preview says why it does not apply to a card payment).
    for (let i = 1; i <= 20; i++) {
      await api('POST', '/v1/rewards/campaigns', {
        name: `Spring 2021 #${i}`,
        starts_at: '2021-03-01T00:00:00+09:00',
        ends_at: '2021-06-01T00:00:00+09:00',
        stage_rates: [{ min_stage: 0, rate_percent: '0.5' }],
        rounding: 'floor',
        funding_party: 'merchant',
      });
    }
    await api('POST', '/v1/rewards/campaigns', {
      name: 'Wallet week',
      starts_at: '2026-01-01T00:00:00+09:00',
      ends_at: '2099-01-01T00:00:00+09:00',
      payment_filters: { payment_methods: ['wallet'] },
      stage_rates: [{ min_stage: 0, rate_percent: '2.0' }],
      rounding: 'half_up',
      funding_party: 'merchant',
    });
    // The customer as the card system and the loyalty service last told Kessai.
    await api('PUT', `/v1/rewards/customers/${CUSTOMER}`, { card_status: 2, stage: 30, as_of: '2026-11-20T09:00:00+09:00' });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    adminContext = await newContext();
    viewerContext = await newContext();
    page = watch(await adminContext.newPage());
  });

  after(async () => {
    await adminContext?.close();
    await viewerContext?.close();
    await browser?.close();
    await t?.close();
  });

  test('an admin creates a campaign in the editor; a field the server refuses is marked', async () => {
    await page.goto(`${base}/console/rewards/campaigns`);
    await logIn(page, users.admin);
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.waitForURL(/\/console\/rewards\/campaigns\/new$/);
    await page.getByRole('heading', { name: 'New campaign' }).waitFor();

    await page.getByLabel('Name', { exact: true }).fill(CAMPAIGN_NAME);
    await page.getByLabel('Starts').fill('2026-01-01T00:00');
    await page.getByLabel('Ends', { exact: true }).fill('2099-01-01T00:00');
    await page.getByLabel('Card status in').fill('2, 3');
    await page.getByLabel('Merchant master ids').fill('m-excluded');
    await page.getByLabel(/Exclude these merchants/).check();
    await page.getByLabel('Payment methods').fill('card');
    await page.getByLabel('Minimum amount', { exact: true }).fill('1000');
    // The rate table: the first row is there; a second is added.
    await page.getByLabel('From stage, row 1').fill('10');
    await page.getByLabel('Rate percent, row 1').fill('1.0');
    await page.getByRole('button', { name: '+ Add stage' }).click();
    await page.getByLabel('From stage, row 2').fill('30');
    await page.getByLabel('Rate percent, row 2').fill('3.5');
    // A third row, removed again.
    await page.getByRole('button', { name: '+ Add stage' }).click();
    await page.getByLabel('From stage, row 3').fill('40');
    await page.getByRole('button', { name: 'Remove row 3' }).click();
    assert.equal(await page.locator('[data-testid="stage-rates"] tbody tr').count(), 2);
    assert.match(await page.getByTestId('rate-bands').innerText(), /below 10: nothing · 10–29: 1\.0 % · 30 and above: 3\.5 %/);
    await page.getByLabel('Per customer per month').fill('5,000');
    await page.getByLabel('Budget', { exact: true }).fill('1000000');
    await page.getByLabel('Rounding', { exact: true }).selectOption('floor');
    await page.getByLabel('Points expire after (days)').fill('365');
    // A time zone only the server can judge: its refusal lands on the field.
    await page.getByLabel('Months in time zone').fill('Mars/Olympus_Mons');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    const tzError = page.locator('.field', { has: page.getByLabel('Months in time zone') }).locator('.field-error');
    await tzError.filter({ hasText: 'Unknown timezone' }).waitFor();
    assert.equal(await page.getByLabel('Months in time zone').getAttribute('aria-invalid'), 'true');
    await page.getByRole('alert').filter({ hasText: 'KS_ERR_VALIDATION' }).waitFor();
    assert.match(page.url(), /\/new$/, 'nothing was created');

    await page.getByLabel('Months in time zone').fill('Asia/Tokyo');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.waitForURL(/\/console\/rewards\/campaigns\/rcp_[^/]+$/);
    campaignId = decodeURIComponent(page.url().split('/').pop()!);
    await page.getByTestId('save-notice').filter({ hasText: 'version 1 is saved' }).waitFor();
    await page.getByRole('heading', { name: CAMPAIGN_NAME }).waitFor();

    const saved = await api('GET', `/v1/rewards/campaigns/${campaignId}`);
    assert.equal(saved.version, 1);
    assert.equal(saved.status, 'active');
    assert.equal(saved.starts_at, '2025-12-31T15:00:00.000Z', 'the browser’s time zone (Asia/Tokyo)');
    assert.deepEqual(saved.user_filters, { card_status: [2, 3] });
    assert.deepEqual(saved.payment_filters, { marketplace: null, merchants: { master_ids: ['m-excluded'], invert: true }, payment_methods: ['card'], min_amount: { amount: 1000, currency: 'JPY' } });
    assert.deepEqual(saved.stage_rates, [
      { min_stage: 10, rate_percent: '1.0' },
      { min_stage: 30, rate_percent: '3.5' },
    ]);
    assert.deepEqual(saved.caps, { per_customer_month: 5000, timezone: 'Asia/Tokyo', budget: 1_000_000 });
    assert.equal(saved.rounding, 'floor');
    assert.equal(saved.funding_party, 'card_issuer');
    assert.equal(saved.points_expire_after_days, 365);
  });

  test('the list shows it first, with status, version, funding party and budget, and pages by cursor', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns' }).click();
    await page.waitForURL(/\/console\/rewards\/campaigns$/);
    const row = page.locator(`tr[data-campaign-id="${campaignId}"]`);
    await row.waitFor();
    assert.equal(await page.locator('tbody tr').first().getAttribute('data-campaign-id'), campaignId, 'newest first');
    assert.equal(await page.locator('tbody tr').count(), 20);
    assert.equal(await row.locator('[data-field="name"]').innerText(), CAMPAIGN_NAME);
    assert.equal(await row.locator('.badge').getAttribute('data-status'), 'active');
    assert.equal(await row.locator('[data-field="period"]').innerText(), '2026-01-01 → 2099-01-01');
    assert.equal(await row.locator('[data-field="version"]').innerText(), 'v1');
    assert.equal(await row.locator('[data-field="funding_party"]').innerText(), 'card_issuer');
    assert.match(await row.locator('[data-field="budget"]').innerText(), /^0\s*\/ 1,000,000/);
    await page.screenshot({ path: SCREENSHOT_LIST, fullPage: true });

    await page.getByRole('button', { name: 'Next →' }).click();
    await page.waitForURL(/starting_after=/);
    await page.getByText('2 campaigns on this page').waitFor();
    assert.equal(await page.locator(`tr[data-campaign-id="${campaignId}"]`).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Next →' }).isDisabled(), true);
    await page.getByLabel('Status').selectOption('ended');
    await page.waitForURL(/status=ended$/);
    await page.getByText('20 campaigns on this page').waitFor();
    assert.equal(await page.locator('tbody .badge[data-status="ended"]').count(), 20);
    await page.getByLabel('Status').selectOption('');
    await page.locator(`tr[data-campaign-id="${campaignId}"]`).waitFor();
  });

  test('the editor’s live preview gives the points of the rate table, and says why a campaign does not apply', async () => {
    await page.getByRole('link', { name: CAMPAIGN_NAME }).click();
    await page.waitForURL(new RegExp(`/rewards/campaigns/${campaignId}$`));
    await page.getByTestId('preview-note').filter({ hasText: 'saved version 1' }).waitFor();
    // Stage 30 → 3.5 %: 12,345 JPY × 3.5 % = 432.075, floor → 432 points.
    await previewPayment(page, { customer: CUSTOMER, amount: '12,345', merchant: 'CN-SHOP' });
    await page.getByTestId('estimate-total').filter({ hasText: /^432$/ }).waitFor();
    const mine = previewRow(page, campaignId);
    assert.equal(await mine.getAttribute('data-applies'), 'true');
    assert.equal(await mine.locator('[data-field="points"]').innerText(), '432');
    assert.match(await mine.innerText(), /3\.5 %/);
    const wallet = page.locator('[data-testid="estimate-preview"] tr', { hasText: 'Wallet week' });
    assert.equal(await wallet.getAttribute('data-applies'), 'false');
    assert.equal(await wallet.locator('[data-reason]').getAttribute('data-reason'), 'payment_method_not_eligible');
    assert.equal(await page.locator('[data-testid="estimate-preview"] tbody tr').count(), 2, 'only the campaigns in force');

    // As the operator types: below the minimum amount, nothing, and the reason.
    await page.getByTestId('estimate-preview').getByLabel('Amount', { exact: true }).fill('999');
    await page.getByTestId('estimate-total').filter({ hasText: /^0$/ }).waitFor();
    await mine.locator('[data-reason="amount_below_minimum"]').waitFor();
    // 100,000 JPY: 3,500 points, with the thousands separated.
    await page.getByTestId('estimate-preview').getByLabel('Amount', { exact: true }).fill('100000');
    await page.getByTestId('estimate-total').filter({ hasText: /^3,500$/ }).waitFor();

    // An unsaved edit is previewed as edited (the draft estimate), and the note says so; nothing is saved.
    await page.getByLabel('Rate percent, row 2').fill('5.0');
    await page.getByTestId('preview-note').filter({ hasText: 'your unsaved edits to version 1' }).waitFor();
    await page.getByTestId('estimate-total').filter({ hasText: /^5,000$/ }).waitFor();
    assert.equal(await previewRow(page, campaignId).getAttribute('data-draft'), 'true');
    // An edit that is not a valid campaign yet: the saved version, and the note says why.
    await page.getByLabel('Rate percent, row 2').fill('5.');
    await page.getByTestId('preview-note').filter({ hasText: 'your edits have errors' }).waitFor();
    await page.getByTestId('estimate-total').filter({ hasText: /^3,500$/ }).waitFor();
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await page.getByTestId('preview-note').filter({ hasText: 'saved version 1' }).waitFor();
    await page.getByTestId('estimate-preview').getByLabel('Amount', { exact: true }).fill('12345');
    await page.getByTestId('estimate-total').filter({ hasText: /^432$/ }).waitFor();

    // The budget chart and the history.
    assert.match(await page.getByTestId('budget-burn').innerText(), /0 of 1,000,000 points used/);
    // Per day from the burn API: since 1 January, nothing used on any day.
    await page.getByTestId('burn-summary').filter({ hasText: /days? in Asia\/Tokyo; nothing granted yet/ }).waitFor();
    assert.equal(await page.getByTestId('burn-used-line').count(), 1);
    assert.equal(await page.locator('[data-testid="budget-burn"] svg circle.used-dot').count(), 0, 'a dot only on days that moved');
    assert.equal(await page.locator('[data-testid="versions"] > li').count(), 1);
    await page.screenshot({ path: SCREENSHOT_EDITOR, fullPage: true });
  });

  test('a viewer sees the campaign read-only, and may still preview', async () => {
    const viewer = watch(await viewerContext.newPage());
    await viewer.goto(`${base}/console/rewards/campaigns/${campaignId}`);
    await logIn(viewer, users.viewer);
    await viewer.getByTestId('read-only-note').waitFor();
    assert.equal(await viewer.getByLabel('Name', { exact: true }).inputValue(), CAMPAIGN_NAME);
    for (const label of ['Name', 'Card status in', 'Budget', 'Rate percent, row 2']) {
      assert.equal(await viewer.getByLabel(label, { exact: true }).isDisabled(), true, `${label} is read-only`);
    }
    assert.equal(await viewer.getByRole('button', { name: '+ Add stage' }).isDisabled(), true);
    assert.equal(await viewer.getByRole('button', { name: /Save as version/ }).count(), 0);
    assert.equal(await viewer.getByTestId('editor-actions').count(), 0);
    await previewPayment(viewer, { customer: CUSTOMER, amount: '12345', merchant: 'CN-SHOP' });
    await viewer.getByTestId('estimate-total').filter({ hasText: /^432$/ }).waitFor();
    await viewer.screenshot({ path: SCREENSHOT_VIEWER, fullPage: true });
    await viewer.goto(`${base}/console/rewards/campaigns`);
    await viewer.locator(`tr[data-campaign-id="${campaignId}"]`).waitFor();
    assert.equal(await viewer.getByRole('link', { name: 'New campaign' }).count(), 0);
    await viewer.close();
  });

  test('two saves from pages opened on the same version: the second is refused and explained, then redone', async () => {
    const url = `${base}/console/rewards/campaigns/${campaignId}`;
    const first = page;
    await first.goto(url);
    const second = watch(await adminContext.newPage());
    await second.goto(url);
    await first.getByRole('button', { name: 'Save as version 2' }).waitFor();
    await second.getByRole('button', { name: 'Save as version 2' }).waitFor();

    await first.getByLabel('Budget', { exact: true }).fill('2000000');
    await first.getByRole('button', { name: 'Save as version 2' }).click();
    await first.getByTestId('save-notice').filter({ hasText: 'version 2 is now current' }).waitFor();

    await second.getByLabel('Name', { exact: true }).fill(`${CAMPAIGN_NAME} (extended)`);
    await second.getByRole('button', { name: 'Save as version 2' }).click();
    const conflict = second.getByTestId('version-conflict');
    await conflict.filter({ hasText: 'it is now at version 2' }).waitFor();
    const text = await conflict.innerText();
    assert.match(text, /Not saved: someone else saved this campaign after you opened it/);
    assert.match(text, /You edited version 1/);
    assert.match(text, /KS_ERR_REWARD_CAMPAIGN_VERSION_CONFLICT/);
    assert.equal(await second.getByLabel('Name', { exact: true }).inputValue(), `${CAMPAIGN_NAME} (extended)`, 'the edits stay in the form');
    await second.screenshot({ path: SCREENSHOT_CONFLICT, fullPage: true });
    const afterConflict = await api('GET', `/v1/rewards/campaigns/${campaignId}`);
    assert.equal(afterConflict.version, 2);
    assert.equal(afterConflict.name, CAMPAIGN_NAME, 'the refused save wrote nothing');
    assert.equal(afterConflict.caps.budget, 2_000_000);

    await conflict.getByRole('button', { name: /Load version 2/ }).click();
    await second.locator('[data-field="version"]', { hasText: 'version 2' }).waitFor();
    assert.equal(await second.getByLabel('Budget', { exact: true }).inputValue(), '2000000');
    assert.equal(await second.getByTestId('version-conflict').count(), 0);
    await second.getByLabel('Name', { exact: true }).fill(`${CAMPAIGN_NAME} (extended)`);
    await second.getByRole('button', { name: 'Save as version 3' }).click();
    await second.getByTestId('save-notice').filter({ hasText: 'version 3 is now current' }).waitFor();
    const versions = second.locator('[data-testid="versions"] > li');
    await second.locator('[data-testid="versions"] > li[data-version="3"]').waitFor();
    assert.equal(await versions.count(), 3);
    assert.equal(await second.locator('li[data-version="3"] [data-changed]').innerText(), 'name');
    assert.equal(await second.locator('li[data-version="2"] [data-changed]').innerText(), 'caps');
    assert.match(await second.getByTestId('budget-burn').innerText(), /0 of 2,000,000 points used/);
    await second.close();
  });

  test('the customer page shows the local copy with its as-of times, the balance and the ledger', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await page.waitForURL(/\/console\/rewards\/customers$/);
    await page.getByLabel('Customer id').fill(CUSTOMER);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.waitForURL(new RegExp(`/rewards/customers/${CUSTOMER}$`));
    const copy = page.getByTestId('customer-copy');
    await copy.waitFor();
    assert.match(await copy.locator('[data-field="card_status"]').innerText(), /^2\s+as of 2026-11-20 09:00:00/);
    assert.match(await copy.locator('[data-field="stage"]').innerText(), /^30\s+as of 2026-11-20 09:00:00/);
    assert.match(await page.locator('[data-field="balance"]').innerText(), /balance\s+0/i);
    await page.getByText('No ledger entries yet.').waitFor();
    await page.screenshot({ path: SCREENSHOT_CUSTOMER, fullPage: true });

    await page.getByLabel('Customer id').fill('cus_nobody');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByTestId('customer-not-found').waitFor();
  });

  test('no script errors on any page', () => {
    assert.deepEqual(problems, []);
  });
});
