// Every parser against the real samples in ../shared/formats/samples (read at test time, never
// copied into the project): counts, a few amounts checked by hand against the file, the footer.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { readAll, sample, samplesPresent, whole, zipArchive, GBK } from '../../../test/fixtures/settlement/support.ts';
import {
  parseAdyenSettlementDetails,
  parseAlipayBill,
  parsePaypalStl,
  parseStripePayoutReport,
  parseWechatTradeBill,
  type SettlementLine,
} from './index.ts';

const skip = !samplesPresent && 'the shared samples are not here';
const kinds = (lines: SettlementLine[]) => lines.map((l) => l.kind);
const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);
const withoutRaw = ({ raw: _raw, ...line }: SettlementLine) => line;

describe('WeChat Pay trade bills (real samples)', { skip }, () => {
  test('the official ALL fixture: UTF-8 BOM, CRLF, 45 lines, summary `45.0` checked', async () => {
    const { lines, result } = await readAll(parseWechatTradeBill(whole(sample('wechatpay/tradebill.ALL.wechatpay-php-official.csv'))));
    assert.equal(result.format, 'wechat.tradebill.all');
    assert.equal(result.formatVersion, '2018');
    assert.equal(result.encoding, 'utf-8');
    assert.equal(lines.length, 45);
    assert.equal(kinds(lines).filter((k) => k === 'refund').length, 14);
    assert.equal(result.footer.status, 'passed');
    assert.equal(result.footer.items.length, 7);
    assert.deepEqual(result.problems, []);
    // Line 4: `0.03` NATIVE payment with fee `0.01000`.
    const line4 = lines.find((l) => l.source.line === 4)!;
    assert.deepEqual([line4.kind, line4.settlement, line4.fees.acquirer, line4.net], ['payment', { amount: 3n, currency: 'CNY' }, 1n, { amount: 2n, currency: 'CNY' }]);
    assert.equal(line4.merchantOrderId, 'autotest_20190219015232_89201');
    assert.equal(line4.transactionTime, '2019-02-19T01:52:32+08:00');
    // Line 2: a refund of 0.01 with its refund ids; the original trade's id is kept apart.
    const refund = lines[0]!;
    assert.deepEqual(
      [refund.kind, refund.settlement?.amount, refund.channelTransactionId, refund.originalTransactionId, refund.merchantReference],
      ['refund', -1n, '50000709672019011908420787722', '4200000263201902167700134212', 'REF4200000263201902167700963919'],
    );
    assert.equal(sum(lines.map((l) => l.settlement!.amount)), 47n - 14n);
    assert.equal(sum(lines.map((l) => l.fees.acquirer!)), 8n);
    assert.deepEqual(lines.map((l) => l.fees.interchange), Array(45).fill(null), 'fee items WeChat does not state stay null');
  });

  test('the v3 download (no BOM, LF), and the same bytes gzipped as tar_type=GZIP sends them', async () => {
    const bytes = sample('wechatpay/tradebill.ALL.v3-gzip.gunsluo-wechatpay-go.csv');
    const plain = await readAll(parseWechatTradeBill(whole(bytes)));
    const gzipped = await readAll(parseWechatTradeBill(whole(gzipSync(bytes))));
    assert.equal(plain.lines.length, 3);
    assert.equal(plain.result.footer.status, 'passed');
    assert.deepEqual(gzipped.lines, plain.lines);
    assert.notEqual(gzipped.result.sha256, plain.result.sha256, 'the hash is of the bytes as received');
  });

  test('SUCCESS (20 columns) and REFUND (29 columns) layouts', async () => {
    const success = await readAll(parseWechatTradeBill(whole(sample('wechatpay/tradebill.SUCCESS.gunsluo-wechatpay-go.csv'))));
    assert.equal(success.result.format, 'wechat.tradebill.success');
    assert.equal(success.lines.length, 1);
    assert.equal(success.lines[0]!.settlement!.amount, 1n);
    assert.equal(success.result.footer.status, 'passed');
    const refund = await readAll(parseWechatTradeBill(whole(sample('wechatpay/tradebill.REFUND.gunsluo-wechatpay-go.csv'))));
    assert.equal(refund.result.format, 'wechat.tradebill.refund');
    assert.deepEqual(kinds(refund.lines), ['refund', 'refund']);
    // The row repeats the trade's time (2021-01-24); the refund succeeded on 2021-02-01.
    assert.equal(refund.lines[0]!.transactionTime, '2021-02-01T14:33:24+08:00');
    assert.equal(refund.lines[0]!.postDate, '2021-02-01');
    assert.equal(refund.result.footer.status, 'passed');
  });

  test('a fund-flow bill is not a trade bill', async () => {
    await assert.rejects(readAll(parseWechatTradeBill(whole(sample('wechatpay/fundflowbill.BASIC.v3-gzip.gunsluo-wechatpay-go.csv')))), {
      code: 'KS_ERR_SETTLEMENT_FILE_UNRECOGNISED',
      details: { line: 1, expected: 'a header with 交易时间, 微信订单号, 商户订单号', actual: '记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元)' },
    });
  });
});

