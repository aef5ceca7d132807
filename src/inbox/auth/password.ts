// Password hashing with scrypt (node:crypto, no native add-on). The stored
// form names its parameters, so the cost can be raised later and old hashes
// still verify: scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, log2n: number, r: number, p: number): Promise<Buffer> {
  const n = 2 ** log2n;
  return new Promise((resolve, reject) => {
    // maxmem must exceed 128·N·r bytes, or Node refuses costs above 2^14.
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { N: n, r, p, maxmem: 256 * n * r }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

export async function hashPassword(password: string, log2n: number): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, log2n, R, P);
  return ['scrypt', log2n, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, log2n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !log2n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), Number(log2n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Rules every new password meets: long enough to resist guessing, short enough to hash quickly. */
export const PASSWORD_RULE = { min: 10, max: 200 } as const;

/** What is wrong with a new password, as a code (for the UI's sentence). */
export function passwordProblemCode(password: string): 'too_short' | 'too_long' | undefined {
  if (password.length < PASSWORD_RULE.min) return 'too_short';
  if (password.length > PASSWORD_RULE.max) return 'too_long';
  return undefined;
}

export function passwordProblem(password: string): string | undefined {
  const code = passwordProblemCode(password);
  if (code === 'too_short') return `at least ${String(PASSWORD_RULE.min)} characters`;
  if (code === 'too_long') return `at most ${String(PASSWORD_RULE.max)} characters`;
  return undefined;
}
