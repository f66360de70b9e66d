import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { signWebhookPayload, verifyWebhookSignature } from './signature.ts';

const secret = 'whsec_test_secret';
const body = JSON.stringify({ id: 'evt_1', type: 'payment.created', created_at: '2026-01-01T00:00:00.000Z', data: { amount: 1000 } });
const now = () => Math.floor(Date.now() / 1000);

test('the header is t=<seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>', () => {
  const t = 1_700_000_000;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  assert.equal(signWebhookPayload(secret, body, t), `t=${t},v1=${expected}`);
});

test('a fresh signature verifies, from a string or the raw bytes', () => {
  const header = signWebhookPayload(secret, body);
  assert.equal(verifyWebhookSignature(secret, header, body), true);
  assert.equal(verifyWebhookSignature(secret, header, Buffer.from(body)), true);
  assert.equal(verifyWebhookSignature(secret, [header], body), true);
});

test('a tampered body is rejected', () => {
  const header = signWebhookPayload(secret, body);
  assert.equal(verifyWebhookSignature(secret, header, body.replace('1000', '9000')), false);
  assert.equal(verifyWebhookSignature(secret, header, `${body} `), false);
});

test('a wrong secret is rejected', () => {
  const header = signWebhookPayload(secret, body);
  assert.equal(verifyWebhookSignature('whsec_other', header, body), false);
  assert.equal(verifyWebhookSignature('', header, body), false);
});

test('old (and far-future) timestamps are rejected, within tolerance accepted', () => {
  assert.equal(verifyWebhookSignature(secret, signWebhookPayload(secret, body, now() - 301), body), false);
  assert.equal(verifyWebhookSignature(secret, signWebhookPayload(secret, body, now() + 301), body), false);
  assert.equal(verifyWebhookSignature(secret, signWebhookPayload(secret, body, now() - 290), body), true);
  assert.equal(verifyWebhookSignature(secret, signWebhookPayload(secret, body, now() - 3000), body, 3600), true);
  assert.equal(verifyWebhookSignature(secret, signWebhookPayload(secret, body, now() - 20), body, 10), false);
});

test('a changed timestamp breaks the signature (it is signed with the body)', () => {
  const header = signWebhookPayload(secret, body, now());
  const moved = header.replace(/^t=(\d+)/, (_m, t: string) => `t=${Number(t) - 1}`);
  assert.equal(verifyWebhookSignature(secret, moved, body), false);
});

test('malformed headers are rejected, not thrown on', () => {
  const good = signWebhookPayload(secret, body);
  const v1 = good.split(',')[1]!;
  for (const header of [undefined, null, '', 'garbage', `t=${now()}`, v1, `t=abc,${v1}`, `t=${now()},v1=zz`, `t=${now()},v1=${'0'.repeat(64)}`, `t=${now()},v0=${v1.slice(3)}`]) {
    assert.equal(verifyWebhookSignature(secret, header, body), false, String(header));
  }
});

test('any one of several v1 signatures may match (e.g. during a secret change)', () => {
  const t = now();
  const mine = signWebhookPayload(secret, body, t).split(',')[1]!;
  const other = signWebhookPayload('whsec_other', body, t).split(',')[1]!;
  assert.equal(verifyWebhookSignature(secret, `t=${t},${other},${mine}`, body), true);
  assert.equal(verifyWebhookSignature(secret, `t=${t},${other}`, body), false);
});
