// Least privilege for reporters' personal data (UU PDP 27/2022, issue 17 item 4):
// the roles named in `privacy.maskRoles` (agency operators and supervisors by
// default) see a reporter's or follower's phone, email, address and channel
// account masked. The name stays: an operator needs it to address the citizen.
// Pure functions; the reveal (audited) is routes/privacy.ts.
import type { Config } from '../config/schema.js';
import type { Follower, Reporter } from '../tickets/model.js';
import type { Operator } from './auth/roles.js';

export const PERSONAL_FIELDS = ['phone', 'email', 'address', 'channelUserId'] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

const DOT = '•';

/** Whether this operator sees personal fields masked. */
export const masksFor = (config: Pick<Config, 'privacy'>, operator: Pick<Operator, 'role'>): boolean => config.privacy.maskRoles.includes(operator.role);

/** `+6281234567678` → `0812•••••678`: the prefix says the operator, the last digits tell two numbers apart, nothing dials. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  const local = digits.startsWith('62') ? `0${digits.slice(2)}` : digits;
  if (local.length < 8) return DOT.repeat(5);
  return `${local.slice(0, 4)}${DOT.repeat(5)}${local.slice(-3)}`;
}

/** `dewi.lestari@warga.example` → `d•••@warga.example`: a mail provider is no one's identity. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return DOT.repeat(3);
  return `${email.slice(0, 1)}${DOT.repeat(3)}${email.slice(at)}`;
}

/** `Jl. Melati No. 5, RT 02` → `Jl.•••`: enough to see that one was given, not where the citizen lives. */
export function maskAddress(address: string): string {
  const first = address.trim().split(/\s+/)[0] ?? '';
  return `${first.slice(0, 12)}${DOT.repeat(3)}`;
}

/** A channel account: a WhatsApp id is the phone number, an email channel's is the address. */
export function maskChannelUserId(id: string): string {
  if (id.includes('@')) return maskEmail(id);
  if (/^\+?\d{8,}$/.test(id)) return maskPhone(id);
  return `${id.slice(0, 2)}${DOT.repeat(3)}`;
}

const MASKS: Readonly<Record<PersonalField, (value: string) => string>> = { phone: maskPhone, email: maskEmail, address: maskAddress, channelUserId: maskChannelUserId };

export const maskField = (field: PersonalField, value: string): string => MASKS[field](value);

/** The reporter (or a follower's contact fields) with every personal field present masked. */
export function maskPerson<T extends Pick<Reporter, PersonalField>>(person: T): T {
  const masked = { ...person };
  for (const field of PERSONAL_FIELDS) {
    const value = person[field];
    if (value !== undefined && value !== '') masked[field] = maskField(field, value);
  }
  return masked;
}

/** What a read shows of the people behind a ticket: `name` always, the rest only when unmasked. */
export const fieldsRead = (masked: boolean): readonly string[] => (masked ? ['name'] : ['name', 'phone', 'email', 'address']);

/** Whose data a ticket carries: the reporter and each follower. */
export type PersonOnTicket = Pick<Reporter, 'name' | PersonalField> & { channel: string };
export const peopleOnTicket = (ticket: { channel: string; reporter: Reporter; followers?: readonly Follower[] }): PersonOnTicket[] => [
  { channel: ticket.channel, ...ticket.reporter },
  ...(ticket.followers ?? []).map((f) => ({ channel: f.channel, ...(f.name ? { name: f.name } : {}), ...(f.phone ? { phone: f.phone } : {}), ...(f.email ? { email: f.email } : {}), ...(f.address ? { address: f.address } : {}), ...(f.channelUserId ? { channelUserId: f.channelUserId } : {}) })),
];
