import { amountAt, currencyAt, decimalAt, DecimalTotal } from './amounts.ts';
import { isZip, peek } from './byte-source.ts';
import { CsvRecordReader } from './csv-records.ts';
import { Columns, type Row } from './columns.ts';
import { dateTimeAt } from './dates.ts';
import type { TextEncodingName } from './decode.ts';
import { malformed, unrecognised } from './file-errors.ts';
import type { PhysicalLine } from './line-splitter.ts';
import { startParse, type ParseSession } from './parse-session.ts';
import type { ByteSource, SettlementFileParse, SettlementLine, SettlementRecordKind } from './settlement-line.ts';
import { zipEntries } from './zip-entries.ts';

export interface AlipayBillOptions {
  /** Default `auto` (GBK in every real download; UTF-8 accepted). */
  encoding?: TextEncodingName | 'auto';
  /** Domestic bills state no currency: CNY unless told otherwise. */
  currency?: string;
}

/** Alipay prints Beijing time without an offset. */
const BEIJING = '+08:00';

type BillKind = 'trade' | 'account' | 'summary';

const SIGNATURES: Record<BillKind, string> = { trade: '支付宝交易号', account: '账务流水号', summary: '交易订单总笔数' };
const REQUIRED: Record<BillKind, string[]> = {
  trade: ['支付宝交易号', '商户订单号', '业务类型', '完成时间', '订单金额（元）', '商家实收（元）'],
  account: ['业务流水号', '商户订单号', '发生时间', '收入金额（+元）', '支出金额（-元）', '业务类型'],
  summary: ['门店编号'],
};

function kindOfHeader(cells: string[]): BillKind | null {
  const columns = new Columns(cells, 0);
  for (const kind of ['trade', 'account', 'summary'] as const) if (columns.has(SIGNATURES[kind])) return kind;
  return null;
}

/** Counts and sums per footer label, kept while the rows stream past. */
class FooterTally {
  readonly counts = new Map<string, number>();
  readonly sums = new Map<string, DecimalTotal>();

  count(label: string): void {
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
  }

  sum(label: string, text: string, row: Row, index: number): void {
    if (text === '') return;
    let total = this.sums.get(label);
    if (!total) this.sums.set(label, (total = new DecimalTotal()));
    total.add(decimalAt(text, row.at(index), 'an amount'));
  }
}

function accountKind(type: string): SettlementRecordKind {
  if (/退款/.test(type)) return 'refund';
  if (/提现/.test(type)) return 'payout';
  if (/收费|服务费|手续费/.test(type)) return 'fee';
  if (/在线支付|交易|付款/.test(type)) return 'payment';
  return 'other';
}

interface EntryState {
  kind: BillKind;
  columns: Columns;
  currency: string;
  tally: FooterTally;
  /** Footer lines read (交易合计…), so that a bill cut between them is noticed. */
  footers: Set<string>;
}

const FOOTER_LINES: Record<BillKind, string[]> = { trade: ['交易合计', '退款合计'], account: ['收入合计', '支出合计'], summary: [] };

function tradeLine(state: EntryState, row: Row, entry: string | null): SettlementLine {
  const { columns, currency, tally } = state;
  const col = (name: string) => columns.find(name);
  const money = (name: string) => {
    const i = col(name);
    return row.text(i) === '' ? 0n : amountAt(row.text(i), currency, row.at(i));
  };
  const type = row.text(col('业务类型'));
  const isRefund = type === '退款';
  const label = isRefund ? '退款合计' : '交易合计';
  const finished = row.text(col('完成时间')) !== '' ? col('完成时间') : col('创建时间');
  const when = dateTimeAt(row.text(finished), row.at(finished), BEIJING);
  // 服务费 and 分润 are printed with the cash-flow sign of the other amount columns (a charge is
  // negative): fee items count a charge as positive. Sign not verified against a charged sample.
  const fee = (name: string) => (col(name) < 0 ? null : -money(name));
  const acquirer = fee('服务费（元）');
  const other = fee('分润（元）');
  const settlement = money('商家实收（元）');
  const tradeNo = row.optional(col('支付宝交易号'));
  tally.count(label);
  tally.sum(`${label} 商家实收`, row.text(col('商家实收（元）')), row, col('商家实收（元）'));
  tally.sum(`${label} 商家优惠`, row.text(col('商家优惠（元）')), row, col('商家优惠（元）'));
  return {
    channel: 'alipay',
    source: { line: row.line, entry },
    kind: isRefund ? 'refund' : type === '交易' ? 'payment' : 'other',
    channelTransactionId: tradeNo,
    merchantOrderId: row.optional(col('商户订单号')),
    merchantReference: isRefund ? row.optional(col('退款批次号/请求号')) : null,
    originalTransactionId: isRefund ? tradeNo : null,
    transactionTime: when.time,
    postDate: when.date,
    transaction: { amount: money('订单金额（元）'), currency },
    settlement: { amount: settlement, currency },
    fxRate: null,
    fees: { acquirer, interchange: null, scheme: null, other, threeDS: null },
    net: { amount: settlement - (acquirer ?? 0n) - (other ?? 0n), currency },
    cardBrand: null,
    paymentMethod: null,
    region: null,
    status: type || null,
    description: row.optional(col('商品名称')),
    raw: row.raw(),
  };
}

