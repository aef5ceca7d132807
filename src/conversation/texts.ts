// Texts in locale files (flows/locales/<lang>.yaml), Indonesian first: a key
// missing in English falls back to Indonesian, and a key missing everywhere
// is a start-up error, not a blank message to a citizen.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const LOCALES = ['id', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export type TextVars = Readonly<Record<string, string | number>>;

export interface Texts {
  t(locale: Locale, key: string, vars?: TextVars): string;
  has(key: string): boolean;
}

type Tree = Record<string, unknown>;

export function loadTexts(dir: string): Texts {
  const tables = Object.fromEntries(LOCALES.map((locale) => [locale, flatten(parse(readFileSync(join(dir, `${locale}.yaml`), 'utf8')) as Tree)])) as Record<Locale, Map<string, string>>;
  return {
    t(locale, key, vars = {}) {
      const template = tables[locale].get(key) ?? tables.id.get(key);
      if (template === undefined) throw new Error(`missing text "${key}" in ${dir}/id.yaml`);
      return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
    },
    has: (key) => tables.id.has(key),
  };
}

function flatten(tree: Tree, prefix = '', out = new Map<string, string>()): Map<string, string> {
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'object' && value !== null) flatten(value as Tree, path, out);
    else out.set(path, String(value));
  }
  return out;
}
