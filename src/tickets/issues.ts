// A zod issue as a field and a problem code, so that every caller (the inbox API, the
// service's own checks) can say what is wrong in the reader's language instead of
// showing zod's English ("Too big: expected number to be <=90").
import type { InputIssue } from './errors.js';

/** The problems a field can have; the inbox UI has a sentence for each. */
export const INPUT_PROBLEMS = ['required', 'too_short', 'too_long', 'too_small', 'too_big', 'email', 'phone', 'format', 'type', 'choice', 'unknown_field', 'unknown_category', 'unknown_agency', 'unknown_forwarding', 'invalid'] as const;
export type InputProblem = (typeof INPUT_PROBLEMS)[number];

/** What is read of a zod issue (a zod v4 `$ZodIssue`, or fastify-type-provider-zod's copy of one). */
export interface IssueLike {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly origin?: unknown;
  readonly minimum?: unknown;
  readonly maximum?: unknown;
  readonly format?: unknown;
  readonly keys?: unknown;
}

export function issueOf(issue: IssueLike, fallbackField = 'input'): InputIssue {
  const field = issue.path.map(String).join('.') || fallbackField;
  const base = { field, message: issue.message };
  switch (issue.code) {
    case 'invalid_type':
      return { ...base, problem: issue.message.includes('received undefined') ? 'required' : 'type' };
    case 'too_small': {
      const minimum = Number(issue.minimum);
      if (issue.origin === 'string' || issue.origin === 'array') return minimum <= 1 ? { ...base, problem: 'required' } : { ...base, problem: 'too_short', limit: minimum };
      return { ...base, problem: 'too_small', limit: minimum };
    }
    case 'too_big':
      return { ...base, problem: issue.origin === 'string' || issue.origin === 'array' ? 'too_long' : 'too_big', limit: Number(issue.maximum) };
    case 'invalid_format':
      return { ...base, problem: issue.format === 'email' ? 'email' : 'format' };
    case 'invalid_value':
      return { ...base, problem: 'choice' };
    case 'unrecognized_keys':
      return { ...base, problem: 'unknown_field', limit: Array.isArray(issue.keys) ? issue.keys.join(', ') : '' };
    default:
      return { ...base, problem: 'invalid' };
  }
}