function accountLine(state: EntryState, row: Row, entry: string | null): SettlementLine {
  const { columns, currency, tally } = state;
  const col = (name: string) => columns.find(name);
  const income = row.text(col('收入金额（+元）'));
  const expense = row.text(col('支出金额（-元）'));
  const incomeAmount = income === '' ? 0n : amountAt(income, currency, row.at(col('收入金额（+元）')));
  const expenseAmount = expense === '' ? 0n : amountAt(expense, currency, row.at(col('支出金额（-元）')));
  if (incomeAmount !== 0n) tally.count('收入合计');
  if (expenseAmount !== 0n) tally.count('支出合计');
  tally.sum('收入合计 金额', income, row, col('收入金额（+元）'));
  // Summed as magnitudes, like the lines: a bill may print its expenses bare or negative.
  tally.sum('支出合计 金额', expense.replace(/^-/, ''), row, col('支出金额（-元）'));
  // Expenses are printed either bare or with a minus sign: they are money out either way.
  const amount = incomeAmount - (expenseAmount < 0n ? -expenseAmount : expenseAmount);
  const when = dateTimeAt(row.text(col('发生时间')), row.at(col('发生时间')), BEIJING);
  const type = row.text(col('业务类型'));
  const value = { amount, currency };
  return {
    channel: 'alipay',
    source: { line: row.line, entry },
    kind: accountKind(type),
    channelTransactionId: row.optional(col('业务流水号')),
    merchantOrderId: row.optional(col('商户订单号')),
    merchantReference: null,
    originalTransactionId: null,
    transactionTime: when.time,
    postDate: when.date,
    transaction: value,
    settlement: value,
    fxRate: null,
    fees: { acquirer: null, interchange: null, scheme: null, other: null, threeDS: null },
    net: value,
    cardBrand: null,
    paymentMethod: row.optional(col('交易渠道')),
    region: null,
    status: type || null,
    description: row.optional(col('商品名称')),
    raw: row.raw(),
  };
}

const TRADE_FOOTER = /^#?\s*(交易合计|退款合计)[：:]\s*(\d+)笔[，,]\s*商家实收(?:退款)?共\s*(-?[\d.]+)元[，,]\s*商家优惠(?:退款)?共\s*(-?[\d.]+)元/;
const ACCOUNT_FOOTER = /^#?\s*(收入合计|支出合计)[：:]\s*(\d+)笔[，,]\s*共\s*(-?[\d.]+)元/;

function checkFooterLine(session: ParseSession, state: EntryState, text: string, at: { line: number; entry: string | null }): void {
  const { tally, currency } = state;
  const trade = TRADE_FOOTER.exec(text);
  if (trade) {
    const [, label, count, received, discount] = trade;
    state.footers.add(label!);
    session.checkTotal(`${label} 笔数`, at, null, count!, String(tally.counts.get(label!) ?? 0));
    session.checkTotal(`${label} 商家实收`, at, currency, received!, tally.sums.get(`${label} 商家实收`)?.toString() ?? '0');
    session.checkTotal(`${label} 商家优惠`, at, currency, discount!, tally.sums.get(`${label} 商家优惠`)?.toString() ?? '0');
    return;
  }
  const account = ACCOUNT_FOOTER.exec(text);
  if (account) {
    const [, label, count, total] = account;
    state.footers.add(label!);
    session.checkTotal(`${label} 笔数`, at, null, count!, String(tally.counts.get(label!) ?? 0));
    const computed = tally.sums.get(`${label} 金额`)?.toString() ?? '0';
    // 支出 may be printed negative in the rows and positive in the footer: compare magnitudes.
    const magnitude = (s: string) => s.replace(/^-/, '');
    session.checkTotal(`${label} 金额`, at, currency, magnitude(total!), magnitude(computed));
    return;
  }
  const exported = /导出时间[：:]\s*\[?([^\]]+)\]?/.exec(text);
  if (exported) session.metadata.exported_at = exported[1]!.trim();
}

