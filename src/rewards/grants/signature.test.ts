import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KessaiError } from '../../errors/index.ts';
import { signEventBody, verifyEventSignature } from './signature.ts';

const body = Buffer.from('{"id":"evt_1"}');
const now = 1_800_000_000_000;
const t = now / 1000;

function code(fn: () => void): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    assert.ok(err instanceof KessaiError);
    return `${err.code}:${String(err.details.reason)}`;
  }
}

test('signature checks, table-driven', () => {
  const good = signEventBody('s3cret', body, t);
  const rows: Array<[string, string | undefined, string | null]> = [
    ['valid', good, null],
    ['valid among several v1 (rotation)', `${signEventBody('old', body, t)},${good.split(',')[1]}`, null],
    ['missing', undefined, 'KS_ERR_REWARD_EVENT_SIGNATURE_INVALID:missing'],
    ['no timestamp', good.split(',')[1], 'KS_ERR_REWARD_EVENT_SIGNATURE_INVALID:malformed'],
    ['not hex', `t=${t},v1=zz`, 'KS_ERR_REWARD_EVENT_SIGNATURE_INVALID:malformed'],
    ['other secret', signEventBody('other', body, t), 'KS_ERR_REWARD_EVENT_SIGNATURE_INVALID:mismatch'],
    ['other timestamp, same mac', good.replace(`t=${t}`, `t=${t + 1}`), 'KS_ERR_REWARD_EVENT_SIGNATURE_INVALID:mismatch'],
    ['5 minutes old is fine', signEventBody('s3cret', body, t - 300), null],
    ['older', signEventBody('s3cret', body, t - 301), 'KS_ERR_REWARD_EVENT_STALE:stale'],
    ['from the future', signEventBody('s3cret', body, t + 301), 'KS_ERR_REWARD_EVENT_STALE:stale'],
  ];
  for (const [name, header, expected] of rows) {
    assert.equal(code(() => verifyEventSignature('s3cret', body, header, 300, now)), expected, name);
  }
  assert.equal(code(() => verifyEventSignature('s3cret', Buffer.from('{"id":"evt_2"}'), good, 300, now)), 'KS_ERR_REWARD_EVENT_SIGNATURE_INVALID:mismatch');
});
