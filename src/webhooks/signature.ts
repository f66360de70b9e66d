import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `Kessai-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. The
 * timestamp is signed with the body, so a captured request cannot be replayed later than the
 * receiver's tolerance. A header may carry several `v1` values; any one matching is enough.
 */
export const SIGNATURE_HEADER = 'Kessai-Signature';

function hmac(secret: string, timestamp: number, rawBody: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

/** The header value for `rawBody`, signed now (or at `timestamp`, in unix seconds). */
export function signWebhookPayload(secret: string, rawBody: string | Uint8Array, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, rawBody).toString('hex')}`;
}

/**
 * Checks a `Kessai-Signature` header against the raw request body (the exact bytes received,
 * before any JSON parsing): the HMAC must match (compared in constant time) and the timestamp
 * must be within `toleranceSeconds` of now, either way.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | string[] | null | undefined,
  rawBody: string | Uint8Array,
  toleranceSeconds = 300,
): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  if (!secret || typeof value !== 'string' || value.length > 4096) return false;
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(v)) timestamp = Number(v);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(v)) signatures.push(Buffer.from(v, 'hex'));
  }
  if (timestamp === undefined || signatures.length === 0) return false;
  if (Math.abs(Math.floor(Date.now() / 1000) - timestamp) > toleranceSeconds) return false;
  const expected = hmac(secret, timestamp, rawBody);
  let ok = false;
  // Every candidate is compared, so the time taken does not say which one matched.
  for (const s of signatures) ok = timingSafeEqual(s, expected) || ok;
  return ok;
}
