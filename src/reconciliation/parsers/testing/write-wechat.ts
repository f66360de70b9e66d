// Writes a WeChat Pay trade bill as WeChat does (FORMATS.md §3.1): plain header, back-ticked
// unquoted data cells, fees with 5 decimals, a two-line summary; BOM/CRLF or GBK as chosen.
import { encodeText, writtenEncodingName, expectLine, isoTime, joinLines, major, wallClock, type WrittenEncoding, type WrittenFile } from './common.ts';

export interface WechatRow {
  status: 'SUCCESS' | 'REFUND' | 'REVOKED';
  /** Seconds after 2000-01-01, Beijing wall clock. */
  time: number;
  refundTime: number;
  tradeNo: string;
  orderId: string;
  refundNo: string;
  merchantRefundNo: string;
  tradeType: string;
  bank: string;
  /** Fen. */
  orderAmount: bigint;
  coupon: bigint;
  refundAmount: bigint;
  requestedRefund: bigint;
  product: string;
  attach: string;
  /** Hundred-thousandths of a yuan, as printed (`0.06000`); negative on refunds. */
  fee: bigint;
}

export interface WechatBill {
  generation: '2018' | 'legacy';
  layout: 'all' | 'success' | 'refund';
  encoding: WrittenEncoding;
  eol: '\r\n' | '\n';
  backtickHeader: boolean;
  /** Counts printed as `45.0`, as some bills do. */
  decimalCount: boolean;
  rows: WechatRow[];
}

const SUCCESS_2018 = '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,商品名称,商户数据包,手续费,费率,订单金额,费率备注'.split(',');
const ALL_2018 = '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注'.split(',');
const REFUND_2018 = [...ALL_2018.slice(0, 14), '退款申请时间', '退款成功时间', ...ALL_2018.slice(14)];
const ALL_LEGACY = '交易时间,公众账号ID,商户号,子商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,总金额,企业红包金额,微信退款单号,商户退款单号,退款金额,企业红包退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率'.split(',');

export function wechatHeader(bill: Pick<WechatBill, 'generation' | 'layout'>): string[] {
  if (bill.generation === 'legacy') return ALL_LEGACY;
  return bill.layout === 'success' ? SUCCESS_2018 : bill.layout === 'refund' ? REFUND_2018 : ALL_2018;
}

/** `0.06000`: hundred-thousandths of a yuan with five decimals. */
function fee5(value: bigint): string {
  const digits = (value < 0n ? -value : value).toString().padStart(6, '0');
  return `${value < 0n ? '-' : ''}${digits.slice(0, -5)}.${digits.slice(-5)}`;
}

/** Fen, rounded half-up (away from zero) from hundred-thousandths: WeChat's 四舍五入. */
function feeFen(value: bigint): bigint {
  const magnitude = ((value < 0n ? -value : value) + 500n) / 1000n;
  return value < 0n ? -magnitude : magnitude;
}

const at = (seconds: number) => {
  const c = wallClock(seconds);
  return `${c.date} ${c.time}`;
};

function cells(bill: WechatBill, r: WechatRow): Record<string, string> {
  const refund = r.status === 'REFUND';
  const yuan = (fen: bigint) => major(fen, 'CNY');
  const settle = refund ? 0n : r.orderAmount - r.coupon;
  return {
    交易时间: at(r.time),
    公众账号ID: 'wx2421b1c4370ec43b',
    商户号: '10000100',
    特约商户号: '0',
    子商户号: '',
    设备号: '',
    微信订单号: r.tradeNo,
    商户订单号: r.orderId,
    用户标识: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
    交易类型: r.tradeType,
    交易状态: r.status,
    付款银行: r.bank,
    货币种类: 'CNY',
    应结订单金额: yuan(settle),
    代金券金额: yuan(refund ? 0n : r.coupon),
    总金额: yuan(refund ? 0n : r.orderAmount),
    企业红包金额: '0.00',
    退款申请时间: refund ? at(r.refundTime - 60) : '',
    退款成功时间: refund ? at(r.refundTime) : '',
    微信退款单号: refund ? r.refundNo : '0',
    商户退款单号: refund ? r.merchantRefundNo : '0',
    退款金额: yuan(refund ? r.refundAmount : 0n),
    充值券退款金额: '0.00',
    企业红包退款金额: '0.00',
    退款类型: refund ? 'ORIGINAL' : '',
    退款状态: refund ? 'SUCCESS' : '',
    商品名称: r.product,
    商户数据包: r.attach,
    手续费: fee5(r.fee),
    费率: '0.60%',
    订单金额: yuan(refund ? 0n : r.orderAmount),
    申请退款金额: yuan(refund ? r.requestedRefund : 0n),
    费率备注: '',
  };
}

