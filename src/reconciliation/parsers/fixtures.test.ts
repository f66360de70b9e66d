// The project's own fixtures (test/fixtures/settlement), written from the format facts: good
// files with exact figures, and malformed ones that must name their line and column.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, readAll, whole, zipArchive, GBK } from '../../../test/fixtures/settlement/support.ts';
import {
  detectSettlementFormat,
  parseAdyenSettlementDetails,
  parseAlipayBill,
  parsePaypalStl,
  parseStripePayoutReport,
  parseWechatTradeBill,
  type SettlementFileParse,
} from './index.ts';

/** The parse fails with KS_ERR_SETTLEMENT_FILE_MALFORMED (422) and these details (others may be there too). */
async function rejectsMalformed(parse: SettlementFileParse, details: Record<string, unknown>): Promise<void> {
  await assert.rejects(readAll(parse), (err: { code?: string; status?: number; details?: Record<string, unknown> }) => {
    assert.equal(err.code, 'KS_ERR_SETTLEMENT_FILE_MALFORMED');
    assert.equal(err.status, 422);
    assert.deepEqual(Object.fromEntries(Object.keys(details).map((k) => [k, err.details?.[k]])), details);
    return true;
  });
}

describe('WeChat Pay fixtures', () => {
  test('back-ticked header, BOM, CRLF, a comma inside 商品名称, 5-decimal fees rounded half-up', async () => {
    const { lines, result } = await readAll(parseWechatTradeBill(whole(fixture('wechat-tradebill-all.csv'))));
    assert.equal(result.footer.status, 'passed');
    assert.deepEqual(lines.map((l) => [l.kind, l.settlement!.amount, l.transaction!.amount, l.fees.acquirer, l.net!.amount]), [
      ['payment', 10000n, 10000n, 60n, 9940n],
      ['payment', 100n, 100n, 1n, 99n], // 0.00600 → 0.01
      ['refund', -4000n, -4000n, -24n, -3976n], // the refunded fee comes back
      ['payment', 9000n, 10000n, 54n, 8946n], // 应结订单金额 90.00 after a 10.00 coupon on 订单金额 100.00
    ]);
    assert.equal(lines[0]!.description, 'T-shirt, size M');
    assert.equal(lines[0]!.cardBrand, 'CMB_CREDIT');
    assert.equal(lines[2]!.status, 'REFUND SUCCESS');
  });

  test('fee rounding is a parameter', async () => {
    const { lines } = await readAll(parseWechatTradeBill(whole(fixture('wechat-tradebill-all.csv')), { feeRounding: 'down' }));
    assert.equal(lines[1]!.fees.acquirer, 0n);
  });

  test('a GBK bill from the merchant portal reads the same', async () => {
    const utf8 = await readAll(parseWechatTradeBill(whole(fixture('wechat-tradebill-all.csv'))));
    const gbk = await readAll(parseWechatTradeBill(whole(fixture('wechat-tradebill-all.gbk.csv'))));
    assert.equal(gbk.result.encoding, 'gbk');
    assert.deepEqual(gbk.lines, utf8.lines);
  });

  test('the pre-2018 header generation, its 5-column summary and full-width colons', async () => {
    const { lines, result } = await readAll(parseWechatTradeBill(whole(fixture('wechat-tradebill-legacy.csv'))));
    assert.equal(result.formatVersion, 'legacy');
    assert.equal(result.footer.status, 'passed');
    assert.equal(lines[0]!.transactionTime, '2017-05-12T16:46:14+08:00');
    assert.deepEqual(lines.map((l) => [l.kind, l.settlement!.amount, l.fees.acquirer]), [['payment', 1000n, 6n], ['refund', -500n, -3n]]);
  });

  test('a bad amount names its line and column', async () => {
    await rejectsMalformed(parseWechatTradeBill(whole(fixture('wechat-bad-amount.csv'))), { line: 3, column: 13, column_name: '应结订单金额', expected: 'a decimal amount such as 12.34', actual: '1.0O' });
  });

  test('a missing column is named', async () => {
    await rejectsMalformed(parseWechatTradeBill(whole(fixture('wechat-missing-column.csv'))), { line: 1, column_name: '手续费', missing_columns: ['手续费'], expected: 'columns 手续费' });
  });

  test('a truncated line names the first missing cell', async () => {
    await rejectsMalformed(parseWechatTradeBill(whole(fixture('wechat-truncated.csv'))), { line: 3, column: 11, column_name: '付款银行', expected: '27 cells', actual: '10 cells' });
  });

  test('a footer that does not match is reported item by item, not ignored', async () => {
    const { lines, result } = await readAll(parseWechatTradeBill(whole(fixture('wechat-footer-mismatch.csv'))));
    assert.equal(lines.length, 4);
    assert.equal(result.footer.status, 'failed');
    assert.deepEqual(result.problems.map((p) => [p.code, p.line, p.column, p.expected, p.actual]), [
      ['footer_mismatch', 7, '总交易单数', '5', '4'],
      ['footer_mismatch', 7, '手续费总金额', '0.91000', '0.90600'],
    ]);
  });

  test('invalid bytes after a UTF-8 start (wrong encoding) name the line and column', async () => {
    const good = fixture('wechat-tradebill-all.csv');
    const at = good.indexOf(Buffer.from('外套'));
    const mixed = Buffer.concat([good.subarray(0, at), Buffer.from('b2e2cad4', 'hex'), good.subarray(at + Buffer.from('外套').length)]);
    await rejectsMalformed(parseWechatTradeBill(whole(mixed), { encoding: 'utf-8' }), { line: 5, column: 21, column_name: '商品名称' });
  });

  test('an error document from the API is not a bill; a file without its summary is reported', async () => {
    await assert.rejects(readAll(parseWechatTradeBill(whole(Buffer.from('<xml><return_code><![CDATA[FAIL]]></return_code></xml>')))), { code: 'KS_ERR_SETTLEMENT_FILE_UNRECOGNISED' });
    const cut = fixture('wechat-tradebill-all.csv');
    const { result } = await readAll(parseWechatTradeBill(whole(cut.subarray(0, cut.indexOf(Buffer.from('总交易单数'))))));
    assert.equal(result.footer.status, 'missing');
    assert.deepEqual(result.problems.map((p) => p.code), ['footer_missing']);
  });
});

