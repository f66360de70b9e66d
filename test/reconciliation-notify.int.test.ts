// A completed run announces itself to the operations channel (a Slack-compatible webhook, here a
// local fake): channel, day, counts, totals, what the open discrepancies add up to, and links to the
// run's three downloads under the public URL. The notice is a DBOS step: a refused delivery is
// retried, and once delivered it is checkpointed, so a run is announced once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DBOS } from '../src/workflows/index.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { runAt, saveMappings, uploadChannel, uploadOurs } from './support/reconciliation.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

let t: TestApp;
let ops: WebhookReceiver;
before(async () => {
  ops = await startWebhookReceiver();
  t = await startTestApp({ KESSAI_OPS_WEBHOOK_URL: `${ops.url}/slack`, KESSAI_PUBLIC_URL: 'https://kessai.example.com/' });
  await saveMappings(t, 'notes');
});
after(async () => {
  await t?.close();
  await ops?.close();
});

test('a completed run posts its summary and download links once, retrying a refused delivery', async () => {
  ops.respondWith((n) => (n === 1 ? 500 : 200));
  const D = '2026-05-01';
  await uploadChannel(t, 'notes', [
    { txn: 'N-1', order: 'N-1', date: D, amount: 1000 },
    { txn: 'N-2', order: 'N-2', date: D, amount: 1500 },
  ]);
  await uploadOurs(t, 'notes', [
    { txn: 'N-1', order: 'N-1', date: D, amount: 1000, orderTotal: 1000, status: 'captured' },
    { txn: 'N-2', order: 'N-2', date: D, amount: 1200, orderTotal: 1200, status: 'captured' },
  ]);
  const run = await runAt(t, 'generic:notes', D, '2026-05-02');
  assert.equal(run.status, 'completed');

  await ops.waitFor((r) => r.some((w) => w.status === 200 && w.raw.toString().includes(run.id)), 15_000, 'the run’s notice');
  const mine = ops.received.filter((w) => w.raw.toString().includes(run.id));
  assert.deepEqual(mine.map((w) => w.status), [500, 200], 'refused once, delivered on the retry');
  const notice = JSON.parse(mine[1]!.raw.toString()) as { text: string };
  const text = notice.text;
  assert.match(text, /^Reconciliation of generic:notes for 2026-05-01 completed: discrepancies/);
  for (const line of [
    '*Matched:* 1',
    '*Discrepant:* 1',
    '*Expected:* 0',
    '*Channel settlement:* 25.00 CNY',
    '*Our amount:* 22.00 CNY',
    '*Open discrepancies:* 1 (3.00 CNY)',
    `*Download: channel:* https://kessai.example.com/v1/reconciliation/runs/${run.id}/downloads/channel`,
    `*Download: ours:* https://kessai.example.com/v1/reconciliation/runs/${run.id}/downloads/ours`,
    `*Download: discrepancies:* https://kessai.example.com/v1/reconciliation/runs/${run.id}/downloads/discrepancies`,
  ]) {
    assert.ok(text.includes(line), `${line} in:\n${text}`);
  }

  // The link answers (the path is the download route's).
  const path = `/v1/reconciliation/runs/${run.id}/downloads/discrepancies`;
  assert.equal((await t.request({ method: 'GET', url: path })).statusCode, 200);

  // Checkpointed: a recovered run would find the step done and not post again.
  const steps = (await DBOS.listWorkflowSteps(run.id)) ?? [];
  const step = steps.find((s) => s.name === 'notify-operations');
  assert.deepEqual(step?.output, { delivered: true });
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(ops.received.filter((w) => w.status === 200 && w.raw.toString().includes(run.id)).length, 1);
});