/** `#` comment lines before the header: what the bill is, the account, the period. */
function readPreambleLine(session: ParseSession, text: string): void {
  const account = /账号[：:]\s*\[?([^\]]+)\]?/.exec(text);
  if (account) session.metadata.account = account[1]!.trim();
  const period = /起始日期[：:]\s*\[([^\]]+)\].*终止日期[：:]\s*\[([^\]]+)\]/.exec(text);
  if (period) {
    session.metadata.period_start = period[1]!.trim();
    session.metadata.period_end = period[2]!.trim();
  }
}

async function* readEntry(session: ParseSession, lines: AsyncIterable<PhysicalLine[]>, entry: string | null, options: AlipayBillOptions): AsyncGenerator<SettlementLine> {
  const currency = currencyAt(options.currency ?? 'CNY', { line: 1, entry });
  let state: EntryState | null = null;
  let listEnded = false;
  let firstLine = 0;
  const reader = new CsvRecordReader(',', entry);
  for await (const batch of lines) for (const { number, text } of batch) {
    firstLine ||= number;
    // `#` lines are the preamble, the list markers and the footers, in file order.
    if (text.startsWith('#')) {
      if (!state) readPreambleLine(session, text);
      else if (/列表结束/.test(text)) listEnded = true;
      else if (listEnded) checkFooterLine(session, state, text, { line: number, entry });
      continue;
    }
    const record = reader.push(number, text);
    if (!record) continue;
    if (listEnded) throw malformed({ line: record.line, entry }, 'a data line after the end-of-list marker', { expected: '# footer lines' });
    if (!state) {
      const kind = kindOfHeader(record.cells);
      if (!kind) {
        throw unrecognised({ line: record.line, entry }, 'the header is not that of an Alipay bill', {
          expected: `a header with ${Object.values(SIGNATURES).join(' or ')}`,
          actual: record.cells.slice(0, 8).join(','),
        });
      }
      const columns = new Columns(record.cells, record.line, entry);
      const missing = columns.missing(REQUIRED[kind].map((r) => [r]));
      if (missing.length > 0) columns.refuseMissing(missing);
      state = { kind, columns, currency, tally: new FooterTally(), footers: new Set() };
      if (kind !== 'summary') {
        session.format ||= `alipay.${kind}`;
        session.formatVersion ||= `${columns.names.length}-column`;
        session.headers.push({ entry, line: record.line, columns: columns.names });
        session.footerExpected = true;
      }
      continue;
    }
    const row = state.columns.row(record.cells, record.line);
    if (state.kind === 'trade') yield tradeLine(state, row, entry);
    else if (state.kind === 'account') yield accountLine(state, row, entry);
    // The summary entry (业务明细(汇总)): its 合计 row is kept as metadata, not as lines.
    else if (/合计/.test(row.text(0))) {
      state.columns.names.forEach((name, k) => (session.metadata[`summary:${name}`] = row.text(k)));
    }
  }
  reader.end();
  if (!state) throw unrecognised({ line: firstLine || 1, entry }, 'no header found', { expected: 'an Alipay bill header after the # lines' });
  const read = state.footers;
  for (const label of FOOTER_LINES[state.kind]) if (!read.has(label)) session.missingFooter(`#${label} line${entry ? ` in ${entry}` : ''}`);
}

/**
 * Alipay trade (业务明细) and account (账务明细) bills: a GBK CSV, or the ZIP as downloaded
 * (GBK entry names; the 汇总 summary entry is read for metadata, the detail entries for lines).
 */
export function parseAlipayBill(source: ByteSource, options: AlipayBillOptions = {}): SettlementFileParse {
  return startParse('alipay', async function* (session) {
    const decode = { encoding: options.encoding ?? 'auto', asciiFallback: 'gbk' } as const;
    const { head, all } = await peek(await session.bytes(source), 4);
    if (!isZip(head)) {
      yield* readEntry(session, session.lines(all, decode), null, options);
      return;
    }
    session.metadata.container = 'zip';
    let csvEntries = 0;
    for await (const entry of zipEntries(all)) {
      if (!/\.csv$/i.test(entry.name)) continue;
      csvEntries += 1;
      yield* readEntry(session, session.lines(entry.bytes, decode, entry.name), entry.name, options);
    }
    if (csvEntries === 0) throw unrecognised({ line: 1 }, 'the ZIP has no .csv bill inside', { expected: 'entries such as <pid>_<date>_业务明细.csv' });
  });
}
