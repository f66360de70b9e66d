// Writes Alipay bills as the download has them (FORMATS.md §3.2): `#` preamble, marker lines with
// uneven dashes, trailing tabs after IDs, natural-language footers, GBK; the ZIP's entries too.
import { encodeText, expectLine, isoTime, joinLines, major, wallClock, type ExpectedLine, type WrittenEncoding } from './common.ts';

export interface AlipayTradeRow {
  type: '交易' | '退款';
  tradeNo: string;
  orderId: string;
  product: string;
  created: number;
  finished: number;
  /** Fen, cash-flow signed: refunds negative. */
  orderAmount: bigint;
  received: bigint;
  merchantDiscount: bigint;
  /** 服务费 and 分润 as printed: a charge is negative. */
  serviceFee: bigint;
  share: bigint;
  refundBatchNo: string;
}

export interface AlipayAccountRow {
  type: '在线支付' | '退款' | '提现' | '收费';
  serialNo: string;
  bizNo: string;
  orderId: string;
  product: string;
  time: number;
  /** Fen; positive in, negative out. Never zero. */
  amount: bigint;
  /** Expenses printed with a minus sign (some exports) or bare. */
  signedExpense: boolean;
  channel: string;
}

export type AlipayBill =
  | { kind: 'trade'; encoding: WrittenEncoding; eol: '\r\n' | '\n'; rows: AlipayTradeRow[] }
  | { kind: 'account'; encoding: WrittenEncoding; eol: '\r\n' | '\n'; rows: AlipayAccountRow[] };

const TRADE_HEADER =
  '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注';
const ACCOUNT_HEADER = '账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注';

const at = (seconds: number) => {
  const c = wallClock(seconds);
  return `${c.date} ${c.time}`;
};
const yuan = (fen: bigint) => major(fen, 'CNY');
const sum = <T>(rows: T[], f: (r: T) => bigint) => rows.reduce((s, r) => s + f(r), 0n);

function tradeRows(rows: AlipayTradeRow[]): string[] {
  return rows.map((r) =>
    [
      `${r.tradeNo}\t`, `${r.orderId}\t`, `${r.type}\t`, r.product, at(r.created), at(r.finished), '\t', '\t', '\t', '\t', '*明(138****0000)\t',
      yuan(r.orderAmount), yuan(r.received), '0.00', '0.00', '0.00', yuan(r.merchantDiscount), '0.00', '', '0.00\t', '0.00',
      r.type === '退款' ? `${r.refundBatchNo}\t` : '\t', yuan(r.serviceFee), yuan(r.share), '',
    ].join(','),
  );
}

function tradeFooter(rows: AlipayTradeRow[]): string[] {
  const trades = rows.filter((r) => r.type === '交易');
  const refunds = rows.filter((r) => r.type === '退款');
  return [
    `#交易合计：${trades.length}笔，商家实收共${yuan(sum(trades, (r) => r.received))}元，商家优惠共${yuan(sum(trades, (r) => r.merchantDiscount))}元`,
    `#退款合计：${refunds.length}笔，商家实收退款共${yuan(sum(refunds, (r) => r.received))}元，商家优惠退款共${yuan(sum(refunds, (r) => r.merchantDiscount))}元`,
  ];
}

function accountRows(rows: AlipayAccountRow[]): string[] {
  let balance = 1_000_000n;
  return rows.map((r) => {
    balance += r.amount;
    const expense = r.amount < 0n ? (r.signedExpense ? yuan(r.amount) : yuan(-r.amount)) : '';
    return [`${r.serialNo}\t`, `${r.bizNo}\t`, `${r.orderId}\t`, r.product, at(r.time), 'alipay@example.com\t', r.amount > 0n ? yuan(r.amount) : '', expense, yuan(balance), r.channel, r.type, ''].join(',');
  });
}

function accountFooter(rows: AlipayAccountRow[]): string[] {
  const income = rows.filter((r) => r.amount > 0n);
  const expense = rows.filter((r) => r.amount < 0n);
  return [`#支出合计：${expense.length}笔，共${yuan(-sum(expense, (r) => r.amount))}元`, `#收入合计：${income.length}笔，共${yuan(sum(income, (r) => r.amount))}元`];
}

