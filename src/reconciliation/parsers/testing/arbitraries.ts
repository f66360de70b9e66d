// fast-check generators of valid settlement files, one per format, for the round-trip and fuzz
// tests: amounts in minor units, ids, times, fees, refunds, several currencies where allowed.
import fc from 'fast-check';
import type { AdyenReport, AdyenRow } from './write-adyen.ts';
import { ADYEN_2025, ADYEN_LEGACY } from './write-adyen.ts';
import type { AlipayAccountRow, AlipayBill, AlipayTradeRow } from './write-alipay.ts';
import type { GenericFile, GenericRow } from './write-generic.ts';
import type { PaypalReport, PaypalRow } from './write-paypal.ts';
import { STRIPE_OPTIONAL, STRIPE_REQUIRED, type StripeReport, type StripeRow } from './write-stripe.ts';
import type { WechatBill, WechatRow } from './write-wechat.ts';

/** 2015-01-01 … 2029-12-31 as seconds after 2000-01-01. */
const time = fc.integer({ min: 15 * 365 * 86400, max: 29 * 366 * 86400 });
const eol = fc.constantFrom('\r\n' as const, '\n' as const);
const id = (prefix: string) => fc.stringMatching(/^[0-9A-Za-z]{6,28}$/).map((s) => `${prefix}${s}`);
/** Chinese that GBK can write, with a full-width comma. */
const hanzi = fc.string({ unit: fc.constantFrom(...'商品测试支付宝微信红包退款衬衫茶杯咖啡月饼，中号'), minLength: 1, maxLength: 8 });
/** Free text with the characters that break naive readers: commas, quotes, spaces. */
const freeText = fc.string({ unit: fc.constantFrom(...'abc XYZ,"\'-/é'), maxLength: 16 });
const amount = (max = 10_000_000n) => fc.bigInt({ min: 0n, max });
const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);

const wechatRow: fc.Arbitrary<WechatRow> = fc
  .record({
    status: fc.constantFrom('SUCCESS', 'SUCCESS', 'REFUND', 'REVOKED') as fc.Arbitrary<WechatRow['status']>,
    time,
    refundDelay: fc.integer({ min: 60, max: 30 * 86400 }),
    tradeNo: fc.stringMatching(/^4200\d{24}$/),
    orderId: id('KS-'),
    refundNo: fc.stringMatching(/^5030\d{24}$/),
    merchantRefundNo: id('KR-'),
    tradeType: pick(['JSAPI', 'NATIVE', 'APP', 'MICROPAY']),
    bank: pick(['CMB_CREDIT', 'ICBC_DEBIT', 'OTHERS', '']),
    orderAmount: amount(),
    couponShare: fc.integer({ min: 0, max: 3 }),
    refundShare: fc.integer({ min: 1, max: 4 }),
    product: fc.oneof(hanzi, hanzi.map((h) => `${h},${h}`), fc.constant('')),
    attach: fc.constantFrom('', 'a=1,b=2'),
    feeRate: fc.bigInt({ min: 0n, max: 1000n }),
  })
  .map((r) => {
    const refund = r.status === 'REFUND';
    const refundAmount = (r.orderAmount * BigInt(r.refundShare)) / 4n;
    // 5-decimal fees: amount × rate in 1/100000 yuan, any last digit; refunds give the fee back.
    const fee = ((refund ? refundAmount : r.orderAmount) * r.feeRate) / 1000n + (r.feeRate % 7n);
    return {
      status: r.status,
      time: r.time,
      refundTime: r.time + r.refundDelay,
      tradeNo: r.tradeNo,
      orderId: r.orderId,
      refundNo: r.refundNo,
      merchantRefundNo: r.merchantRefundNo,
      tradeType: r.tradeType,
      bank: r.bank,
      orderAmount: r.orderAmount,
      coupon: (r.orderAmount * BigInt(r.couponShare)) / 10n,
      refundAmount,
      requestedRefund: refundAmount,
      product: r.product,
      attach: r.attach,
      fee: refund ? -fee : fee,
    };
  });

