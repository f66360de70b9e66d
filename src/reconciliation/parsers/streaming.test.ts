// Feeding a file in chunks of 1–7 bytes (splitting UTF-8 and GBK characters, CRLF pairs, ZIP
// headers) must give exactly the lines and result of feeding it whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, readAll, sample, samplesPresent, tinyChunks, whole, zipArchive, GBK } from '../../../test/fixtures/settlement/support.ts';
import { parseAdyenSettlementDetails, parseAlipayBill, parsePaypalStl, parseStripePayoutReport, parseWechatTradeBill, type ByteSource, type SettlementFileParse } from './index.ts';

type Parser = (source: ByteSource) => SettlementFileParse;

const files: Array<[string, Parser, () => Buffer]> = [
  ['WeChat, BOM + CRLF + back-ticks', parseWechatTradeBill, () => fixture('wechat-tradebill-all.csv')],
  ['WeChat, GBK', parseWechatTradeBill, () => fixture('wechat-tradebill-all.gbk.csv')],
  ['Alipay, GBK', parseAlipayBill, () => fixture('alipay-trade.gbk.csv')],
  ['Alipay, ZIP', parseAlipayBill, () => zipArchive([{ name: Buffer.concat([Buffer.from('p_'), GBK.业务明细, Buffer.from('.csv')]), data: fixture('alipay-trade.gbk.csv'), dataDescriptor: true }])],
  ['Stripe, quoted cells', parseStripePayoutReport, () => fixture('stripe-payout.csv')],
  ['Adyen, a quoted cell over two lines', parseAdyenSettlementDetails, () => fixture('adyen-sdr-reordered.csv')],
  ['PayPal, UTF-16LE', parsePaypalStl, () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(fixture('paypal-stl.csv').toString('utf8'), 'utf16le')])],
];
if (samplesPresent) {
  files.push(['WeChat official sample', parseWechatTradeBill, () => sample('wechatpay/tradebill.ALL.wechatpay-php-official.csv')]);
  files.push(['Alipay GBK sample', parseAlipayBill, () => sample('alipay/alipay_trade_detail_20190916.gbk.csv')]);
  files.push(['PayPal BOM sample', parsePaypalStl, () => sample('paypal/smashpig_stl_brl_refund.csv')]);
}

for (const [name, parse, bytes] of files) {
  test(`${name}: tiny chunks give the same lines and result as one chunk`, async () => {
    const data = bytes();
    const once = await readAll(parse(whole(data)));
    assert.ok(once.lines.length > 0);
    for (const seed of [1, 7, 42]) {
      const chunked = await readAll(parse(tinyChunks(data, seed)));
      assert.deepEqual(chunked.lines, once.lines, `seed ${seed}`);
      assert.deepEqual(chunked.result, once.result, `seed ${seed}`);
    }
  });
}
