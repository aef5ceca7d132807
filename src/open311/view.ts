// What an Open311 client sees: configured categories as services, and a
// ticket as a service request. Pure functions over configuration and the
// public fields of a ticket (src/storage/open311-store.ts reads no others).
// No personal data: never the reporter's name, phone, email or address, nor
// the description they wrote (it often names people and houses), nor photos;
// the location rounded to 3 decimals (about 100 m), like the public map.
import type { Config } from '../config/schema.js';
import type { PublicTicket } from '../storage/open311-store.js';
import { addSlaTime } from '../tickets/calendar.js';
import type { TicketStatus } from '../tickets/model.js';

export type Open311Config = Pick<Config, 'categories' | 'agencies' | 'forwarding' | 'sla'> & { readonly city: Pick<Config['city'], 'timezone' | 'locale'> };

/** A text from flows/locales in the answer's language. */
export type Say = (key: string, vars?: Readonly<Record<string, string>>) => string;

export type Open311Status = 'open' | 'closed';

/** Open while the city still works on it; closed once the agency's work was validated, or it left the city's hands. */
export const OPEN311_STATUS: Readonly<Record<TicketStatus, Open311Status>> = {
  open: 'open',
  in_progress: 'open',
  resolved: 'closed',
  closed: 'closed',
  forwarded: 'closed',
  rejected: 'closed',
};

export const statusesOf = (status: Open311Status): TicketStatus[] => (Object.keys(OPEN311_STATUS) as TicketStatus[]).filter((s) => OPEN311_STATUS[s] === status);

export interface ServiceView {
  service_code: string;
  service_name: string;
  description: string;
  metadata: false;
  type: 'realtime';
  keywords: string;
  group: string;
}

export interface RequestView {
  service_request_id: string;
  status: Open311Status;
  status_notes: string;
  service_name: string;
  service_code: string;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  lat: number | null;
  long: number | null;
}

/** W3C datetime without milliseconds, in UTC. */
export const w3c = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

const agencyName = (config: Open311Config, code: string | undefined): string | undefined => config.agencies.find((a) => a.code === code)?.name;
const channelName = (config: Open311Config, key: string | undefined): string | undefined => (key === undefined ? undefined : (config.forwarding[key]?.name ?? key));

/** Every configured category, in the asked language (the city's by default). */
export function serviceViews(config: Open311Config, locale: 'id' | 'en', say: Say): ServiceView[] {
  return config.categories.map((c) => serviceView(config, c.code, locale, say)).filter((s): s is ServiceView => s !== undefined);
}

export function serviceView(config: Open311Config, code: string, locale: 'id' | 'en', say: Say): ServiceView | undefined {
  const category = config.categories.find((c) => c.code === code);
  if (!category) return undefined;
  const agency = agencyName(config, category.agency);
  const channel = channelName(config, category.forwardTo);
  const group = agency ?? channel ?? '';
  return {
    service_code: category.code,
    service_name: category.name[locale] ?? category.name.id,
    description: agency ? say('open311.service.handled_by', { agency }) : say('open311.service.forwarded', { channel: channel ?? '' }),
    metadata: false,
    type: 'realtime',
    keywords: category.keywords.join(','),
    group,
  };
}

const round3 = (n: number | undefined): number | null => (n === undefined ? null : Math.round(n * 1_000) / 1_000);

/**
 * When the request is expected to be done: the follow-up deadline once the agency has taken it up; while it
 * waits for the first response, the follow-up deadline it would get if taken up at the last moment. None once
 * the agency's work is over.
 */
export function expectedAt(ticket: Pick<PublicTicket, 'deadline'>, config: Open311Config): Date | undefined {
  const { deadline } = ticket;
  if (!deadline) return undefined;
  if (deadline.kind === 'followUp') return deadline.at;
  return addSlaTime(deadline.at, config.sla.followUp, config.sla.calendar, config.city.timezone);
}

export function statusNotes(ticket: PublicTicket, config: Open311Config, say: Say): string {
  const agency = agencyName(config, ticket.agency) ?? ticket.agency ?? '';
  switch (ticket.status) {
    case 'closed':
      if (ticket.closeReason === 'merged') return say('open311.status_notes.merged', { number: ticket.mergedInto ?? '' });
      return say(ticket.closeReason === 'no_confirmation' ? 'open311.status_notes.closed_unconfirmed' : 'open311.status_notes.closed', { agency });
    case 'forwarded':
      return say('open311.status_notes.forwarded', { channel: channelName(config, ticket.forwardedTo) ?? '' });
    default:
      return say(`open311.status_notes.${ticket.status}`, { agency });
  }
}

export function requestView(ticket: PublicTicket, config: Open311Config, locale: 'id' | 'en', say: Say): RequestView {
  const category = config.categories.find((c) => c.code === ticket.category);
  const expected = expectedAt(ticket, config);
  // The last step of the life cycle, not `updatedAt` (which also moves when a job takes a deadline or a label is added).
  const updated = ticket.history.at(-1)?.at ?? ticket.updatedAt;
  return {
    service_request_id: ticket.number,
    status: OPEN311_STATUS[ticket.status],
    status_notes: statusNotes(ticket, config, say),
    service_name: category?.name[locale] ?? category?.name.id ?? ticket.category,
    service_code: ticket.category,
    agency_responsible: agencyName(config, ticket.agency) ?? channelName(config, ticket.forwardedTo) ?? null,
    service_notice: null,
    requested_datetime: w3c(ticket.createdAt),
    updated_datetime: w3c(updated),
    expected_datetime: expected ? w3c(expected) : null,
    lat: round3(ticket.location?.latitude),
    long: round3(ticket.location?.longitude),
  };
}