describe('Alipay fixtures', () => {
  test('GBK, trailing tabs, service fee as a cash-flow figure, footer checked', async () => {
    const { lines, result } = await readAll(parseAlipayBill(whole(fixture('alipay-trade.gbk.csv'))));
    assert.equal(result.footer.status, 'passed');
    assert.deepEqual(lines.map((l) => [l.kind, l.transaction!.amount, l.settlement!.amount, l.fees.acquirer, l.net!.amount, l.merchantOrderId]), [
      ['payment', 10500n, 10000n, 60n, 9940n, 'KS-ORDER-2001'],
      ['payment', 5000n, 5000n, 30n, 4970n, 'KS-ORDER-2002'],
      ['refund', -3000n, -3000n, -18n, -2982n, 'KS-ORDER-2001'],
    ]);
  });

  test('a ZIP with the summary and detail entries (GBK names, stored and deflated)', async () => {
    const prefix = Buffer.from('2088000000000001_20240301_');
    const zip = zipArchive([
      { name: Buffer.concat([prefix, GBK.业务明细汇总, Buffer.from('.csv')]), data: fixture('alipay-trade-summary.gbk.csv'), method: 'store' },
      { name: Buffer.concat([prefix, GBK.业务明细, Buffer.from('.csv')]), data: fixture('alipay-trade.gbk.csv') },
    ]);
    const { lines, result } = await readAll(parseAlipayBill(whole(zip)));
    assert.equal(lines.length, 3);
    assert.equal(lines[0]!.source.entry, '2088000000000001_20240301_业务明细.csv');
    assert.equal(result.metadata['summary:实收净额（元）'], '119.28');
    assert.equal(result.footer.status, 'passed');
  });

  test('footer mismatch, bad amount, a broken ZIP', async () => {
    const { result } = await readAll(parseAlipayBill(whole(fixture('alipay-trade-footer-mismatch.gbk.csv'))));
    assert.deepEqual(result.problems.map((p) => [p.line, p.column, p.expected, p.actual]), [[10, '交易合计 商家实收', '151.00', '150.00']]);
    await rejectsMalformed(parseAlipayBill(whole(fixture('alipay-trade-bad-amount.gbk.csv'))), { line: 7, column: 13, column_name: '商家实收（元）', actual: '5O.00' });
    const zip = zipArchive([{ name: Buffer.from('a.csv'), data: fixture('alipay-trade.gbk.csv') }]);
    await assert.rejects(readAll(parseAlipayBill(whole(zip.subarray(0, 200)))), { code: 'KS_ERR_SETTLEMENT_FILE_MALFORMED' });
  });
});