describe('Alipay bills (real samples)', { skip }, () => {
  test('the trade bill in GBK: 6 trades and 4 negative refunds, footer checked, same lines as its UTF-8 twin', async () => {
    const gbk = await readAll(parseAlipayBill(whole(sample('alipay/alipay_trade_detail_20190916.gbk.csv'))));
    const utf8 = await readAll(parseAlipayBill(whole(sample('alipay/alipay_trade_detail_20190916.utf8.csv'))));
    assert.equal(gbk.result.encoding, 'gbk');
    assert.equal(utf8.result.encoding, 'utf-8');
    assert.equal(gbk.result.format, 'alipay.trade');
    assert.deepEqual(gbk.lines, utf8.lines);
    assert.equal(gbk.lines.length, 10);
    assert.equal(kinds(gbk.lines).filter((k) => k === 'refund').length, 4);
    assert.equal(gbk.result.footer.status, 'passed');
    assert.equal(gbk.result.footer.items.length, 6);
    assert.equal(gbk.result.metadata.account, '20880211096256330156');
    const refund = gbk.lines[1]!;
    assert.deepEqual(
      [refund.source.line, refund.kind, refund.settlement, refund.channelTransactionId, refund.merchantReference, refund.transactionTime],
      [7, 'refund', { amount: -1n, currency: 'CNY' }, '2019091622001458860515315453', 're_test_1568602607356', '2019-09-16T10:56:48+08:00'],
    );
    assert.equal(refund.raw['支付宝交易号'], '2019091622001458860515315453', 'trailing tabs are stripped');
  });

  test('the same bill inside a ZIP with a GBK entry name, summary entry first', async () => {
    const detail = sample('alipay/alipay_trade_detail_20190916.gbk.csv');
    const name = Buffer.concat([Buffer.from('20880211096256330156_20190916_'), GBK.业务明细, Buffer.from('.csv')]);
    const summaryName = Buffer.concat([Buffer.from('20880211096256330156_20190916_'), GBK.业务明细汇总, Buffer.from('.csv')]);
    const zip = zipArchive([
      { name: summaryName, data: Buffer.from('#支付宝业务汇总查询\n门店编号,门店名称,交易订单总笔数\n合计,,6\n') },
      { name, data: detail, dataDescriptor: true },
    ]);
    const zipped = await readAll(parseAlipayBill(whole(zip)));
    const plain = await readAll(parseAlipayBill(whole(detail)));
    assert.deepEqual(zipped.lines.map((l) => l.source.entry), Array(10).fill('20880211096256330156_20190916_业务明细.csv'));
    assert.deepEqual(zipped.lines.map((l) => ({ ...l, source: { ...l.source, entry: null } })), plain.lines);
    assert.equal(zipped.result.footer.status, 'passed');
    assert.equal(zipped.result.metadata['summary:交易订单总笔数'], '6');
  });

  test('the account bill excerpt: 3 of 18 rows, so its footer is reported as not matching', async () => {
    const { lines, result } = await readAll(parseAlipayBill(whole(sample('alipay/alipay_account_detail_20121229_excerpt.gbk.csv'))));
    assert.equal(result.format, 'alipay.account');
    assert.equal(lines.length, 3);
    assert.deepEqual(lines.map((l) => l.settlement!.amount), [227400n, 39300n, 111100n]);
    assert.deepEqual(lines[0]!.fees, { acquirer: null, interchange: null, scheme: null, other: null, threeDS: null });
    assert.equal(result.footer.status, 'failed');
    assert.deepEqual(
      result.footer.items.filter((i) => !i.matches).map((i) => [i.label, i.stated, i.computed]),
      [['收入合计 笔数', '18', '3'], ['收入合计 金额', '14989.00', '3778.00']],
    );
  });
});

