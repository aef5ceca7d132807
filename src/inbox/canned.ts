// Canned responses for the reply box, from config/canned.yaml.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

const localized = z.strictObject({ id: z.string().min(1), en: z.string().min(1).optional() });

const cannedFile = z.strictObject({
  responses: z.array(z.strictObject({ id: z.string().regex(/^[a-z0-9_-]+$/), title: localized, text: localized })).default([]),
});

export type CannedResponse = z.infer<typeof cannedFile>['responses'][number];

/** Missing file: no canned responses. A malformed one stops the start with the file's name. */
export function loadCannedResponses(file: string): CannedResponse[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const parsed = cannedFile.safeParse(parse(text));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data.responses;
}