export const wechatBill: fc.Arbitrary<WechatBill> = fc
  .record({
    generation: fc.constantFrom('2018' as const, '2018' as const, 'legacy' as const),
    layout: fc.constantFrom('all' as const, 'success' as const, 'refund' as const),
    encoding: fc.constantFrom('utf-8' as const, 'utf-8-bom' as const, 'gbk' as const),
    eol,
    backtickHeader: fc.boolean(),
    decimalCount: fc.boolean(),
    rows: fc.array(wechatRow, { maxLength: 12 }),
  })
  .map((b) => (b.generation === 'legacy' ? { ...b, layout: 'all' as const } : b));

const tradeRow: fc.Arbitrary<AlipayTradeRow> = fc
  .record({
    type: fc.constantFrom('交易' as const, '交易' as const, '退款' as const),
    tradeNo: fc.stringMatching(/^20190916220014\d{14}$/),
    orderId: id('KS-'),
    product: hanzi,
    created: time,
    delay: fc.integer({ min: 0, max: 86400 }),
    orderAmount: amount(),
    discount: amount(1000n),
    feePerMille: fc.bigInt({ min: 0n, max: 12n }),
    share: amount(100n),
    refundBatchNo: id('RB'),
  })
  .map((r) => {
    const sign = r.type === '退款' ? -1n : 1n;
    const received = r.orderAmount - (r.discount > r.orderAmount ? r.orderAmount : r.discount);
    return {
      type: r.type,
      tradeNo: r.tradeNo,
      orderId: r.orderId,
      product: r.product,
      created: r.created,
      finished: r.created + r.delay,
      orderAmount: sign * r.orderAmount,
      received: sign * received,
      merchantDiscount: sign * (r.orderAmount - received),
      // A charge is printed negative on a trade; given back (positive) on a refund.
      serviceFee: -sign * ((received * r.feePerMille) / 1000n),
      share: -sign * r.share,
      refundBatchNo: r.refundBatchNo,
    };
  });

const accountRow: fc.Arbitrary<AlipayAccountRow> = fc
  .record({
    type: fc.constantFrom('在线支付' as const, '退款' as const, '提现' as const, '收费' as const),
    serialNo: fc.stringMatching(/^\d{20}$/),
    bizNo: fc.stringMatching(/^2019\d{24}$/),
    orderId: id('KS-'),
    product: hanzi,
    time,
    magnitude: fc.bigInt({ min: 1n, max: 10_000_000n }),
    signedExpense: fc.boolean(),
    channel: pick(['支付宝', '余额']),
  })
  .map(({ magnitude, ...r }) => ({ ...r, amount: r.type === '在线支付' ? magnitude : -magnitude }));

export const alipayBill: fc.Arbitrary<AlipayBill> = fc.oneof(
  fc.record({ kind: fc.constant('trade' as const), encoding: fc.constantFrom('gbk' as const, 'utf-8' as const), eol, rows: fc.array(tradeRow, { maxLength: 12 }) }),
  fc.record({ kind: fc.constant('account' as const), encoding: fc.constantFrom('gbk' as const, 'utf-8' as const), eol, rows: fc.array(accountRow, { maxLength: 12 }) }),
);

const currencyAmount = (currencies: readonly string[]) => fc.record({ currency: pick(currencies), amount: fc.bigInt({ min: -5_000_000n, max: 5_000_000n }) });

const stripeRow: fc.Arbitrary<StripeRow> = fc
  .record({
    category: pick(['charge', 'charge', 'refund', 'dispute', 'dispute_reversal', 'fee', 'payout', 'risk_reserved_funds'] as const),
    id: id('txn_'),
    created: time,
    money: currencyAmount(['USD', 'EUR', 'JPY', 'KWD', 'CHF']),
    fee: amount(50_000n),
    chargeId: id('ch_'),
    orderId: fc.oneof(id('KS-'), fc.constant('')),
    description: fc.oneof(freeText, freeText.map((t) => `${t}\nsecond line`)),
    facing: fc.option(currencyAmount(['EUR', 'GBP', 'JPY'])),
    cardBrand: pick(['visa', 'mastercard', '']),
    country: pick(['DE', 'US', '']),
  })
  .map(({ money, ...r }) => ({ ...r, currency: money.currency, gross: money.amount }));

