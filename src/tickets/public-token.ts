// The secret in a ticket's public status link (`/t/<number>?k=<token>`). A
// ticket number is easy to guess (…00042 is followed by …00043), so the link
// also carries 18 random bytes (144 bits) that only the reporter's messages
// contain. src/public/token.ts compares a presented one.
import { randomBytes } from 'node:crypto';

const TOKEN_BYTES = 18;

/** A fresh token: base64url, 24 characters. */
export function newPublicToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}