describe('Stripe, Adyen and PayPal fixtures', () => {
  test('Stripe: presentment currency, JPY without decimals, our order number from metadata', async () => {
    const { lines } = await readAll(parseStripePayoutReport(whole(fixture('stripe-payout.csv'))));
    assert.deepEqual(lines[0]!.transaction, { amount: 9250n, currency: 'EUR' });
    assert.deepEqual([lines[0]!.settlement, lines[0]!.merchantOrderId, lines[0]!.transactionTime], [{ amount: 10000n, currency: 'USD' }, 'KS-3001', '2024-03-01T10:11:12Z']);
    assert.deepEqual([lines[1]!.kind, lines[1]!.originalTransactionId, lines[1]!.description], ['refund', 'ch_1', 'Refund, partial']);
    assert.deepEqual([lines[2]!.kind, lines[2]!.net!.amount], ['chargeback', -4500n]);
    assert.deepEqual([lines[3]!.kind, lines[3]!.settlement], ['fee', { amount: -500n, currency: 'JPY' }]);
  });

  test('Stripe: missing column, too many decimals', async () => {
    await rejectsMalformed(parseStripePayoutReport(whole(fixture('stripe-missing-net.csv'))), { line: 1, column_name: 'net', missing_columns: ['net'] });
    await rejectsMalformed(parseStripePayoutReport(whole(fixture('stripe-bad-amount.csv'))), { line: 3, column: 4, column_name: 'gross', expected: 'an amount with at most 2 decimal places' });
  });

  test('Adyen: columns in any order, a quoted cell over two lines, net debit, payout', async () => {
    const { lines } = await readAll(parseAdyenSettlementDetails(whole(fixture('adyen-sdr-reordered.csv'))));
    assert.deepEqual(lines.map((l) => l.source.line), [2, 4, 5, 6], 'a record spanning lines 2–3 keeps its first line');
    assert.deepEqual([lines[0]!.settlement!.amount, lines[0]!.net!.amount, lines[0]!.fees.acquirer], [970n, 935n, 15n]);
    assert.deepEqual([lines[1]!.net, lines[1]!.transaction], [{ amount: -3n, currency: 'EUR' }, { amount: 1000n, currency: 'INR' }]);
    assert.deepEqual([lines[2]!.kind, lines[2]!.channelTransactionId, lines[2]!.originalTransactionId, lines[2]!.merchantReference], ['refund', 'REF000000000001', 'PSP000000000001', 'KS-4001-R1']);
    assert.deepEqual([lines[3]!.kind, lines[3]!.net!.amount, lines[3]!.description], ['payout', -432n, 'payout batch 12, ShopEU']);
    await rejectsMalformed(parseAdyenSettlementDetails(whole(fixture('adyen-bad-amount.csv'))), { line: 3, column: 20, column_name: 'Interchange (NC)', actual: 'abc' });
  });

  test('PayPal: JPY hundredths, section and report footers, counts; a bad flag; a JPY fraction', async () => {
    const { lines, result } = await readAll(parsePaypalStl(whole(fixture('paypal-stl.csv'))));
    assert.deepEqual(lines.map((l) => [l.kind, l.settlement!.amount, l.settlement!.currency, l.fees.acquirer]), [
      ['payment', 10000n, 'JPY', 360n],
      ['refund', -3000n, 'JPY', -90n],
      ['payment', 2599n, 'USD', 105n],
    ]);
    assert.equal(result.footer.status, 'passed');
    assert.equal(result.footer.items.length, 2 * 4 * 2 + 3);
    assert.equal(result.formatVersion, '010');
    await rejectsMalformed(parsePaypalStl(whole(fixture('paypal-stl-bad-flag.csv'))), { line: 6, column: 9, expected: 'CR or DR', actual: 'XR' });
    await rejectsMalformed(parsePaypalStl(whole(fixture('paypal-stl-odd-jpy.csv'))), { line: 5, column: 10, column_name: 'Gross Transaction Amount' });
  });

  test('PayPal: an older UTF-16 report with its BOM', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(fixture('paypal-stl.csv').toString('utf8'), 'utf16le')]);
    const { lines, result } = await readAll(parsePaypalStl(whole(utf16)));
    assert.equal(result.encoding, 'utf-16le');
    assert.equal(lines.length, 3);
  });
});

