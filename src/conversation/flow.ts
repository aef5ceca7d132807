// Flow definitions: YAML files in flows/, validated at start so a typo in a
// step name fails the deployment, not a citizen's conversation.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Texts } from './texts.js';

export const ASK_KINDS = ['text', 'name', 'phone', 'address', 'choice', 'photo', 'location', 'confirm', 'ticket_number'] as const;
export type AskKind = (typeof ASK_KINDS)[number];

/** What flows may collect; the names are the keys of FlowData. */
export const DATA_KEYS = ['name', 'phone', 'address', 'category', 'description', 'photos', 'location', 'question', 'ticket_number'] as const;

export const ACTIONS = ['create_ticket', 'use_profile', 'show_status', 'answer_faq', 'find_duplicate', 'follow_ticket'] as const;
export type FlowAction = (typeof ACTIONS)[number];

const stepSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9_]+$/),
  /**
   * Only enter this step when the condition holds (`has_profile`: an identity from an earlier report; `has_pin`: the
   * location has coordinates); otherwise go on at `on_no` if it has one, else at `next`.
   */
  when: z.enum(['has_profile', 'has_pin']).optional(),
  say: z.string().optional(),
  ask: z.enum(ASK_KINDS).optional(),
  text: z.string().optional(),
  retry: z.string().optional(),
  store: z.enum(DATA_KEYS).optional(),
  skip_if_known: z.enum(DATA_KEYS).optional(),
  request: z.enum(['contact', 'location']).optional(),
  choices: z.array(z.strictObject({ value: z.string(), label: z.string(), next: z.string().optional() })).optional(),
  choices_from: z.enum(['categories']).optional(),
  min: z.number().int().min(0).optional(),
  max_retries: z.number().int().min(1).max(10).optional(),
  on_yes: z.string().optional(),
  /** A confirm step's answer no; an action step's outcome no (nothing found, could not be done). */
  on_no: z.string().optional(),
  action: z.enum(ACTIONS).optional(),
  next: z.string().optional(),
  end: z.boolean().optional(),
});

export type FlowStep = z.infer<typeof stepSchema>;

const oneShotSchema = z.strictObject({
  /** The facts a report must have; each is the `store` of an ask step, whose validation it reuses. */
  facts: z.array(z.enum(DATA_KEYS)).min(1),
  /** Said before going on, once every fact is there. */
  summary: z.string().optional(),
  /** Where the flow goes on once every fact is there (e.g. the step that opens the ticket). */
  then: z.string(),
});

const flowSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9_]+$/),
  start: z.string(),
  steps: z.array(stepSchema).min(1),
  /** Channels where a report arrives in one piece (email) take the facts from it and ask for the missing ones in one reply. */
  one_shot: oneShotSchema.optional(),
});

export type OneShot = z.infer<typeof oneShotSchema>;

export interface Flow {
  readonly id: string;
  readonly start: string;
  readonly steps: readonly FlowStep[];
  readonly one_shot?: OneShot;
  step(id: string): FlowStep;
  /** The ask step that stores a fact. */
  storing(key: OneShot['facts'][number]): FlowStep | undefined;
  /** The step that follows `id` when it names no other. */
  after(id: string): FlowStep | undefined;
}

export function loadFlows(dir: string, texts: Texts): Map<string, Flow> {
  const flows = new Map<string, Flow>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const path = join(dir, file);
    const parsed = flowSchema.safeParse(parse(readFileSync(path, 'utf8')));
    if (!parsed.success) {
      throw new Error(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    const problems = checkFlow(parsed.data, texts);
    if (problems.length > 0) throw new Error(`${path}: ${problems.join('; ')}`);
    flows.set(parsed.data.id, makeFlow(parsed.data));
  }
  return flows;
}

function makeFlow(def: z.infer<typeof flowSchema>): Flow {
  const byId = new Map(def.steps.map((s, i) => [s.id, i]));
  return {
    ...def,
    step(id) {
      const step = def.steps[byId.get(id) ?? -1];
      if (!step) throw new Error(`flow ${def.id} has no step "${id}"`);
      return step;
    },
    storing(key) {
      return def.steps.find((s) => s.ask !== undefined && s.store === key);
    },
    after(id) {
      const index = byId.get(id);
      return index === undefined ? undefined : def.steps[index + 1];
    },
  };
}

function checkFlow(def: z.infer<typeof flowSchema>, texts: Texts): string[] {
  const ids = new Set(def.steps.map((s) => s.id));
  const problems: string[] = [];
  const target = (from: string, to: string | undefined) => {
    if (to !== undefined && !ids.has(to)) problems.push(`step ${from} leads to unknown step "${to}"`);
  };
  const text = (from: string, key: string | undefined) => {
    if (key !== undefined && !texts.has(key)) problems.push(`step ${from} uses unknown text "${key}"`);
  };
  target('start', def.start);
  for (const s of def.steps) {
    [s.next, s.on_yes, s.on_no, ...(s.choices ?? []).map((c) => c.next)].forEach((t) => { target(s.id, t); });
    [s.say, s.text, s.retry, ...(s.choices ?? []).map((c) => c.label)].forEach((k) => { text(s.id, k); });
    if ((s.ask === undefined ? 0 : 1) + (s.action === undefined ? 0 : 1) > 1) problems.push(`step ${s.id} both asks and acts`);
    if (s.ask === 'choice' && !s.choices && !s.choices_from) problems.push(`step ${s.id} asks a choice without choices`);
  }
  if (def.one_shot) {
    const { facts, summary, then } = def.one_shot;
    target('one_shot', then);
    text('one_shot', summary);
    for (const fact of facts) {
      if (!def.steps.some((s) => s.ask !== undefined && s.store === fact)) problems.push(`one_shot fact "${fact}" is stored by no ask step`);
    }
  }
  return problems;
}
