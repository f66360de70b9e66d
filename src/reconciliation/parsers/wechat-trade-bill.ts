import { subtract, type RoundingMode } from '../../money/index.ts';
import { amountAt, countAt, currencyAt, decimalAt, DecimalTotal, roundedAmountAt } from './amounts.ts';
import { Columns, normaliseHeaderName, type Row } from './columns.ts';
import { dateTimeAt, optionalDateTimeAt } from './dates.ts';
import type { TextEncodingName } from './decode.ts';
import { malformed, unrecognised } from './file-errors.ts';
import { startParse, type ParseSession } from './parse-session.ts';
import type { ByteSource, SettlementFileParse, SettlementLine } from './settlement-line.ts';

export interface WechatTradeBillOptions {
  /** Default `auto`: API downloads are UTF-8 (with or without BOM), portal downloads GBK. */
  encoding?: TextEncodingName | 'auto';
  /** How `手续费`, printed with 5 decimals, becomes fen. Default `half_up` (四舍五入). */
  feeRounding?: RoundingMode;
}

/** WeChat prints Beijing time without an offset. */
const BEIJING = '+08:00';
const FOOTER_FIRST_LABEL = '总交易单数';

/** Footer label → the detail column it totals (null: the number of lines). Per header generation. */
const FOOTER_SOURCES: Record<'2018' | 'legacy', Record<string, string | null>> = {
  '2018': {
    总交易单数: null,
    应结订单总金额: '应结订单金额',
    退款总金额: '退款金额',
    充值券退款总金额: '充值券退款金额',
    手续费总金额: '手续费',
    订单总金额: '订单金额',
    申请退款总金额: '申请退款金额',
  },
  legacy: {
    总交易单数: null,
    总交易额: '总金额',
    总退款金额: '退款金额',
    总企业红包退款金额: '企业红包退款金额',
    手续费总金额: '手续费',
  },
};

/**
 * Data cells start with a back-tick and are not quoted, so a comma inside 商品名称 would break a
 * CSV reader: split on the two-character separator ",`" after dropping the first back-tick.
 * Headers are plain CSV in every real bill, back-ticked in one project's fixture: both work.
 */
export function splitWechatCells(text: string): string[] {
  return text.startsWith('`') ? text.slice(1).split(',`') : text.split(',');
}

interface Layout {
  generation: '2018' | 'legacy';
  columns: Columns;
  i: Record<string, number>;
}

function readHeader(session: ParseSession, text: string, line: number): Layout {
  if (text.trimStart().startsWith('<')) {
    throw unrecognised({ line }, 'WeChat Pay answered with an error document, not a bill', { expected: 'a trade bill header', actual: text });
  }
  const columns = new Columns(splitWechatCells(text), line);
  columns.expectSignature('WeChat Pay trade bill', ['交易时间', '微信订单号', '商户订单号']);
  const generation = columns.has('应结订单金额') ? '2018' : columns.has('总金额') ? 'legacy' : columns.refuseMissing(['应结订单金额']);
  const layout = columns.has('退款申请时间') ? 'refund' : columns.has('微信退款单号') ? 'all' : 'success';
  const required = ['交易时间', '微信订单号', '商户订单号', '交易状态', '货币种类', '手续费', ...(generation === '2018' ? ['应结订单金额', '订单金额'] : ['总金额'])];
  if (layout !== 'success') required.push('微信退款单号', '商户退款单号', '退款金额', ...(generation === '2018' ? ['申请退款金额'] : []));
  const missing = columns.missing(required.map((r) => [r]));
  if (missing.length > 0) columns.refuseMissing(missing);
  const names = [...required, '交易类型', '付款银行', '商品名称', '退款状态', '退款成功时间', '退款申请时间', '充值券退款金额', '企业红包退款金额'];
  const i = Object.fromEntries(names.map((n) => [n, columns.find(n)]));
  session.format = `wechat.tradebill.${layout}`;
  session.formatVersion = generation;
  session.headers.push({ entry: null, line, columns: columns.names });
  return { generation, columns, i };
}

