// Imports through the API and the use case, on a real PostgreSQL: a real WeChat bill lands whole;
// a malformed last line leaves nothing behind and names its line and column; the same bytes twice
// are refused naming the first import, also when two uploads race; content decides, not the name;
// one run per channel and day at a time under concurrent requests; our side copied from payments.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from './fixtures/settlement/support.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { channelCsv, runAt, saveMappings, upload } from './support/reconciliation.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
  await saveMappings(t, 'imp');
});
after(async () => t?.close());

async function count(table: string): Promise<number> {
  return (await t.platform.database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
}

describe('importing a settlement file', () => {
  test('a WeChat bill is imported whole, with its hash, footer check and post dates', async () => {
    const res = await upload(t, 'channel=wechat&file_name=bill.csv', fixture('wechat-tradebill-all.csv'));
    assert.equal(res.statusCode, 201, res.body);
    const file = res.json();
    assert.match(file.id, /^rfil_/);
    assert.equal(file.format, 'wechat.tradebill.all');
    assert.equal(file.footer.status, 'passed');
    assert.match(file.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(file.post_dates, ['2024-03-01']);
    const { rows } = await t.platform.database.pool.query(`SELECT count(*)::int AS n, sum(settlement_amount)::text AS s FROM recon_channel_lines WHERE file_id = $1`, [file.id]);
    assert.equal(rows[0].n, file.line_count);
    const detail = await t.request({ method: 'GET', url: `/v1/reconciliation/files/${file.id}` });
    assert.equal(detail.json().line_count, file.line_count);
  });

  test('the same file again is refused, naming the earlier import, and nothing is added', async () => {
    const before = await count('recon_channel_lines');
    const res = await upload(t, 'channel=wechat&file_name=bill-again.csv', fixture('wechat-tradebill-all.csv'));
    assert.equal(res.statusCode, 409, res.body);
    const err = res.json().error;
    assert.equal(err.code, 'KS_ERR_RECONCILIATION_FILE_DUPLICATE');
    assert.match(err.earlier_file_id, /^rfil_/);
    assert.equal(err.earlier_file_name, 'bill.csv');
    assert.match(err.message, /bill\.csv/);
    assert.equal(await count('recon_channel_lines'), before);
  });

  test('a malformed last line leaves nothing behind and is named by line and column', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => ({ txn: `A-${i}`, order: `AO-${i}`, date: '2026-04-01', amount: 100 + i }));
    const csv = channelCsv(lines) + 'A-bad,AO-bad,payment,2026-04-01,12x4,CNY,1,CNY,,\n';
    const beforeLines = await count('recon_channel_lines');
    const beforeFiles = await count('recon_files');
    const res = await upload(t, 'channel=generic:imp&file_name=bad.csv', csv);
    assert.equal(res.statusCode, 422, res.body);
    const err = res.json().error;
    assert.equal(err.code, 'KS_ERR_SETTLEMENT_FILE_MALFORMED');
    assert.equal(err.line, 5002);
    assert.equal(err.column, 5);
    assert.equal(err.column_name, 'amount');
    assert.equal(await count('recon_channel_lines'), beforeLines);
    assert.equal(await count('recon_files'), beforeFiles);
    // Fixed, the same file imports.
    const fixed = await upload(t, 'channel=generic:imp&file_name=fixed.csv', channelCsv(lines));
    assert.equal(fixed.statusCode, 201, fixed.body);
    assert.equal(fixed.json().line_count, 5000);
  });

  test('two concurrent uploads of the same file: one is imported, the other refused', async () => {
    const csv = channelCsv(Array.from({ length: 3000 }, (_, i) => ({ txn: `C-${i}`, order: `CO-${i}`, date: '2026-04-02', amount: 500 + i })));
    const before = await count('recon_channel_lines');
    const answers = await Promise.all([1, 2].map((n) => upload(t, `channel=generic:imp&file_name=race-${n}.csv`, csv)));
    assert.deepEqual(answers.map((a) => a.statusCode).sort(), [201, 409], answers.map((a) => a.body).join('\n'));
    const loser = answers.find((a) => a.statusCode === 409)!.json().error;
    assert.equal(loser.earlier_file_id, answers.find((a) => a.statusCode === 201)!.json().id);
    assert.equal(await count('recon_channel_lines'), before + 3000);
  });

  test('the content decides the format, not the file name', async () => {
    const res = await upload(t, 'channel=stripe&file_name=payout.csv', fixture('wechat-tradebill-all.csv'));
    assert.equal(res.statusCode, 422, res.body);
    assert.equal(res.json().error.code, 'KS_ERR_SETTLEMENT_FILE_UNRECOGNISED');
    assert.equal(res.json().error.actual, 'wechat');
  });

  test('an upload over the size limit is refused', async () => {
    const saved = t.platform.reconciliation.context.settings.maxUploadBytes;
    t.platform.reconciliation.context.settings.maxUploadBytes = 1000;
    try {
      const res = await upload(t, 'channel=generic:imp', channelCsv(Array.from({ length: 200 }, (_, i) => ({ order: `B-${i}`, date: '2026-04-03', amount: 1 }))));
      assert.equal(res.statusCode, 413, res.body);
      assert.equal(res.json().error.code, 'KS_ERR_PAYLOAD_TOO_LARGE');
    } finally {
      t.platform.reconciliation.context.settings.maxUploadBytes = saved;
    }
  });

  test('an unknown channel or a generic channel without a mapping is refused', async () => {
    assert.equal((await upload(t, 'channel=visa', 'x')).statusCode, 400);
    const res = await upload(t, 'channel=generic:nosuch', 'a,b\n1,2\n');
    assert.equal(res.statusCode, 404, res.body);
    assert.equal(res.json().error.code, 'KS_ERR_RECONCILIATION_MAPPING_NOT_FOUND');
  });

  test('a viewer may list files but not upload', async () => {
    const { key } = await t.platform.identity.createApiKey({ name: 'reader', scopes: ['reconciliation:read'] });
    assert.equal((await t.request({ method: 'GET', url: '/v1/reconciliation/files', key })).statusCode, 200);
    assert.equal((await upload(t, 'channel=wechat', 'x', key)).statusCode, 403);
  });
});

