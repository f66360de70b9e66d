// Round trip, one property per format: a generated file written exactly as the channel writes it
// (BOM, back-ticks, CRLF, GBK, footers, header generations, record types, CR/DR…) parses back to
// the lines it was written from, and its own totals agree with them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readAll, zipArchive, GBK } from '../../../test/fixtures/settlement/support.ts';
import { adyenReport, alipayBill, genericFile, paypalReport, stripeReport, wechatBill } from './testing/arbitraries.ts';
import { withoutRaw, writtenEncodingName, type WrittenFile } from './testing/common.ts';
import { writeAdyenReport } from './testing/write-adyen.ts';
import { writeAlipayBill, writeAlipaySummary } from './testing/write-alipay.ts';
import { writeGenericFile } from './testing/write-generic.ts';
import { writePaypalReport } from './testing/write-paypal.ts';
import { writeStripeReport } from './testing/write-stripe.ts';
import { writeWechatBill } from './testing/write-wechat.ts';
import {
  detectSettlementFormat,
  DETECTION_BYTES,
  parseAdyenSettlementDetails,
  parseAlipayBill,
  parseGenericSettlement,
  parsePaypalStl,
  parseStripePayoutReport,
  parseWechatTradeBill,
  type ByteSource,
  type SettlementFileParse,
} from './index.ts';

const RUNS = Number(process.env.ROUND_TRIP_RUNS ?? 60);

/** The bytes in chunks of the generated sizes: characters, CRLF pairs and cells are split anywhere. */
async function* inChunks(bytes: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  for (let i = 0, k = 0; i < bytes.length; k++) {
    const size = sizes.length === 0 ? bytes.length : sizes[k % sizes.length]!;
    yield bytes.subarray(i, i + size);
    i += size;
  }
}
const chunkSizes = fc.oneof(fc.constant([] as number[]), fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 }));

async function roundTrip(written: WrittenFile, parse: (source: ByteSource) => SettlementFileParse, sizes: number[]): Promise<void> {
  // The import recognises the file by its first bytes before any parser sees it.
  const channel = written.format.startsWith('generic') ? null : written.format.split('.')[0];
  assert.equal(detectSettlementFormat(written.bytes.subarray(0, DETECTION_BYTES), 'upload.csv')?.channel ?? null, channel);
  const { lines, result } = await readAll(parse(inChunks(written.bytes, sizes)));
  assert.deepEqual(lines.map(withoutRaw), written.lines);
  assert.equal(result.lineCount, written.lines.length);
  assert.equal(result.footer.status, written.footer, JSON.stringify(result.problems));
  assert.deepEqual(result.problems, []);
  assert.equal(result.encoding, written.encoding);
  assert.equal(result.format, written.format);
  assert.equal(result.formatVersion, written.formatVersion);
  assert.equal(result.byteLength, written.bytes.length);
}

test('WeChat Pay trade bills round-trip (ALL/SUCCESS/REFUND, 2018 and legacy, UTF-8 ± BOM or GBK)', async () => {
  await fc.assert(fc.asyncProperty(wechatBill, chunkSizes, (bill, sizes) => roundTrip(writeWechatBill(bill), parseWechatTradeBill, sizes)), { numRuns: RUNS });
});

test('Alipay trade and account bills round-trip, as a CSV or inside the ZIP with its 汇总 entry', async () => {
  await fc.assert(
    fc.asyncProperty(alipayBill, fc.boolean(), chunkSizes, async (bill, zipped, sizes) => {
      const entry = zipped ? `2088000000000156_20190916_${'业务明细'}.csv` : null;
      const written = writeAlipayBill(bill, entry);
      const footers = bill.kind === 'trade' ? ['交易合计', '退款合计'] : ['支出合计', '收入合计'];
      const bytes = zipped
        ? zipArchive([
            { name: Buffer.concat([Buffer.from('2088000000000156_20190916_'), GBK.业务明细汇总, Buffer.from('.csv')]), data: writeAlipaySummary(bill.kind === 'trade' ? bill.rows : [], bill.encoding) },
            { name: Buffer.concat([Buffer.from('2088000000000156_20190916_'), GBK.业务明细, Buffer.from('.csv')]), data: written.bytes, dataDescriptor: true },
          ])
        : written.bytes;
      const { lines, result } = await readAll(parseAlipayBill(inChunks(bytes, sizes)));
      assert.equal(detectSettlementFormat(bytes.subarray(0, DETECTION_BYTES), 'bill.zip')?.channel, 'alipay');
      assert.deepEqual(lines.map(withoutRaw), written.lines);
      assert.equal(result.format, written.format);
      assert.equal(result.footer.status, 'passed', JSON.stringify(result.problems));
      // Every footer figure was checked: count and amounts of both footer lines.
      assert.deepEqual([...new Set(result.footer.items.map((i) => i.label.split(' ')[0]))].sort(), footers.sort());
      if (zipped) assert.equal(result.metadata['summary:门店编号'], '合计');
      assert.equal(result.encoding, writtenEncodingName(bill.encoding));
    }),
    { numRuns: RUNS },
  );
});

test('Stripe itemised payout reports round-trip (any column subset and order, quoted cells over lines)', async () => {
  await fc.assert(fc.asyncProperty(stripeReport, chunkSizes, (report, sizes) => roundTrip(writeStripeReport(report), parseStripePayoutReport, sizes)), { numRuns: RUNS });
});

test('Adyen Settlement Details round-trip (30 and 49 columns, reordered, batch lines)', async () => {
  await fc.assert(fc.asyncProperty(adyenReport, chunkSizes, (report, sizes) => roundTrip(writeAdyenReport(report), parseAdyenSettlementDetails, sizes)), { numRuns: RUNS });
});

test('PayPal STL reports round-trip (sections, per-currency footers, hundredths, UTF-16)', async () => {
  await fc.assert(
    fc.asyncProperty(paypalReport, chunkSizes, async (report, sizes) => {
      const written = writePaypalReport(report);
      await roundTrip(written, parsePaypalStl, sizes);
      const { result } = await readAll(parsePaypalStl(inChunks(written.bytes, [])));
      // Section and report footers per currency (4 figures each) and the SC/RC/FF counts.
      const currencies = (rows: Array<{ currency: string }>) => new Set(rows.map((r) => r.currency)).size;
      const figures = report.sections.reduce((n, s) => n + 4 * currencies(s) + 1, 0) + 4 * currencies(report.sections.flat()) + 2;
      assert.equal(result.footer.items.length, figures);
    }),
    { numRuns: RUNS },
  );
});

test('generic CSVs round-trip through the mapping that describes them', async () => {
  await fc.assert(
    fc.asyncProperty(genericFile, chunkSizes, (file, sizes) => {
      const written = writeGenericFile(file);
      return roundTrip(written, (source) => parseGenericSettlement(source, written.mapping), sizes);
    }),
    { numRuns: RUNS },
  );
});