describe('what the parsers share', () => {
  test('the detector names the parser from the first bytes or the file name', () => {
    const cases: Array<[string, string | null]> = [
      ['wechat-tradebill-all.csv', 'wechat.tradebill'],
      ['alipay-trade.gbk.csv', 'alipay.bill'],
      ['stripe-payout.csv', 'stripe.payout_reconciliation'],
      ['adyen-sdr-reordered.csv', 'adyen.settlement_details'],
      ['paypal-stl.csv', 'paypal.stl'],
      ['generic-bank.csv', null],
    ];
    for (const [file, format] of cases) assert.equal(detectSettlementFormat(fixture(file).subarray(0, 8192))?.format ?? null, format, file);
    assert.equal(detectSettlementFormat(zipArchive([{ name: Buffer.from('x.csv'), data: Buffer.from('') }]))?.format, 'alipay.zip');
    assert.equal(detectSettlementFormat(Buffer.from('PK\x03\x04'), 'report.xlsx')?.format, 'xlsx');
  });

  test('the content hash is the SHA-256 of the bytes, and equal for the same file however it is fed', async () => {
    const bytes = fixture('paypal-stl.csv');
    const { createHash } = await import('node:crypto');
    const { result } = await readAll(parsePaypalStl(whole(bytes)));
    assert.equal(result.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(result.byteLength, bytes.length);
  });

  test('result rejects with the iteration’s error, and a parse is read once', async () => {
    const parse: SettlementFileParse = parseStripePayoutReport(whole(fixture('stripe-bad-amount.csv')));
    await assert.rejects(readAll(parse), { code: 'KS_ERR_SETTLEMENT_FILE_MALFORMED' });
    await assert.rejects(parse.result, { code: 'KS_ERR_SETTLEMENT_FILE_MALFORMED' });
    await assert.rejects(readAll(parse), /iterated once/);
  });

  test('a line longer than 1 MiB is refused before it is held whole', async () => {
    const huge = Buffer.concat([Buffer.from('balance_transaction_id,currency,gross,fee,net,reporting_category,created\n'), Buffer.alloc(2 * 1024 * 1024, 'x')]);
    await rejectsMalformed(parseStripePayoutReport(whole(huge)), { line: 2 });
  });
});
