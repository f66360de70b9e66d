// The settlement-file parsers: streaming readers that turn a channel's file into SettlementLines.
export type {
  ByteSource,
  FooterCheck,
  FooterCheckItem,
  SettlementChannel,
  SettlementFees,
  SettlementFileParse,
  SettlementFileProblem,
  SettlementFileResult,
  SettlementLine,
  SettlementLineSource,
  SettlementRecordKind,
} from './settlement-line.ts';
export { SETTLEMENT_RECORD_KINDS } from './settlement-line.ts';
export { parseWechatTradeBill, type WechatTradeBillOptions } from './wechat-trade-bill.ts';
export { parseAlipayBill, type AlipayBillOptions } from './alipay-bill.ts';
export { parseStripePayoutReport, type StripePayoutReportOptions } from './stripe-payout-report.ts';
export { parseAdyenSettlementDetails } from './adyen-settlement-details.ts';
export { parsePaypalStl, type PaypalStlOptions } from './paypal-stl.ts';
export { parseGenericSettlement } from './generic-settlement.ts';
export { GENERIC_FIELDS, DATE_FORMATS, validateMapping, type GenericColumnMapping, type GenericField, type DateFormat } from './generic-mapping.ts';
export { detectSettlementFormat, DETECTION_BYTES, type DetectedSettlementFormat } from './detect-format.ts';
export { TEXT_ENCODINGS, type TextEncodingName } from './decode.ts';
