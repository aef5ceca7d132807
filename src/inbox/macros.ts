// Labels and macros of the operator inbox, from macros.yaml next to the canned
// responses file. A label is a code from a configured list (no free text, so the
// list filter and the chips stay tidy); a macro is a reply, an optional action
// and optional labels, applied in one request.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { TransitionAction } from '../tickets/transitions.js';

const localized = z.strictObject({ id: z.string().min(1), en: z.string().min(1).optional() });
const labelCode = z.string().regex(/^[a-z0-9_-]{1,40}$/);
/** Actions a macro may take: one needing no extra input but what the macro holds (not submitResult, not route). */
export const MACRO_ACTIONS = ['respond', 'forward', 'reject', 'reopen', 'validate', 'returnToAgency'] as const satisfies readonly TransitionAction[];

const macrosFile = z.strictObject({
  labels: z.array(z.strictObject({ code: labelCode, name: localized, colour: z.string().regex(/^#[0-9a-fA-F]{6}$/).default('#4b5563') })).default([]),
  macros: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z0-9_-]{1,40}$/),
        title: localized,
        reply: localized.optional(),
        action: z.enum(MACRO_ACTIONS).optional(),
        /** For `reject`/`forward`: the note in the ticket's history. */
        note: z.string().min(1).max(500).optional(),
        labels: z.array(labelCode).default([]),
      }),
    )
    .default([]),
});

export type InboxLabel = z.infer<typeof macrosFile>['labels'][number];
export type Macro = z.infer<typeof macrosFile>['macros'][number];
export interface MacroConfig { readonly labels: InboxLabel[]; readonly macros: Macro[] }

export const macrosFileOf = (cannedFile: string): string => join(dirname(cannedFile), 'macros.yaml');

/** Missing file: none. A malformed one, or a macro naming an unknown label, stops the start with the file's name. */
export function loadMacros(file: string): MacroConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { labels: [], macros: [] };
  }
  const parsed = macrosFile.safeParse(parse(text));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const codes = new Set(parsed.data.labels.map((l) => l.code));
  for (const macro of parsed.data.macros) {
    const unknown = macro.labels.find((l) => !codes.has(l));
    if (unknown) throw new Error(`${file}: macro ${macro.id}: unknown label ${unknown}`);
  }
  return parsed.data;
}

/** `{number}` and `{name}` filled in; an unnamed reporter is "Bapak/Ibu". */
export const fillReply = (text: string, ticket: { number: string; reporter: { name?: string } }): string =>
  text.replaceAll('{number}', ticket.number).replaceAll('{name}', ticket.reporter.name ?? 'Bapak/Ibu');
