// Incident aid (UU PDP 27/2022 art. 46: notice within 3×24 hours, issue 17 item 5):
// whose personal data one operator account read or revealed in a time window,
// per person, from the audit trail (`read_personal_data`, `view_reporter`,
// `reveal_personal_data`, `lookup_caller`, and the DPO's `privacy_view` and `privacy_export` of a person, whose
// entries name the tickets that person reported) and the tickets those entries name. `npm run pdp -- accessed`.
import type { AuditEntry, AuditStore } from '../storage/audit-store.js';
import type { Follower, Ticket } from '../tickets/model.js';
import { opaqueFollowerKey } from '../tickets/followers.js';

export const ACCESS_ACTIONS = ['read_personal_data', 'view_reporter', 'reveal_personal_data', 'lookup_caller', 'privacy_view', 'privacy_export'] as const;

/** At most this many audit entries are read for one report; more is said, not silently cut. */
export const ENTRY_LIMIT = 100_000;

export interface AccessedPerson {
  name: string;
  /** The channel the person reached the city on, and how to reach them for the notice. */
  channel: string;
  contact: string;
  tickets: string[];
  /** What of theirs was shown: `name`, `phone`, `email`, `address`, `channelUserId`. */
  fields: string[];
  first: Date;
  last: Date;
}

export interface AccessReport {
  people: AccessedPerson[];
  entries: number;
  /** The window held more entries than ENTRY_LIMIT: the report is incomplete. */
  truncated: boolean;
  /** Tickets named in the audit that no longer exist (deleted): their people cannot be listed. */
  missing: string[];
  /** Tickets read that hold no one's data now (anonymous, or removed since by retention): nobody to name or notify. */
  removed: string[];
}

interface Person { name?: string; phone?: string; email?: string; address?: string; channelUserId?: string; channel: string }

/** Whom a person is, across tickets: their channel account, else their phone, email, or name on that ticket. */
function personKey(p: Person, ticket: string): string {
  if (p.channelUserId) return `${p.channel}:${p.channelUserId}`;
  if (p.phone) return `phone:${p.phone}`;
  if (p.email) return `email:${p.email}`;
  return `ticket:${ticket}:${p.name ?? ''}`;
}

const followerPerson = (f: Follower): Person => ({ channel: f.channel, ...(f.name ? { name: f.name } : {}), ...(f.phone ? { phone: f.phone } : {}), ...(f.email ? { email: f.email } : {}), ...(f.address ? { address: f.address } : {}), ...(f.channelUserId ? { channelUserId: f.channelUserId } : {}) });

/** The people an entry exposed on one ticket, with the fields shown. */
function exposed(entry: AuditEntry, ticket: Ticket): { person: Person; fields: readonly string[] }[] {
  const detail = entry.detail ?? {};
  const reporter: Person = { channel: ticket.channel, ...ticket.reporter };
  const followers = (ticket.followers ?? []).map((f) => ({ follower: f, person: followerPerson(f) }));
  const fields = Array.isArray(detail.fields) ? detail.fields.filter((f): f is string => typeof f === 'string') : ['name', 'phone', 'email', 'address'];
  if (entry.action === 'reveal_personal_data') {
    const field = typeof detail.field === 'string' ? detail.field : 'unknown';
    if (detail.person === 'reporter' || detail.person === undefined) return [{ person: reporter, fields: ['name', field] }];
    const found = followers.find((f) => detail.person === `follower:${opaqueFollowerKey(f.follower)}`);
    return found ? [{ person: found.person, fields: ['name', field] }] : [];
  }
  // The ticket view shows the followers too; the panel, a list row and a CSV row only the reporter.
  const withFollowers = entry.action === 'read_personal_data' && detail.via === 'detail';
  return [reporter, ...(withFollowers ? followers.map((f) => f.person) : [])].map((person) => ({ person, fields }));
}

const ticketsOf = (entry: AuditEntry): string[] => {
  const listed = entry.detail?.tickets;
  if (Array.isArray(listed)) return listed.filter((t): t is string => typeof t === 'string');
  return entry.ticket ? [entry.ticket] : [];
};

export async function accessedBy(deps: { audit: AuditStore; ticket: (number: string) => Promise<Ticket | null> }, username: string, since: Date, until: Date): Promise<AccessReport> {
  const entries = await deps.audit.byActor(`operator:${username}`, ACCESS_ACTIONS, since, until, ENTRY_LIMIT + 1);
  const truncated = entries.length > ENTRY_LIMIT;
  const tickets = new Map<string, Ticket | null>();
  const people = new Map<string, AccessedPerson>();
  const removed = new Set<string>();
  for (const entry of entries.slice(0, ENTRY_LIMIT)) {
    for (const number of ticketsOf(entry)) {
      if (!tickets.has(number)) tickets.set(number, await deps.ticket(number));
      const ticket = tickets.get(number);
      if (!ticket) continue;
      for (const { person, fields } of exposed(entry, ticket)) {
        if (!person.name && !person.phone && !person.email && !person.channelUserId) { removed.add(number); continue; }
        const key = personKey(person, number);
        const known = people.get(key);
        const row = known ?? { name: person.name ?? '-', channel: person.channel, contact: person.phone ?? person.email ?? person.channelUserId ?? '-', tickets: [], fields: [], first: entry.at, last: entry.at };
        if (!row.tickets.includes(number)) row.tickets.push(number);
        for (const f of fields) if (!row.fields.includes(f)) row.fields.push(f);
        if (entry.at < row.first) row.first = entry.at;
        if (entry.at > row.last) row.last = entry.at;
        people.set(key, row);
      }
    }
  }
  const missing = [...tickets].filter(([, t]) => t === null).map(([n]) => n);
  return { people: [...people.values()].sort((a, b) => a.first.getTime() - b.first.getTime()), entries: Math.min(entries.length, ENTRY_LIMIT), truncated, missing, removed: [...removed] };
}
