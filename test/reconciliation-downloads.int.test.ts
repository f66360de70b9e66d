// A run's downloads: channel lines, our transactions and discrepancies, as CSV and XLSX.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { startTestApp, type TestApp } from './support/app.ts';
import { runAt, saveMappings, uploadChannel, uploadOurs } from './support/reconciliation.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
  await saveMappings(t, 'dl');
});
after(async () => t?.close());

test('CSV and XLSX of both sides and the discrepancies of a run', async () => {
  await uploadChannel(t, 'dl', [
    { txn: 'T1', order: 'O1', date: '2026-11-20', amount: 1000 },
    { txn: 'T2', order: '=HYPERLINK("x")', date: '2026-11-20', amount: 2000 },
  ]);
  await uploadOurs(t, 'dl', [
    { txn: 'T1', order: 'O1', date: '2026-11-20', amount: 1000 },
    { txn: 'T2', order: '=HYPERLINK("x")', date: '2026-11-20', amount: 1900 },
  ]);
  const run = await runAt(t, 'generic:dl', '2026-11-20', '2026-11-20');
  const get = (side: string, format = 'csv') => t.request({ method: 'GET', url: `/v1/reconciliation/runs/${run.id}/downloads/${side}?format=${format}` });

  const channel = await get('channel');
  assert.equal(channel.statusCode, 200, channel.body);
  assert.match(channel.headers['content-type'] as string, /text\/csv/);
  assert.match(channel.headers['content-disposition'] as string, /attachment; filename="generic_dl-2026-11-20-channel\.csv"/);
  const lines = channel.body.trim().split('\r\n');
  assert.equal(lines.length, 3);
  assert.ok(lines[0]!.startsWith('id,file_id,line_no,kind,channel_transaction_id,merchant_order_id'));
  assert.ok(lines.some((l) => l.includes(`"'=HYPERLINK(""x"")"`)), 'a formula-looking cell is defused');

  const ours = await get('ours');
  assert.equal(ours.body.trim().split('\r\n').length, 3);

  const discrepancies = await get('discrepancies');
  const rows = discrepancies.body.trim().split('\r\n');
  assert.equal(rows.length, 2, discrepancies.body);
  assert.ok(rows[0]!.includes(',fields,corrected,state,'), rows[0]);
  assert.match(rows[1]!, /1900|2000/);

  const xlsx = await get('discrepancies', 'xlsx');
  assert.equal(xlsx.statusCode, 200);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
  const sheet = book.getWorksheet('discrepancies')!;
  assert.equal(sheet.rowCount, 2);
  assert.equal(sheet.getRow(1).getCell(1).value, 'id');

  assert.equal((await t.request({ method: 'GET', url: '/v1/reconciliation/runs/rrun_nope/downloads/channel' })).statusCode, 404);
});
