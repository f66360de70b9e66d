// Helpers for the reconciliation tests: a generic channel and our side's export as small CSVs,
// uploads through the API, runs with an injected clock, and the groups a run made, by order.
import type { TestApp } from './app.ts';
import type { GroupFacts } from '../../src/reconciliation/index.ts';

/** The channel's file: minor units, signed, one line per row. */
export const CHANNEL_MAPPING = {
  columns: {
    channelTransactionId: 'txn',
    merchantOrderId: 'order',
    kind: 'type',
    postDate: 'date',
    transactionAmount: 'amount',
    transactionCurrency: 'currency',
    settlementAmount: 'settled',
    settlementCurrency: 'settled_currency',
    fxRate: 'rate',
    acquirerFee: 'fee',
  },
  amountFormat: 'minor_units',
  signConvention: 'signed',
  dateFormat: 'YYYY-MM-DD',
  kindValues: { payment: 'payment', refund: 'refund' },
};

/** Our side's export, without fees (nothing to compare them with) … */
export const OURS_MAPPING = {
  columns: { channelTransactionId: 'txn', merchantOrderId: 'order', kind: 'type', postDate: 'date', settlementAmount: 'amount', settlementCurrency: 'currency' },
  amountFormat: 'minor_units',
  signConvention: 'signed',
  dateFormat: 'YYYY-MM-DD',
  kindValues: { payment: 'payment', refund: 'refund' },
  orderAmountColumn: 'order_total',
  orderStatusColumn: 'status',
};
/** … and with the acquirer's fee as the shop booked it. */
export const OURS_WITH_FEES_MAPPING = { ...OURS_MAPPING, columns: { ...OURS_MAPPING.columns, acquirerFee: 'fee' } };

export interface ChannelLine {
  txn?: string;
  order: string;
  type?: 'payment' | 'refund';
  date: string;
  amount: number;
  currency?: string;
  settled?: number;
  settledCurrency?: string;
  rate?: string;
  fee?: number;
}

export interface OurLine {
  txn?: string;
  order: string;
  type?: 'payment' | 'refund';
  date: string;
  amount: number;
  currency?: string;
  orderTotal?: number;
  status?: string;
  fee?: number;
}

export function channelCsv(lines: ChannelLine[]): string {
  const rows = lines.map((l) =>
    [l.txn ?? '', l.order, l.type ?? 'payment', l.date, l.amount, l.currency ?? 'CNY', l.settled ?? l.amount, l.settledCurrency ?? l.currency ?? 'CNY', l.rate ?? '', l.fee ?? ''].join(','),
  );
  return ['txn,order,type,date,amount,currency,settled,settled_currency,rate,fee', ...rows].join('\n') + '\n';
}

export function oursCsv(lines: OurLine[]): string {
  const rows = lines.map((l) => [l.txn ?? '', l.order, l.type ?? 'payment', l.date, l.amount, l.currency ?? 'CNY', l.orderTotal ?? '', l.status ?? '', l.fee ?? ''].join(','));
  return ['txn,order,type,date,amount,currency,order_total,status,fee', ...rows].join('\n') + '\n';
}

export async function saveMappings(t: TestApp, channelName: string): Promise<void> {
  for (const [name, body] of [
    [channelName, CHANNEL_MAPPING],
    [`${channelName}-ours`, OURS_MAPPING],
    [`${channelName}-ours-fees`, OURS_WITH_FEES_MAPPING],
  ] as const) {
    const res = await t.request({ method: 'PUT', url: `/v1/reconciliation/mappings/${name}`, payload: body });
    if (res.statusCode !== 200) throw new Error(`mapping ${name}: ${res.body}`);
  }
}

export async function upload(t: TestApp, query: string, body: string | Buffer, key?: string) {
  return t.request({ method: 'POST', url: `/v1/reconciliation/files?${query}`, headers: { 'content-type': 'text/csv' }, payload: body, ...(key !== undefined ? { key } : {}) });
}

export async function uploadChannel(t: TestApp, channelName: string, lines: ChannelLine[], fileName = 'channel.csv') {
  const res = await upload(t, `channel=generic:${channelName}&file_name=${fileName}`, channelCsv(lines));
  if (res.statusCode !== 201) throw new Error(`channel upload: ${res.body}`);
  return res.json();
}

export async function uploadOurs(t: TestApp, channelName: string, lines: OurLine[], withFees = false) {
  const mapping = withFees ? `${channelName}-ours-fees` : `${channelName}-ours`;
  const res = await upload(t, `channel=generic:${channelName}&side=ours&mapping=${mapping}&file_name=ours.csv`, oursCsv(lines));
  if (res.statusCode !== 201) throw new Error(`ours upload: ${res.body}`);
  return res.json();
}

