// Each format's generated valid file with the parser (and channel) that reads it, for the fuzz
// tests: mutations start from these.
import fc from 'fast-check';
import { parseAdyenSettlementDetails } from '../adyen-settlement-details.ts';
import { parseAlipayBill } from '../alipay-bill.ts';
import { parseGenericSettlement } from '../generic-settlement.ts';
import type { GenericColumnMapping } from '../generic-mapping.ts';
import { parsePaypalStl } from '../paypal-stl.ts';
import type { ByteSource, SettlementChannel, SettlementFileParse } from '../settlement-line.ts';
import { parseStripePayoutReport } from '../stripe-payout-report.ts';
import { parseWechatTradeBill } from '../wechat-trade-bill.ts';
import { adyenReport, alipayBill, genericFile, paypalReport, stripeReport, wechatBill } from './arbitraries.ts';
import { writtenEncodingName, type WrittenFile } from './common.ts';
import { writeAdyenReport } from './write-adyen.ts';
import { writeAlipayBill } from './write-alipay.ts';
import { writeGenericFile } from './write-generic.ts';
import { writePaypalReport } from './write-paypal.ts';
import { writeStripeReport } from './write-stripe.ts';
import { writeWechatBill } from './write-wechat.ts';

export interface GeneratedFile extends WrittenFile {
  parse(source: ByteSource): SettlementFileParse;
  /** For a generic channel: the mapping the file was written for. */
  mapping: GenericColumnMapping | null;
}

export interface FormatCase {
  name: string;
  channel: SettlementChannel;
  /** Whether the format states totals, so that a cut file cannot pass unnoticed. */
  hasFooter: boolean;
  file: fc.Arbitrary<GeneratedFile>;
}

const plain = (parse: (source: ByteSource) => SettlementFileParse) => (written: WrittenFile): GeneratedFile => ({ ...written, parse, mapping: null });

export const FORMAT_CASES: FormatCase[] = [
  { name: 'WeChat Pay', channel: 'wechat', hasFooter: true, file: wechatBill.map((b) => plain(parseWechatTradeBill)(writeWechatBill(b))) },
  {
    name: 'Alipay',
    channel: 'alipay',
    hasFooter: true,
    file: alipayBill.map((b) => {
      const written = writeAlipayBill(b);
      return { ...written, footer: 'passed' as const, encoding: writtenEncodingName(b.encoding), formatVersion: '', parse: (s: ByteSource) => parseAlipayBill(s), mapping: null };
    }),
  },
  { name: 'Stripe', channel: 'stripe', hasFooter: false, file: stripeReport.map((r) => plain(parseStripePayoutReport)(writeStripeReport(r))) },
  { name: 'Adyen', channel: 'adyen', hasFooter: false, file: adyenReport.map((r) => plain(parseAdyenSettlementDetails)(writeAdyenReport(r))) },
  { name: 'PayPal', channel: 'paypal', hasFooter: true, file: paypalReport.map((r) => plain(parsePaypalStl)(writePaypalReport(r))) },
  {
    name: 'generic CSV',
    channel: 'generic:roundtrip',
    hasFooter: false,
    file: genericFile.map((f) => {
      const { mapping, ...written } = writeGenericFile(f);
      return { ...written, mapping, parse: (s: ByteSource) => parseGenericSettlement(s, mapping) };
    }),
  },
];