function toLine(row: Row, layout: Layout, feeRounding: RoundingMode): SettlementLine {
  const { i } = layout;
  const currency = currencyAt(row.text(i.货币种类!), row.at(i.货币种类!));
  const amount = (name: string) => (i[name]! < 0 || row.text(i[name]!) === '' ? 0n : amountAt(row.text(i[name]!), currency, row.at(i[name]!)));
  const status = row.text(i.交易状态!);
  const isRefund = status === 'REFUND';
  const traded = dateTimeAt(row.text(i.交易时间!), row.at(i.交易时间!), BEIJING);
  // A refund row repeats the original trade's time; the REFUND layout also states when the refund succeeded.
  const refunded = isRefund ? optionalDateTimeAt(row.text(i.退款成功时间!), row.at(i.退款成功时间!), BEIJING) : null;
  const when = refunded ?? traded;
  const fee = row.text(i.手续费!) === '' ? 0n : roundedAmountAt(row.text(i.手续费!), currency, feeRounding, row.at(i.手续费!));
  const orderAmount = layout.generation === '2018' ? '订单金额' : '总金额';
  const settleAmount = layout.generation === '2018' ? '应结订单金额' : '总金额';
  const requestedRefund = layout.generation === '2018' ? '申请退款金额' : '退款金额';
  const transaction = isRefund ? -amount(requestedRefund) : amount(orderAmount);
  const settlement = { amount: isRefund ? -amount('退款金额') : amount(settleAmount), currency };
  const wechatOrderId = row.optional(i.微信订单号!);
  return {
    channel: 'wechat',
    source: { line: row.line, entry: null },
    kind: isRefund ? 'refund' : status === 'SUCCESS' ? 'payment' : 'other',
    channelTransactionId: isRefund ? row.optional(i.微信退款单号!) : wechatOrderId,
    merchantOrderId: row.optional(i.商户订单号!),
    merchantReference: isRefund ? row.optional(i.商户退款单号!) : null,
    originalTransactionId: isRefund ? wechatOrderId : null,
    transactionTime: when.time,
    postDate: when.date,
    transaction: { amount: transaction, currency },
    settlement,
    fxRate: null,
    fees: { acquirer: fee, interchange: null, scheme: null, other: null, threeDS: null },
    net: subtract(settlement, { amount: fee, currency }),
    cardBrand: row.optional(i.付款银行!),
    paymentMethod: row.optional(i.交易类型!),
    region: null,
    status: isRefund && row.optional(i.退款状态!) ? `${status} ${row.text(i.退款状态!)}` : status,
    description: row.optional(i.商品名称!),
    raw: row.raw(),
  };
}

function checkFooter(session: ParseSession, layout: Layout, labels: { text: string; line: number }, values: { text: string; line: number }, totals: Map<string, DecimalTotal>, count: number, currency: string | null): void {
  const names = splitWechatCells(labels.text).map((n) => normaliseHeaderName(n));
  const cells = splitWechatCells(values.text).map((c) => c.trim());
  if (cells.length !== names.length) {
    throw malformed({ line: values.line, column: Math.min(cells.length, names.length) + 1 }, `the summary has ${cells.length} values for ${names.length} labels`, {
      expected: `${names.length} values`,
      actual: `${cells.length} values`,
    });
  }
  const sources = FOOTER_SOURCES[layout.generation];
  names.forEach((label, k) => {
    const at = { line: values.line, column: k + 1, columnName: label };
    if (!(label in sources)) {
      session.metadata[`summary:${label}`] = cells[k]!;
      return;
    }
    const source = sources[label]!;
    if (source === null) {
      session.checkTotal(label, at, null, countAt(cells[k]!, at).toString(), String(count));
    } else {
      decimalAt(cells[k]!, at, 'an amount');
      session.checkTotal(label, at, currency, cells[k]!, totals.get(source)?.toString() ?? '0');
    }
  });
}

/** WeChat Pay merchant trade bill (交易账单): ALL, SUCCESS and REFUND layouts, 2018 and older headers. */
export function parseWechatTradeBill(source: ByteSource, options: WechatTradeBillOptions = {}): SettlementFileParse {
  const feeRounding = options.feeRounding ?? 'half_up';
  return startParse('wechat', async function* (session) {
    session.footerExpected = true;
    const bytes = await session.bytes(source);
    let layout: Layout | null = null;
    let footerLabels: { text: string; line: number } | null = null;
    let footerDone = false;
    let count = 0;
    const currencies = new Set<string>();
    /** Detail column → its running total, for the summary check. */
    const totals = new Map<string, DecimalTotal>();
    let summed: Array<{ index: number; total: DecimalTotal }> = [];
    for await (const batch of session.lines(bytes, { encoding: options.encoding ?? 'auto', asciiFallback: 'utf-8' })) for (const { number, text } of batch) {
      if (text.trim() === '') continue;
      if (!layout) {
        layout = readHeader(session, text, number);
        for (const source of Object.values(FOOTER_SOURCES[layout.generation])) if (source && layout.columns.has(source)) totals.set(source, new DecimalTotal());
        const columns = layout.columns;
        summed = [...totals].map(([name, total]) => ({ index: columns.find(name), total }));
        continue;
      }
      if (footerDone) throw malformed({ line: number }, 'text after the summary lines', { expected: 'the end of the file', actual: text });
      if (footerLabels) {
        checkFooter(session, layout, footerLabels, { text, line: number }, totals, count, currencies.size === 1 ? [...currencies][0]! : null);
        footerDone = true;
        continue;
      }
      if (text.startsWith(FOOTER_FIRST_LABEL) || text.startsWith(`\`${FOOTER_FIRST_LABEL}`)) {
        footerLabels = { text, line: number };
        continue;
      }
      const row = layout.columns.row(splitWechatCells(text), number);
      const line = toLine(row, layout, feeRounding);
      for (const { index, total } of summed) {
        const cell = row.text(index);
        if (cell !== '') total.add(decimalAt(cell, row.at(index), 'an amount'));
      }
      currencies.add(line.settlement!.currency);
      count += 1;
      yield line;
    }
    if (!layout) throw unrecognised({ line: 1 }, 'the file is empty', { expected: 'a trade bill header' });
    if (footerLabels && !footerDone) throw malformed({ line: footerLabels.line + 1 }, 'the summary values are missing', { expected: 'a line of totals after the summary labels' });
  });
}