/** A run with the clock at `asOf` (look-back ages count to it), waited for. */
export async function runAt(t: TestApp, channel: string, postDate: string, asOf: string) {
  const { id } = await t.platform.reconciliation.startRun({ channel, postDate, asOf: new Date(`${asOf}T12:00:00Z`) }, { type: 'system', id: null, name: 'test' });
  await t.platform.reconciliation.waitForRun(id);
  return t.platform.reconciliation.getRun(id);
}

export interface GroupSeen {
  order: string;
  status: string;
  reasons: string[];
  matched_by: string | null;
  days_unmatched: number;
  lines: number;
  ours: number;
}

/** Every group of a channel, keyed by the order its members belong to. */
export async function groupsByOrder(t: TestApp, channel: string): Promise<Map<string, GroupSeen>> {
  const { rows } = await t.platform.database.pool.query<GroupSeen>(
    `SELECT coalesce((SELECT min(merchant_order_id) FROM recon_channel_lines WHERE id = ANY (g.channel_line_ids)),
                     (SELECT min(order_id) FROM recon_our_transactions WHERE id = ANY (g.our_transaction_ids))) AS order,
            g.status, g.reasons, g.matched_by, g.days_unmatched,
            cardinality(g.channel_line_ids) AS lines, cardinality(g.our_transaction_ids) AS ours
       FROM recon_match_groups g WHERE g.channel = $1`,
    [channel],
  );
  return new Map(rows.map((r) => [r.order, r]));
}

/** The decision table: [name, facts changed from `base`, status, reasons] (unit test and SQL test). */
const none = { acquirer: null, interchange: null, scheme: null, other: null, three_ds: null };
export const base: GroupFacts = {
  matchClass: 'payment',
  cCount: 1,
  cAmount: 1000n,
  cCurrency: 'CNY',
  cFxGap: null,
  cFees: none,
  oCount: 1,
  oAmount: 1000n,
  oCurrency: 'CNY',
  oOrderAmount: 1000n,
  oOrderStatus: 'captured',
  oFees: none,
  ageDays: 1,
  lookBackDays: 7,
};

export const DECISIONS: Array<[string, Partial<GroupFacts>, string, string[]]> = [
  ['all equal', {}, 'matched', []],
  ['our amount ≠ order, channel = order', { oAmount: 900n }, 'discrepant', ['our_amount_differs_from_order', 'channel_differs_from_ours']],
  ['channel ≠ order, ours = order', { cAmount: 900n }, 'discrepant', ['channel_amount_differs_from_order', 'channel_differs_from_ours']],
  ['both agree, the order does not', { oOrderAmount: 1200n }, 'discrepant', ['our_amount_differs_from_order', 'channel_amount_differs_from_order']],
  ['partly captured: less than the order is fine', { oOrderAmount: 1200n, oOrderStatus: 'partially_captured' }, 'matched', []],
  ['order total unknown (an export without it)', { oOrderAmount: null, oOrderStatus: null }, 'matched', []],
  ['money on a voided order', { oOrderStatus: 'voided' }, 'discrepant', ['amount_inconsistent_with_order_status']],
  ['money on a cancelled order (a shop’s status)', { oOrderStatus: 'cancelled' }, 'discrepant', ['amount_inconsistent_with_order_status']],
  ['a refund on a captured order', { matchClass: 'refund', cAmount: -300n, oAmount: -300n, oOrderStatus: 'captured' }, 'discrepant', ['amount_inconsistent_with_order_status']],
  ['a refund on a refunded order', { matchClass: 'refund', cAmount: -300n, oAmount: -300n, oOrderStatus: 'refunded' }, 'matched', []],
  ['channel in another currency', { cCurrency: 'USD', oOrderAmount: null }, 'discrepant', ['channel_differs_from_ours']],
  ['FX gap on a line', { cFxGap: 50n }, 'discrepant', ['fx_difference']],
  ['fee mismatch', { cFees: { ...none, acquirer: 6n }, oFees: { ...none, acquirer: 7n } }, 'discrepant', ['fee_mismatch']],
  ['a fee only one side states is not compared', { cFees: { ...none, scheme: 6n }, oFees: { ...none, acquirer: 7n } }, 'matched', []],
  ['missing on our side, within the look-back', { oCount: 0, oAmount: null, oCurrency: null, oOrderAmount: null, oOrderStatus: null, ageDays: 7 }, 'expected', ['missing_on_our_side']],
  ['missing on our side, after the look-back', { oCount: 0, oAmount: null, oCurrency: null, oOrderAmount: null, oOrderStatus: null, ageDays: 8 }, 'discrepant', ['missing_on_our_side']],
  ['missing on the channel side, within the look-back', { cCount: 0, cAmount: null, cCurrency: null, ageDays: 0 }, 'expected', ['missing_on_channel_side']],
  ['missing on the channel side, after the look-back', { cCount: 0, cAmount: null, cCurrency: null, ageDays: 8 }, 'discrepant', ['missing_on_channel_side']],
];

