// Checking the secret of a public status link. A wrong token answers exactly
// like an unknown ticket number, so numbers cannot be probed; the comparison
// takes the same time however much of the token matched.
import { timingSafeEqual } from 'node:crypto';

/** Whether `given` is the ticket's token. */
export function tokenMatches(expected: string | undefined, given: string | undefined): boolean {
  if (expected === undefined || given === undefined || given.length > 200) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  // Different lengths: still one constant-time comparison (of the token with itself), then false.
  const equal = timingSafeEqual(a, a.length === b.length ? b : a);
  return equal && a.length === b.length;
}