const FOOTER = {
  '2018': { 总交易单数: null, 应结订单总金额: '应结订单金额', 退款总金额: '退款金额', 充值券退款总金额: '充值券退款金额', 手续费总金额: '手续费', 订单总金额: '订单金额', 申请退款总金额: '申请退款金额' },
  legacy: { 总交易单数: null, 总交易额: '总金额', 总退款金额: '退款金额', 总企业红包退款金额: '企业红包退款金额', 手续费总金额: '手续费' },
} as const;

/** The bill's text, and the lines and summary its parse must give. */
export function writeWechatBill(bill: WechatBill): WrittenFile {
  const header = wechatHeader(bill);
  const rows = bill.rows.filter((r) => bill.layout !== 'success' || r.status !== 'REFUND').filter((r) => bill.layout !== 'refund' || r.status === 'REFUND');
  const rendered = rows.map((r) => cells(bill, r));
  const lines = [bill.backtickHeader ? `\`${header.join(',`')}` : header.join(',')];
  for (const c of rendered) lines.push(`\`${header.map((h) => c[h]).join(',`')}`);
  // The summary sums each column as printed: fen for amounts, hundred-thousandths for fees.
  const labels = Object.keys(FOOTER[bill.generation]);
  const values = Object.values(FOOTER[bill.generation]).map((column) => {
    if (column === null) return bill.decimalCount ? `${rows.length}.0` : String(rows.length);
    if (column === '手续费') return fee5(rows.reduce((s, r) => s + r.fee, 0n));
    const total = rendered.reduce((s, c) => s + BigInt((c[column] ?? '0').replace('.', '')), 0n);
    return major(total, 'CNY');
  });
  lines.push(labels.join(','), `\`${values.join(',`')}`);
  const text = joinLines(lines, bill.eol);
  const refundLayout = bill.layout === 'refund';
  const expected = rows.map((r, k) => {
    const refund = r.status === 'REFUND';
    const settlement = { amount: refund ? -r.refundAmount : bill.generation === 'legacy' ? r.orderAmount : r.orderAmount - r.coupon, currency: 'CNY' };
    const fee = feeFen(r.fee);
    const when = wallClock(refund && refundLayout ? r.refundTime : r.time);
    return expectLine('wechat', k + 2, null, {
      kind: refund ? 'refund' : r.status === 'SUCCESS' ? 'payment' : 'other',
      channelTransactionId: refund ? r.refundNo : r.tradeNo,
      merchantOrderId: r.orderId,
      merchantReference: refund ? r.merchantRefundNo : null,
      originalTransactionId: refund ? r.tradeNo : null,
      transactionTime: isoTime(when, '+08:00'),
      postDate: when.date,
      transaction: { amount: refund ? -(bill.generation === 'legacy' ? r.refundAmount : r.requestedRefund) : r.orderAmount, currency: 'CNY' },
      settlement,
      fees: { acquirer: fee, interchange: null, scheme: null, other: null, threeDS: null },
      net: { amount: settlement.amount - fee, currency: 'CNY' },
      cardBrand: r.bank || null,
      paymentMethod: r.tradeType,
      status: refund ? 'REFUND SUCCESS' : r.status,
      description: r.product || null,
    });
  });
  return {
    bytes: encodeText(text, bill.encoding),
    lines: expected,
    footer: 'passed',
    encoding: writtenEncodingName(bill.encoding),
    format: `wechat.tradebill.${bill.generation === 'legacy' ? 'all' : bill.layout}`,
    formatVersion: bill.generation,
  };
}
