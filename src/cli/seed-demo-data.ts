import type { FastifyInstance } from 'fastify';

/** An API call made by the seed with its key, answering the JSON body. */
export type Call = (method: 'POST' | 'GET' | 'PATCH' | 'PUT', url: string, payload?: object) => Promise<{ id: string }>;

const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

/** Two campaigns like the seed's (marketplace rebate by stage; an everywhere-but campaign), a merchant master, three customers. */
export async function seedRewards(call: Call): Promise<void> {
  await call('PUT', '/v1/rewards/merchants/m-kessai-shop', {
    name: 'Kessai tea shop',
    marketplace: 'inside',
    merchant_ids: [{ payment_method: 'card', merchant_id: 'shop-001', effective_from: '2026-01-01T00:00:00Z' }],
  });
  for (const [id, card_status, stage] of [['cus-hanako', 2, 30], ['cus-taro', 3, 10], ['cus-yuki', 1, 40]] as const) {
    await call('PUT', `/v1/rewards/customers/${id}`, { card_status, stage, as_of: new Date().toISOString() });
  }
  const common = {
    starts_at: `${day(30)}T00:00:00Z`,
    ends_at: '2099-01-01T00:00:00Z',
    rounding: 'floor',
    funding_party: 'card_issuer',
  };
  await call('POST', '/v1/rewards/campaigns', {
    ...common,
    name: 'Marketplace rebate by stage',
    user_filters: { card_status: [2, 3] },
    payment_filters: { marketplace: 'inside' },
    stage_rates: [
      { min_stage: 10, rate_percent: '1.0' },
      { min_stage: 20, rate_percent: '2.0' },
      { min_stage: 30, rate_percent: '3.0' },
      { min_stage: 40, rate_percent: '4.0' },
    ],
    caps: { per_customer_month: 5_000, budget: 2_000_000 },
  });
  await call('POST', '/v1/rewards/campaigns', {
    ...common,
    name: 'Everywhere, 0.5 %',
    payment_filters: { min_amount: { amount: 1_000, currency: 'JPY' } },
    stage_rates: [{ min_stage: 0, rate_percent: '0.5' }],
    caps: { per_customer_month: 1_000, budget: null },
    funding_party: 'merchant',
  });
}

/** Both files: amounts in minor units with their sign, ISO dates, the kind in a `type` column. */
const CSV_FORMAT = { amountFormat: 'minor_units', signConvention: 'signed', dateFormat: 'YYYY-MM-DD', kindValues: { payment: 'payment', refund: 'refund' } };
const CHANNEL_MAPPING = {
  ...CSV_FORMAT,
  columns: { channelTransactionId: 'txn', merchantOrderId: 'order', kind: 'type', postDate: 'date', transactionAmount: 'amount', transactionCurrency: 'currency', acquirerFee: 'fee' },
};
const OURS_MAPPING = {
  ...CSV_FORMAT,
  columns: { channelTransactionId: 'txn', merchantOrderId: 'order', kind: 'type', postDate: 'date', settlementAmount: 'amount', settlementCurrency: 'currency', acquirerFee: 'fee' },
  orderAmountColumn: 'order_total',
  orderStatusColumn: 'status',
};

/**
 * A generic channel's settlement files and the shop's order export for two days, reconciled:
 * one day balanced, one with a discrepancy of each common kind (amount, fee, missing on either
 * side), so the console's runs, chart and discrepancy pages have something to show.
 */
export async function seedReconciliation(app: FastifyInstance, key: string, call: Call): Promise<void> {
  await call('PUT', '/v1/reconciliation/mappings/demo-shop', CHANNEL_MAPPING);
  await call('PUT', '/v1/reconciliation/mappings/demo-shop-ours', OURS_MAPPING);
  const upload = async (query: string, csv: string) => {
    const res = await app.inject({ method: 'POST', url: `/v1/reconciliation/files?${query}`, headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' }, payload: csv });
    if (res.statusCode !== 201) throw new Error(`demo reconciliation upload: ${res.body}`);
  };
  for (const [daysAgo, odd] of [[10, true], [2, false]] as const) {
    const d = day(daysAgo);
    const orders = Array.from({ length: 12 }, (_, i) => ({ txn: `WX${d.replaceAll('-', '')}${i}`, order: `demo-${d}-${i}`, amount: 1_200 + i * 350 }));
    const channel = orders
      .filter((_, i) => !(odd && i === 9))
      .map((o, i) => [o.txn, o.order, 'payment', d, odd && i === 4 ? o.amount + 100 : o.amount, 'JPY', odd && i === 6 ? 99 : Math.floor(o.amount * 0.036)].join(','));
    if (odd) channel.push([`WX${d.replaceAll('-', '')}X`, `demo-${d}-unknown`, 'payment', d, 5_400, 'JPY', 194].join(','));
    const ours = orders
      .filter((_, i) => !(odd && i === 11))
      .map((o) => [o.txn, o.order, 'payment', d, o.amount, 'JPY', o.amount, 'captured', Math.floor(o.amount * 0.036)].join(','));
    await upload(`channel=generic:demo-shop&file_name=settlement-${d}.csv`, ['txn,order,type,date,amount,currency,fee', ...channel].join('\n') + '\n');
    await upload(`channel=generic:demo-shop&side=ours&mapping=demo-shop-ours&file_name=orders-${d}.csv`, ['txn,order,type,date,amount,currency,order_total,status,fee', ...ours].join('\n') + '\n');
    await call('POST', '/v1/reconciliation/runs', { channel: 'generic:demo-shop', post_date: d });
  }
}
