import { createHash, randomBytes } from 'node:crypto';
import { argon2Verify, argon2id } from 'hash-wasm';

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane). */
export async function hashPassword(password: string): Promise<string> {
  return argon2id({
    password,
    salt: randomBytes(16),
    parallelism: 1,
    iterations: 2,
    memorySize: 19_456,
    hashLength: 32,
    outputType: 'encoded',
  });
}

export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  try {
    return await argon2Verify({ password, hash: encoded });
  } catch {
    return false;
  }
}