function tradeLine(r: AlipayTradeRow, line: number, entry: string | null): ExpectedLine {
  const refund = r.type === '退款';
  const when = wallClock(r.finished);
  const acquirer = -r.serviceFee;
  const other = -r.share;
  return expectLine('alipay', line, entry, {
    kind: refund ? 'refund' : 'payment',
    channelTransactionId: r.tradeNo,
    merchantOrderId: r.orderId,
    merchantReference: refund ? r.refundBatchNo : null,
    originalTransactionId: refund ? r.tradeNo : null,
    transactionTime: isoTime(when, '+08:00'),
    postDate: when.date,
    transaction: { amount: r.orderAmount, currency: 'CNY' },
    settlement: { amount: r.received, currency: 'CNY' },
    fees: { acquirer, interchange: null, scheme: null, other, threeDS: null },
    net: { amount: r.received - acquirer - other, currency: 'CNY' },
    status: r.type,
    description: r.product || null,
  });
}

const ACCOUNT_KINDS = { 在线支付: 'payment', 退款: 'refund', 提现: 'payout', 收费: 'fee' } as const;

function accountLine(r: AlipayAccountRow, line: number, entry: string | null): ExpectedLine {
  const when = wallClock(r.time);
  const value = { amount: r.amount, currency: 'CNY' };
  return expectLine('alipay', line, entry, {
    kind: ACCOUNT_KINDS[r.type],
    channelTransactionId: r.bizNo,
    merchantOrderId: r.orderId,
    transactionTime: isoTime(when, '+08:00'),
    postDate: when.date,
    transaction: value,
    settlement: value,
    net: value,
    paymentMethod: r.channel,
    status: r.type,
    description: r.product || null,
  });
}

/** One bill's text and its expected lines (numbered as in this text, under `entry` in a ZIP). */
export function writeAlipayBill(bill: AlipayBill, entry: string | null = null): { bytes: Buffer; lines: ExpectedLine[]; format: string } {
  const trade = bill.kind === 'trade';
  const title = trade ? '业务明细' : '账务明细';
  const preamble = [`#支付宝${title}查询`, '#账号：[20880000000001560156]', '#起始日期：[2019年09月16日 00:00:00]   终止日期：[2019年09月17日 00:00:00]', `#-----------------------------------------${title}列表----------------------------------------`];
  const body = bill.kind === 'trade' ? tradeRows(bill.rows) : accountRows(bill.rows);
  const footer = bill.kind === 'trade' ? tradeFooter(bill.rows) : accountFooter(bill.rows);
  const text = joinLines([...preamble, trade ? TRADE_HEADER : ACCOUNT_HEADER, ...body, `#-----------------------------------------${title}列表结束------------------------------------`, ...footer, '#导出时间：[2019年09月17日 05:46:49]'], bill.eol);
  const first = preamble.length + 2;
  const lines = bill.kind === 'trade' ? bill.rows.map((r, k) => tradeLine(r, first + k, entry)) : bill.rows.map((r, k) => accountLine(r, first + k, entry));
  return { bytes: encodeText(text, bill.encoding), lines, format: `alipay.${bill.kind}` };
}

/** The 汇总 entry of the ZIP: its 合计 row becomes metadata, never lines. */
export function writeAlipaySummary(rows: AlipayTradeRow[], encoding: WrittenEncoding): Buffer {
  const received = yuan(sum(rows, (r) => r.received));
  return encodeText(
    joinLines(
      [
        '#支付宝业务汇总查询',
        '#-----------------------------------------业务汇总列表----------------------------------------',
        '门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）',
        `合计,,${rows.filter((r) => r.type === '交易').length},${rows.filter((r) => r.type === '退款').length},${yuan(sum(rows, (r) => r.orderAmount))},${received},0.00,0.00,0.00,0.00,0.00,${received}`,
        '#-----------------------------------------业务汇总列表结束------------------------------------',
      ],
      '\r\n',
    ),
    encoding,
  );
}
