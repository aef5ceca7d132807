// The data protection officer's name for one person (issue 17 item 2): a phone number, an email address or one
// channel account, written as an opaque URL-safe key (`phone:+6281234567890`, `email:someone@example.org`,
// `telegram:123456`). Pure: the storage side expands a key to every identity of the person (person-data-store.ts).
import { normalisePhone } from '../conversation/phone.js';
import { CHANNELS, type Channel } from '../tickets/model.js';

/** Channels whose accounts a citizen has (phone, walk-in and Open311 tickets have no account, only contacts). */
export const ACCOUNT_CHANNELS = ['whatsapp', 'telegram', 'email', 'webchat'] as const satisfies readonly Channel[];

export type PersonQuery =
  | { readonly kind: 'phone'; readonly phone: string }
  | { readonly kind: 'email'; readonly email: string }
  | { readonly kind: 'identity'; readonly channel: Channel; readonly channelUserId: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX = 200;

export function formatPersonKey(query: PersonQuery): string {
  if (query.kind === 'phone') return `phone:${query.phone}`;
  if (query.kind === 'email') return `email:${query.email}`;
  return `${query.channel}:${query.channelUserId}`;
}

/** A key back to its query; undefined for anything this module did not write (a 404 for the caller). */
export function parsePersonKey(key: string): PersonQuery | undefined {
  if (key.length > MAX) return undefined;
  const colon = key.indexOf(':');
  if (colon <= 0) return undefined;
  const kind = key.slice(0, colon);
  const value = key.slice(colon + 1);
  if (value === '') return undefined;
  if (kind === 'phone') {
    const phone = normalisePhone(value);
    return phone === undefined ? undefined : { kind: 'phone', phone };
  }
  if (kind === 'email') return EMAIL.test(value) ? { kind: 'email', email: value.toLowerCase() } : undefined;
  if ((CHANNELS as readonly string[]).includes(kind)) return { kind: 'identity', channel: kind as Channel, channelUserId: kind === 'email' ? value.toLowerCase() : value };
  return undefined;
}

/**
 * What the DPO typed in the search box, as the queries it can mean: a phone in any usual spelling (0812…, +62 812-…,
 * 62812…), an email, a key (`telegram:123456`), or a bare account id (a Telegram number, a web chat id), which may be
 * on any channel. Empty when nothing can be made of it.
 */
export function queriesFromText(text: string): PersonQuery[] {
  const q = text.trim();
  if (q.length < 3 || q.length > MAX) return [];
  const key = parsePersonKey(q);
  if (key) return [key];
  if (EMAIL.test(q)) return [{ kind: 'email', email: q.toLowerCase() }];
  const queries: PersonQuery[] = [];
  const phone = normalisePhone(q);
  if (phone !== undefined) queries.push({ kind: 'phone', phone });
  // A number may also be a Telegram account, a WhatsApp id without its +; anything else a web chat id.
  if (!/\s/.test(q) && phone === undefined) for (const channel of ACCOUNT_CHANNELS) if (channel !== 'email') queries.push({ kind: 'identity', channel, channelUserId: q });
  return queries;
}

/** The WhatsApp account of a phone number (its id is the number without the +), and back. */
export const whatsappIdOf = (phone: string): string => phone.replace(/^\+/, '');
export const phoneOfWhatsappId = (id: string): string | undefined => normalisePhone(`+${id}`);

/** A file-name-safe form of a key (the export's name): `telegram-123456`. */
export const safeKey = (key: string): string => key.replace(/[^A-Za-z0-9.+-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