export const stripeReport: fc.Arbitrary<StripeReport> = fc
  .record({ optional: fc.subarray(STRIPE_OPTIONAL), eol, rows: fc.array(stripeRow, { maxLength: 12 }) })
  .chain(({ optional, eol, rows }) => {
    const all = [...STRIPE_REQUIRED, ...optional];
    return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }).map((columns) => ({ columns, eol, rows }));
  });

const ZONES = [
  { name: 'CET', offset: '+01:00' },
  { name: 'PST', offset: '-08:00' },
  { name: 'UTC', offset: '+00:00' },
  { name: 'AMT', offset: '' },
];

const adyenRow: fc.Arbitrary<AdyenRow> = fc
  .record({
    type: pick(['Settled', 'Settled', 'Refunded', 'Chargeback', 'ChargebackReversed', 'Fee', 'MerchantPayout'] as const),
    psp: fc.stringMatching(/^[0-9A-Z]{16}$/),
    modRef: fc.oneof(fc.stringMatching(/^[0-9A-Z]{16}$/), fc.constant('TX3488899933XT batch 3, KessaiCOM batch 3, KessaiCOM')),
    merchantRef: fc.oneof(id('KS-'), fc.integer({ min: 1, max: 99999999 }).map((n) => `${n}.0`)),
    orderRef: id('KS-'),
    method: pick(['visa', 'mc', 'amex', 'ideal', 'paypal']),
    created: time,
    bookDelay: fc.integer({ min: 0, max: 3 * 86400 }),
    zone: pick(ZONES),
    grossCurrency: pick(['EUR', 'USD', 'INR', 'JPY']),
    grossMagnitude: amount(),
    rate: pick(['1', '0.011', '1.0925', '151.2370']),
    netCurrency: pick(['EUR', 'USD']),
    net: fc.bigInt({ min: -5_000_000n, max: 5_000_000n }),
    fees: fc.array(amount(5_000n), { minLength: 5, maxLength: 5 }),
    country: pick(['NL', 'DE', 'IN']),
  })
  .map(({ bookDelay, grossMagnitude, fees, ...r }) => {
    const out = r.type === 'Refunded' || r.type === 'Chargeback';
    return {
      ...r,
      booked: r.created + bookDelay,
      gross: out ? -grossMagnitude : grossMagnitude,
      commission: fees[0]!,
      markup: fees[1]!,
      scheme: fees[2]!,
      interchange: fees[3]!,
      dcc: fees[4]!,
    };
  });

export const adyenReport: fc.Arbitrary<AdyenReport> = fc.constantFrom('legacy' as const, '2025' as const).chain((generation) => {
  const size = (generation === 'legacy' ? ADYEN_LEGACY : ADYEN_2025).length;
  const indexes = Array.from({ length: size }, (_, k) => k);
  return fc.record({
    generation: fc.constant(generation),
    order: fc.oneof(fc.constant(indexes), fc.shuffledSubarray(indexes, { minLength: size, maxLength: size })),
    eol,
    rows: fc.array(adyenRow, { maxLength: 12 }),
  });
});

const PAYPAL_ZONES = [
  { printed: '-0800', iso: '-08:00' },
  { printed: '+0100', iso: '+01:00' },
  { printed: '+0000', iso: '+00:00' },
];

/** Minor units that PayPal's hundredths can hold: whole yen, whole fils tens for KWD. */
function paypalMinor(currency: string, value: bigint): bigint {
  return currency === 'KWD' ? value * 10n : value;
}

