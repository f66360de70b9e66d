import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KessaiError } from '../../errors/index.ts';
import { parseInboundEvent } from './inbound.ts';

const settled = {
  id: 'evt_1',
  type: 'payment.settled',
  data: { payment_id: 'pay_1', customer_id: 'c1', amount: 1000, currency: 'JPY', merchant_id: 'M1', payment_method: 'card', paid_at: '2026-11-22T00:00:00Z', settled_at: '2026-11-23T00:00:00Z' },
};

function field(body: unknown): string | null {
  try {
    parseInboundEvent(body, 'http');
    return null;
  } catch (err) {
    assert.ok(err instanceof KessaiError);
    return String(err.details.field);
  }
}

test('valid events parse into the model, amounts as bigint', () => {
  const e = parseInboundEvent(settled, 'nats');
  assert.equal(e.type, 'payment.settled');
  assert.equal(e.amount, 1000n);
  assert.equal(e.source, 'nats');
  const r = parseInboundEvent({ id: 'e2', type: 'payment.refunded', data: { payment_id: 'pay_1', refund_id: 're_1', amount: 1, currency: 'USD', refunded_at: '2026-11-24T00:00:00Z' } }, 'http');
  assert.equal(r.type, 'payment.refunded');
});

test('invalid events name the field', () => {
  const d = settled.data;
  assert.equal(field(null), '');
  assert.equal(field({ ...settled, id: '' }), 'id');
  assert.equal(field({ ...settled, type: 'payment.captured' }), 'type');
  assert.equal(field({ ...settled, data: [] }), 'data');
  assert.equal(field({ ...settled, data: { ...d, amount: 1.5 } }), 'data.amount');
  assert.equal(field({ ...settled, data: { ...d, amount: '1000' } }), 'data.amount');
  assert.throws(() => parseInboundEvent({ ...settled, data: { ...d, currency: 'XYZ' } }, 'http'), (err: KessaiError) => err.code === 'KS_ERR_CURRENCY_UNSUPPORTED');
  assert.equal(field({ ...settled, data: { ...d, currency: 'jpy' } }), 'data.currency');
  assert.equal(field({ ...settled, data: { ...d, paid_at: 'yesterday' } }), 'data.paid_at');
  assert.equal(field({ ...settled, data: { ...d, payment_method: 'Card' } }), 'data.payment_method');
  assert.equal(field({ id: 'e', type: 'payment.refunded', data: { payment_id: 'p', refund_id: 'r', amount: 0, currency: 'JPY', refunded_at: '2026-11-24T00:00:00Z' } }), 'data.amount');
});
