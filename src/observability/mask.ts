// Masks personal data before it reaches a log line: phone numbers and email
// addresses, wherever they appear in a message or a logged object.

// Indonesian numbers (+62 / 62 / 0 followed by 8–13 digits, with optional
// spaces or dashes) and any other international +CC number. Ticket numbers
// (ADU-2611-00042) and timestamps do not match: their digit runs are short
// or lack the leading 0 / + / 62 at a word boundary.
const PHONE = /(?<![\w+])(?:\+\d{1,3}[\s-]?|62|0)8(?:[\s-]?\d){7,12}(?!\w)|(?<![\w+])\+\d(?:[\s-]?\d){8,14}(?!\w)/g;
const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-])[A-Za-z0-9.-]*(\.[A-Za-z]{2,})(?![A-Za-z0-9-])/g;

export function maskPii(text: string): string {
  return text
    .replace(EMAIL, (_m, first: string, domainFirst: string, tld: string) => `${first}***@${domainFirst}***${tld}`)
    .replace(PHONE, (match) => {
      const digits = match.replace(/\D/g, '');
      return `${match.startsWith('+') ? '+' : ''}${digits.slice(0, 4)}****${digits.slice(-3)}`;
    });
}

/** A copy of a log object with every string masked; depth-bounded so odd objects cannot hang logging. */
export function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPii(value);
  if (depth > 8 || typeof value !== 'object' || value === null) return value;
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  if (value instanceof Error) return maskError(value, depth);
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, depth + 1)]));
}

// A masked copy that is still an instance of the same class, so the logger's
// error serializer reports the right type, code and cause.
function maskError(error: Error, depth: number): Error {
  const copy = Object.create(Object.getPrototypeOf(error) as object) as Error;
  for (const [key, v] of Object.entries(error)) (copy as unknown as Record<string, unknown>)[key] = maskDeep(v, depth + 1);
  Object.defineProperty(copy, 'message', { value: maskPii(error.message), enumerable: false, writable: true });
  Object.defineProperty(copy, 'stack', { value: error.stack === undefined ? undefined : maskPii(error.stack), enumerable: false, writable: true });
  if (error.cause !== undefined) Object.defineProperty(copy, 'cause', { value: maskDeep(error.cause, depth + 1), enumerable: false, writable: true });
  return copy;
}
