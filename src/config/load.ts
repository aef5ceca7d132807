// Loads the configuration: YAML files merged in order (a city's file over the
// shipped default), environment overrides on top, then one validation that
// reports every problem as `<file>: <key path>: <what was expected>`.
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { applyEnvOverrides, type AppliedOverride } from './env.js';
import { type Config, configSchema } from './schema.js';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Tree = Record<string, unknown>;

interface LoadedFile {
  readonly file: string;
  readonly tree: Tree;
}

export interface LoadConfigOptions {
  /** Files merged in order; later files override earlier ones key by key (lists are replaced whole). */
  readonly files: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

export function loadConfig({ files, env = {} }: LoadConfigOptions): Config {
  const loaded = files.map(readYamlFile);
  const problems = loaded.flatMap((l) => l.problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const layers = loaded.map((l) => l.value);
  const merged = layers.reduce<Tree>((acc, layer) => deepMerge(acc, layer.tree), {});
  const overrides = applyEnvOverrides(merged, env);

  const result = configSchema.safeParse(merged, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => describeIssue(issue, layers, overrides)));
}

function readYamlFile(file: string): { value: LoadedFile; problems: string[] } {
  const empty = { file, tree: {} };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    return { value: empty, problems: [`${file}: cannot read: ${reason}`] };
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const where = e.linePos?.[0] ? `:${e.linePos[0].line}:${e.linePos[0].col}` : '';
      return `${file}${where}: invalid YAML: ${firstLine(e.message).replace(/ at line \d+, column \d+:?$/, '')}`;
    });
    return { value: empty, problems };
  }
  const tree: unknown = doc.toJS();
  if (tree === null || tree === undefined) return { value: empty, problems: [] };
  if (typeof tree !== 'object' || Array.isArray(tree)) {
    return { value: empty, problems: [`${file}: expected a mapping of keys at the top level`] };
  }
  return { value: { file, tree: tree as Tree }, problems: [] };
}

function describeIssue(issue: z.core.$ZodIssue, layers: readonly LoadedFile[], overrides: readonly AppliedOverride[]): string {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const override = overrides.find((o) => o.path.length <= path.length && o.path.every((key, i) => path[i] === key));
  const source = override ? `environment ${override.name}` : sourceFile(path, layers);
  return `${source}: ${formatPath(path)}: ${describeProblem(issue)}`;
}

/** The last file that sets the deepest existing part of the path: where a person would go to fix it. */
function sourceFile(path: readonly (string | number)[], layers: readonly LoadedFile[]): string {
  for (let depth = path.length; depth > 0; depth--) {
    const owner = [...layers].reverse().find((l) => hasPath(l.tree, path.slice(0, depth)));
    if (owner) return owner.file;
  }
  return layers.at(-1)?.file ?? 'configuration';
}

function describeProblem(issue: z.core.$ZodIssue): string {
  const input = 'input' in issue ? issue.input : undefined;
  if (issue.code === 'invalid_type') {
    return input === undefined ? `missing (expected ${issue.expected})` : `expected ${issue.expected}, got ${describeValue(input)}`;
  }
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_value') return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(input)}`;
  if (input === undefined && issue.code === 'invalid_union') return `missing (${issue.message})`;
  return issue.message;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function hasPath(tree: unknown, path: readonly (string | number)[]): boolean {
  let node = tree;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !(key in node)) return false;
    node = (node as Record<string | number, unknown>)[key];
  }
  return true;
}

function deepMerge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isTree(prev) && isTree(value) ? deepMerge(prev, value) : value;
  }
  return out;
}

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
