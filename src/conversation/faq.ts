// Answers from config/faq.yaml, given before a ticket is needed.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Locale } from './texts.js';

const faqSchema = z.strictObject({
  entries: z.array(
    z.strictObject({
      id: z.string().min(1),
      keywords: z.array(z.string().min(1)).min(1),
      answer: z.strictObject({ id: z.string().min(1), en: z.string().min(1).optional() }),
    }),
  ),
});

export interface Faq {
  answer(question: string, locale: Locale): string | undefined;
}

export function loadFaq(file: string): Faq {
  const parsed = faqSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const entries = parsed.data.entries.map((e) => ({ ...e, keywords: e.keywords.map((k) => k.toLowerCase()) }));
  return {
    answer(question, locale) {
      const words = new Set(question.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean));
      let best: { score: number; entry: (typeof entries)[number] } | undefined;
      for (const entry of entries) {
        const score = entry.keywords.filter((k) => words.has(k)).length;
        if (score > 0 && (!best || score > best.score)) best = { score, entry };
      }
      // One shared word is too weak a match for a long question.
      if (!best || (best.score < 2 && words.size > 4)) return undefined;
      return best.entry.answer[locale] ?? best.entry.answer.id;
    },
  };
}