describe('runs', () => {
  test('concurrent requests for one channel and day: one run, the others refused naming it', async () => {
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => t.request({ method: 'POST', url: '/v1/reconciliation/runs', payload: { channel: 'generic:imp', post_date: '2026-04-02' } })),
    );
    const codes = answers.map((a) => a.statusCode).sort();
    assert.deepEqual(codes, [202, 409, 409, 409], answers.map((a) => a.body).join('\n'));
    const run = answers.find((a) => a.statusCode === 202)!.json();
    for (const refused of answers.filter((a) => a.statusCode === 409)) {
      assert.equal(refused.json().error.code, 'KS_ERR_RECONCILIATION_RUN_IN_PROGRESS');
      assert.equal(refused.json().error.run_id, run.id);
    }
    await t.platform.reconciliation.waitForRun(run.id);
    const done = (await t.request({ method: 'GET', url: `/v1/reconciliation/runs/${run.id}` })).json();
    assert.equal(done.status, 'completed', done.error);
    assert.equal(done.result.line_count, 3000);
    // The run's clock is today, long after the look-back: lines with nothing of ours are discrepancies.
    assert.equal(done.result.discrepant_count, 3000);
    // Finished, the day may be run again.
    const again = await t.request({ method: 'POST', url: '/v1/reconciliation/runs', payload: { channel: 'generic:imp', post_date: '2026-04-02' } });
    assert.equal(again.statusCode, 202, again.body);
    await t.platform.reconciliation.waitForRun(again.json().id);
    const list = await t.request({ method: 'GET', url: '/v1/reconciliation/runs?channel=generic:imp' });
    assert.equal(list.json().data.length, 2);
  });

  test('our side is copied from payments: a captured sandbox payment matches its channel line', async () => {
    const created = await t.request({
      method: 'POST',
      url: '/v1/payments',
      payload: { order_id: 'REC-ORDER-1', amount: 4200, currency: 'JPY', provider: 'sandbox', payment_method: 'pm_card_visa', capture_method: 'automatic' },
    });
    assert.equal(created.statusCode, 201, created.body);
    let payment = created.json();
    if (payment.status !== 'captured') {
      const captured = await t.request({ method: 'POST', url: `/v1/payments/${payment.id}/capture`, payload: {} });
      payment = captured.json();
    }
    assert.equal(payment.status, 'captured', JSON.stringify(payment));
    const day = new Date().toISOString().slice(0, 10);
    await t.platform.reconciliation.saveMapping('sandbox', { ...(await import('./support/reconciliation.ts')).CHANNEL_MAPPING, currency: 'JPY' } as never, 'test');
    const csv = channelCsv([{ txn: payment.provider_payment_id, order: 'REC-ORDER-1', date: day, amount: 4200, currency: 'JPY' }]);
    assert.equal((await upload(t, 'channel=generic:sandbox', csv)).statusCode, 201);
    t.platform.reconciliation.context.settings.channelOfProvider = { sandbox: 'generic:sandbox' };
    const run = await runAt(t, 'generic:sandbox', day, day);
    assert.equal(run.status, 'completed', run.error ?? '');
    assert.equal((run.summary as { copied_from_payments: number }).copied_from_payments, 1);
    assert.equal(run.result!.matched_count, 1);
    assert.equal(run.result!.result, 'balanced');
  });
});
