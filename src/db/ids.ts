import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

let lastTime = 0;
let lastRandom: bigint = 0n;

/**
 * Time-ordered, URL-safe ids (`pay_01jd…`): 48 bits of milliseconds and 80 random bits, like a
 * ULID. Ids from one process are strictly increasing, so they double as pagination cursors.
 */
export function newId(prefix: string): string {
  const now = Date.now();
  let random: bigint;
  if (now === lastTime) {
    random = (lastRandom + 1n) & ((1n << 80n) - 1n);
  } else {
    random = BigInt(`0x${randomBytes(10).toString('hex')}`);
    lastTime = now;
  }
  lastRandom = random;
  let value = (BigInt(now) << 80n) | random;
  let out = '';
  for (let i = 0; i < 26; i++) {
    out = ALPHABET[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return `${prefix}_${out}`;
}

/** A random secret token, base32, with a readable prefix (`ks_live_…`). */
export function newSecret(prefix: string, bytes = 24): string {
  const buf = randomBytes(bytes);
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const b of buf) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(acc >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return `${prefix}_${out}`;
}
