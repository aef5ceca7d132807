// Email threading. Every message we send gets a Message-ID that names what it
// is about (a reporter's conversation or an agency notice) and the ticket,
// so a reply is matched from its own headers without a look-up. Outlook and
// some webmails drop or rewrite In-Reply-To, so `[ADU-…]` in the subject is
// the fallback (as Zammad does).
import { createHash } from 'node:crypto';
import { findTicketNumber } from '../tickets/numbers.js';

/** `r`: to a reporter; `a`: a ticket notice to an agency. */
export type ThreadKind = 'r' | 'a';

export interface ThreadMatch {
  readonly kind: ThreadKind;
  readonly ticketNumber?: string;
}

/** The domain of the From address, for our Message-IDs. */
export function mailDomain(from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  const domain = address.split('@')[1]?.trim().toLowerCase();
  if (!domain || !/^[a-z0-9.-]+$/.test(domain)) throw new Error(`MAIL_FROM has no usable domain: expected an address like aduan@kota.go.id`);
  return domain;
}

/** The bare address of From, lower case. */
export function mailAddress(from: string): string {
  return (/<([^>]+)>/.exec(from)?.[1] ?? from).trim().toLowerCase();
}

/**
 * A Message-ID that is the same for the same outgoing message (`key`: the outbox
 * entry), so a retried send cannot thread as a different message.
 */
export function messageIdFor(kind: ThreadKind, ticketNumber: string | undefined, key: string, domain: string): string {
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 20);
  return `<aduan.${kind}.${ticketNumber?.toLowerCase() ?? 'none'}.${hash}@${domain}>`;
}

const OURS = /^<?aduan\.([ra])\.([a-z0-9-]+)\.[0-9a-f]+@([^>]+)>?$/i;

/**
 * What an incoming email answers: the newest of our Message-IDs in In-Reply-To
 * or References; else a ticket number in the subject.
 */
export function matchThread(headers: { inReplyTo?: string; references?: readonly string[]; subject?: string }, domain: string): ThreadMatch | undefined {
  const ids = [headers.inReplyTo, ...[...(headers.references ?? [])].reverse()].filter((id): id is string => id !== undefined);
  for (const id of ids) {
    const match = OURS.exec(id.trim());
    if (match?.[3]?.toLowerCase() !== domain) continue;
    const ticketNumber = match[2] === 'none' ? undefined : findTicketNumber(match[2] ?? '');
    return { kind: match[1]?.toLowerCase() === 'a' ? 'a' : 'r', ...(ticketNumber ? { ticketNumber } : {}) };
  }
  const inSubject = /\[([A-Za-z]{2,6}-\d{4}-\d{5,})\]/.exec(headers.subject ?? '')?.[1];
  return inSubject ? { kind: 'r', ticketNumber: inSubject.toUpperCase() } : undefined;
}

/** "Re: [ADU-2611-00042] Jalan berlubang" without piling up prefixes. */
export function replySubject(original: string | undefined, ticketNumber: string | undefined, fallback: string): string {
  let subject = (original ?? '').replace(/^\s*((re|aw|fw|fwd|balas|bls)\s*:\s*)+/i, '').trim();
  if (ticketNumber) subject = subject.replace(/\s*\[[A-Za-z]{2,6}-\d{4}-\d{5,}\]\s*/g, ' ').trim();
  const tagged = ticketNumber ? `[${ticketNumber}] ${subject || fallback}` : subject || fallback;
  return `Re: ${tagged}`.slice(0, 200);
}