describe('Stripe itemised payout reconciliation (real samples)', { skip }, () => {
  test('SmashPig settlement report: charges, refund, fees, dispute reversal, payout; a net that is not gross − fee is reported', async () => {
    const { lines, result } = await readAll(parseStripePayoutReport(whole(sample('stripe/smashpig_settlement_report.csv'))));
    assert.deepEqual(kinds(lines), ['payment', 'refund', 'payment', 'fee', 'fee', 'chargeback_reversal', 'payout']);
    assert.deepEqual([lines[0]!.settlement, lines[0]!.fees.acquirer, lines[0]!.net], [{ amount: 2500n, currency: 'USD' }, 95n, { amount: 2405n, currency: 'USD' }]);
    assert.equal(lines[1]!.originalTransactionId, 'ch_123');
    assert.equal(lines[5]!.settlement!.amount, 335n, 'lower-case `usd` is read');
    assert.equal(result.footer.status, 'not_applicable');
    assert.deepEqual(result.problems.map((p) => [p.code, p.line, p.expected, p.actual]), [['line_arithmetic', 8, '2400', '2305']]);
  });

  test('a dispute carries a positive fee on a negative gross', async () => {
    const { lines } = await readAll(parseStripePayoutReport(whole(sample('stripe/smashpig_payments_activity.csv'))));
    assert.deepEqual([lines[1]!.kind, lines[1]!.settlement!.amount, lines[1]!.fees.acquirer, lines[1]!.net!.amount], ['chargeback', -3000n, 1500n, -4500n]);
  });

  test('Dashboard exports with quoted values; the other SmashPig reports', async () => {
    const chf = await readAll(parseStripePayoutReport(whole(sample('stripe/banana_ch.banana.filter.import.stripe..balance_summary_format1_20250102.csv'))));
    assert.deepEqual(chf.lines.map((l) => [l.settlement!.amount, l.fees.acquirer, l.net!.amount, l.settlement!.currency]), [[10200n, 295n, 9905n, 'CHF'], [40600n, 1350n, 39250n, 'CHF']]);
    for (const [file, count] of [['smashpig_settlement_report_giving_basket.csv', 2], ['smashpig_settlement_report_with_customer_data.csv', 3]] as const) {
      const { lines, result } = await readAll(parseStripePayoutReport(whole(sample(`stripe/${file}`))));
      assert.equal(lines.length, count, file);
      assert.deepEqual(result.problems, [], file);
    }
  });

  test('the anonymiser’s currency `tes` is refused with its line and column', async () => {
    await assert.rejects(readAll(parseStripePayoutReport(whole(sample('stripe/banana_ch.banana.filter.import.stripe.balance_summary_format1_20231010.csv')))), {
      code: 'KS_ERR_SETTLEMENT_FILE_MALFORMED',
      details: { line: 2, column: 4, column_name: 'currency', expected: 'an ISO 4217 currency code', actual: 'tes' },
    });
  });
});

describe('Adyen Settlement Details Report (real samples)', { skip }, () => {
  const adyen = (file: string) => readAll(parseAdyenSettlementDetails(whole(sample(`adyen/smashpig_settlement_detail_report_${file}.csv`))));

  test('every SDR sample parses, both header generations', async () => {
    const counts: Record<string, number> = {
      chargeback: 3, chargeback_reversed: 1, deposit_correction: 2, 'donation-ach': 2, 'donation-ideal': 2, donation: 2,
      donation_reordered: 2, emptynetcredit: 1, ignore: 2, invoice_deduction: 2, refund: 3,
    };
    for (const [file, count] of Object.entries(counts)) {
      const { lines, result } = await adyen(file);
      assert.equal(lines.length, count, file);
      assert.ok(['30-column', '31-column', '49-column'].includes(result.formatVersion), file);
    }
  });

  test('a settled line: fees by column, settlement = net + fees; the reordered file gives the same lines', async () => {
    const donation = await adyen('donation');
    const settled = donation.lines[0]!;
    assert.deepEqual([settled.kind, settled.channelTransactionId, settled.merchantOrderId], ['payment', '5364893193133131', '33992337.0']);
    assert.deepEqual(settled.fees, { acquirer: 0n, interchange: 22n, scheme: 2n, other: null, threeDS: null });
    assert.deepEqual([settled.transaction, settled.settlement, settled.net], [{ amount: 100n, currency: 'USD' }, { amount: 100n, currency: 'USD' }, { amount: 76n, currency: 'USD' }]);
    assert.equal(settled.transactionTime, '2016-02-18T16:10:51-08:00');
    assert.deepEqual([donation.lines[1]!.kind, donation.lines[1]!.net!.amount, donation.lines[1]!.description], ['payout', -76n, 'TX2342222277XT batch 2, WikimediaCOM batch 2, WikimediaCOM']);
    const reordered = await adyen('donation_reordered');
    assert.deepEqual(reordered.lines.map(withoutRaw), donation.lines.map(withoutRaw));
  });

  test('INR → USD where the fees exceed the converted gross: a net debit on a Settled line', async () => {
    const [line] = (await adyen('emptynetcredit')).lines;
    assert.deepEqual([line!.transaction, line!.fxRate, line!.net, line!.settlement], [{ amount: 1000n, currency: 'INR' }, '0.011', { amount: -3n, currency: 'USD' }, { amount: 11n, currency: 'USD' }]);
    assert.deepEqual(line!.fees, { acquirer: 0n, interchange: 10n, scheme: 4n, other: 0n, threeDS: null });
    assert.equal(line!.region, 'IN');
  });

  test('iDEAL in EUR settled in USD; chargeback debits; a payments accounting report is another file', async () => {
    const [ideal] = (await adyen('donation-ideal')).lines;
    assert.deepEqual([ideal!.transaction, ideal!.fxRate, ideal!.net, ideal!.fees.acquirer], [{ amount: 535n, currency: 'EUR' }, '1.0656568', { amount: 543n, currency: 'USD' }, 27n]);
    const [chargeback] = (await adyen('chargeback')).lines;
    assert.deepEqual([chargeback!.kind, chargeback!.transaction!.amount, chargeback!.net!.amount, chargeback!.fees.acquirer, chargeback!.originalTransactionId], ['chargeback', -100n, -300n, 200n, '4555568860022701']);
    await assert.rejects(readAll(parseAdyenSettlementDetails(whole(sample('adyen/smashpig_payments_accounting_report_nyce.csv')))), { code: 'KS_ERR_SETTLEMENT_FILE_UNRECOGNISED' });
  });
});

