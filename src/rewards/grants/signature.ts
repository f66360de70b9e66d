import { createHmac, timingSafeEqual } from 'node:crypto';
import { KessaiError } from '../../errors/index.ts';

/** The header a sender of `POST /v1/events` signs with: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const EVENTS_SIGNATURE_HEADER = 'kessai-signature';

/** HMAC-SHA256 over `${t}.${raw body}` with the shared secret, hex. */
export function signEventBody(secret: string, body: string | Buffer, t: number): string {
  const mac = createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
  return `t=${t},v1=${mac}`;
}

/**
 * Checks the signature of a received body: the header present and well formed, the timestamp
 * within `toleranceSeconds` of now (a replay of an old capture is refused), and one of the `v1`
 * signatures (several while a secret is rotated) equal, compared in constant time.
 */
export function verifyEventSignature(secret: string, body: Buffer, header: string | undefined, toleranceSeconds: number, nowMs = Date.now()): void {
  if (!header) throw new KessaiError('KS_ERR_REWARD_EVENT_SIGNATURE_INVALID', `The ${EVENTS_SIGNATURE_HEADER} header is missing`, { reason: 'missing' });
  let t: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === 't' && v !== undefined && /^\d{1,12}$/.test(v)) t = Number(v);
    else if (k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v)) signatures.push(v);
  }
  if (t === null || signatures.length === 0) {
    throw new KessaiError('KS_ERR_REWARD_EVENT_SIGNATURE_INVALID', `The ${EVENTS_SIGNATURE_HEADER} header must look like t=<unix seconds>,v1=<hex>`, { reason: 'malformed' });
  }
  const age = Math.abs(nowMs / 1000 - t);
  if (age > toleranceSeconds) {
    throw new KessaiError('KS_ERR_REWARD_EVENT_STALE', `The signature's timestamp is ${Math.round(age)} s from now (at most ${toleranceSeconds} s)`, { reason: 'stale', tolerance_seconds: toleranceSeconds });
  }
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex'));
  if (!signatures.some((s) => timingSafeEqual(Buffer.from(s), expected))) {
    throw new KessaiError('KS_ERR_REWARD_EVENT_SIGNATURE_INVALID', 'The signature does not match the body', { reason: 'mismatch' });
  }
}
