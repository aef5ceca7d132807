// Who the actors of a ticket's history, notes, thread and audit trail are, so the UI
// can say "Siti (Admin Pusat)" instead of `operator:siti`. Only names, roles and
// agencies: nothing an operator of any role may not know about a colleague.
import type { OperatorStore } from '../storage/operator-store.js';
import type { OperatorRole } from './auth/roles.js';

export interface Person {
  readonly name: string;
  readonly role: OperatorRole;
  readonly agency?: string;
}

/** The username in an actor or author string: `operator:siti`, `agency:DPUPR/budi`, `login:siti`. */
export function usernameOf(actor: string): string | undefined {
  const match = /^(?:operator|login):(.+)$/.exec(actor) ?? /^agency:[^/]+\/(.+)$/.exec(actor);
  return match?.[1];
}

export async function peopleOf(operators: OperatorStore, actors: Iterable<string>): Promise<Record<string, Person>> {
  const wanted = new Set([...actors].map(usernameOf).filter((u): u is string => u !== undefined));
  if (wanted.size === 0) return {};
  const people: Record<string, Person> = {};
  for (const o of await operators.list()) {
    if (wanted.has(o._id)) people[o._id] = { name: o.name, role: o.role, ...(o.agency ? { agency: o.agency } : {}) };
  }
  return people;
}