describe('PayPal STL (real samples)', { skip }, () => {
  const stl = (file: string) => readAll(parsePaypalStl(whole(sample(`paypal/smashpig_${file}.csv`))));

  test('amounts in hundredths with CR/DR; a refund credits its fee back', async () => {
    const { lines, result } = await stl('stl');
    assert.equal(lines.length, 5);
    assert.deepEqual([lines[0]!.settlement, lines[0]!.fees.acquirer, lines[0]!.net], [{ amount: 5200n, currency: 'AUD' }, 225n, { amount: 4975n, currency: 'AUD' }]);
    const refund = lines[3]!;
    assert.deepEqual([refund.kind, refund.settlement!.amount, refund.fees.acquirer, refund.net!.amount, refund.originalTransactionId], ['refund', -134n, -47n, -87n, '99900']);
    assert.deepEqual([lines[4]!.kind, lines[4]!.settlement!.amount], ['payout', -100n]);
    // SmashPig's synthetic footers do not add up (GBP debits 134 + 100; fee columns swapped):
    assert.equal(result.footer.status, 'failed');
    const wrong = result.footer.items.filter((i) => !i.matches).map((i) => `${i.label} ${i.currency} ${i.stated}≠${i.computed}`);
    assert.equal(wrong.length, 10);
    assert.ok(wrong.includes('section Total Gross Amount Debits (hundredths) GBP 134≠234'));
  });

  test('footers that add up pass; files cut before their footer say so', async () => {
    for (const file of ['stl_dr_payment', 'stl_payout_currency_convert']) assert.equal((await stl(file)).result.footer.status, 'passed', file);
    const counts: Record<string, number> = { stl_brl_refund: 3, stl_chargeback_reversal: 2, stl_chargeback_with_fee: 2, stl_currency_convert: 3 };
    for (const [file, count] of Object.entries(counts)) {
      const { lines, result } = await stl(file);
      assert.equal(lines.length, count, file);
      assert.equal(result.footer.status, 'missing', file);
      assert.deepEqual(result.problems.map((p) => p.code), ['footer_missing'], file);
    }
  });

  test('BOM and RH/FH records; currency conversions are their own kind', async () => {
    const { lines, result } = await stl('stl_brl_refund');
    assert.equal(result.formatVersion, '009');
    assert.equal(result.metadata.account_id, 'EZ782AXEUJUW8');
    assert.deepEqual(kinds(lines), ['refund', 'conversion', 'conversion']);
    assert.deepEqual(lines.map((l) => l.settlement), [{ amount: -1500n, currency: 'BRL' }, { amount: -211n, currency: 'USD' }, { amount: 1162n, currency: 'BRL' }]);
    const chargeback = await stl('stl_chargeback_with_fee');
    assert.deepEqual(kinds(chargeback.lines), ['chargeback', 'fee']);
  });
});