const paypalRow: fc.Arbitrary<PaypalRow> = fc
  .record({
    code: pick(['T0006', 'T0000', 'T1107', 'T1201', 'T1202', 'T0400', 'T0100', 'T0200'] as const),
    id: fc.stringMatching(/^[0-9A-Z]{17}$/),
    invoice: fc.oneof(id('KS-'), fc.constant('')),
    custom: fc.oneof(fc.stringMatching(/^[a-z0-9]{1,10}$/), fc.constant('')),
    reference: fc.stringMatching(/^[0-9A-Z]{17}$/),
    initiated: time,
    delay: fc.integer({ min: 0, max: 7200 }),
    zone: pick(PAYPAL_ZONES),
    currency: pick(['USD', 'EUR', 'JPY', 'KWD', 'BRL']),
    magnitude: amount(),
    fee: fc.option(fc.bigInt({ min: -2000n, max: 20_000n })),
  })
  .map(({ delay, magnitude, ...r }) => {
    const out = ['T1107', 'T1201', 'T0400', 'T0100'].includes(r.code);
    const refers = ['T1107', 'T1201', 'T1202'].includes(r.code);
    return {
      ...r,
      reference: refers ? r.reference : '',
      completed: r.initiated + delay,
      gross: paypalMinor(r.currency, out ? -magnitude : magnitude),
      fee: r.fee === null ? null : paypalMinor(r.currency, r.fee),
    };
  });

export const paypalReport: fc.Arbitrary<PaypalReport> = fc.record({
  encoding: fc.constantFrom('utf-8' as const, 'utf-8-bom' as const, 'utf-16le-bom' as const),
  eol,
  headerStyle: fc.constantFrom('spaced' as const, 'double-space' as const, 'camel' as const),
  sections: fc.array(fc.array(paypalRow, { maxLength: 8 }), { minLength: 1, maxLength: 3 }),
});

const genericRow: fc.Arbitrary<GenericRow> = fc
  .record({
    reference: id('TX-'),
    order: id('KS-'),
    kind: pick(['payment', 'payment', 'refund', 'fee'] as const),
    date: time,
    // At least one minor unit: with a debit/credit column one indicator signs every amount of the
    // line, so a line of 0 cannot carry a settled amount of another sign (nor does one in a real file).
    magnitude: fc.bigInt({ min: 1n, max: 10_000_000n }),
    currency: pick(['EUR', 'CHF', 'JPY', 'KWD']),
    settled: fc.option(fc.record({ currency: pick(['USD', 'CNY']), magnitude: amount(), rate: pick(['1.0832', '0.92', '7.1']) })),
    fee: fc.bigInt({ min: -500n, max: 50_000n }),
    description: fc.oneof(freeText, hanzi),
  })
  .map(({ magnitude, settled, ...r }) => {
    const sign = r.kind === 'payment' ? 1n : -1n;
    return { ...r, amount: sign * magnitude, settled: settled && { currency: settled.currency, amount: sign * settled.magnitude, rate: settled.rate } };
  });

export const genericFile: fc.Arbitrary<GenericFile> = fc
  .record({
    delimiter: fc.constantFrom(',' as const, ';' as const, '\t' as const, '|' as const),
    amountFormat: fc.constantFrom('decimal' as const, 'minor_units' as const),
    decimalSeparator: fc.constantFrom('.' as const, ',' as const),
    thousands: fc.boolean(),
    signConvention: fc.constantFrom('signed' as const, 'debit_credit' as const),
    feeSign: fc.constantFrom('positive_is_charge' as const, 'negative_is_charge' as const),
    dateFormat: pick(['YYYY-MM-DD', 'YYYY/MM/DD', 'YYYYMMDD', 'DD/MM/YYYY', 'MM/DD/YYYY', 'DD.MM.YYYY'] as const),
    fixedCurrency: fc.option(pick(['EUR', 'JPY'])),
    title: fc.boolean(),
    comments: fc.boolean(),
    encoding: fc.constantFrom('utf-8' as const, 'utf-8-bom' as const, 'gbk' as const, 'utf-16le-bom' as const),
    eol,
    rows: fc.array(genericRow, { maxLength: 12 }),
  })
  .chain((f) => {
    const width = (f.fixedCurrency ? 7 : 11) + (f.signConvention === 'debit_credit' ? 1 : 0) + 1;
    const indexes = Array.from({ length: width }, (_, k) => k);
    return fc.shuffledSubarray(indexes, { minLength: width, maxLength: width }).map((order) => ({ ...f, order }));
  });
