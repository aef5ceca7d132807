// The inbox API from the browser: the session cookie goes along by itself,
// the CSRF token is added to every change.
import type { Deadline } from './deadline.js';
import type { HistoryEntry, People } from './words.js';

let csrfToken: string | null = null;

export const setCsrf = (token: string | null): void => { csrfToken = token; };

/** A refusal of the API: its stable `code` and `details`, which errors.ts turns into the operator's language. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details: Readonly<Record<string, unknown>> = {}) {
    super(message);
  }
}

/** `idempotencyKey`: the same key for every send of one operator action, so a double click acts once (see keys.ts). */
export async function api<T>(method: string, path: string, body?: unknown, options: { idempotencyKey?: string } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  if (body !== undefined && !(body instanceof FormData)) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) init.body = body instanceof FormData ? body : JSON.stringify(body);
  const response = await fetch(path, init);
  const data = (await response.json().catch(() => ({}))) as { error?: string; code?: string; message?: string; details?: Record<string, unknown> };
  if (!response.ok) throw new ApiError(response.status, data.code ?? data.error ?? (response.status >= 500 ? 'internal' : 'bad_request'), data.message ?? response.statusText, data.details);
  return data as T;
}

/** The operator roles (src/inbox/auth/roles.ts); `dpo`: the data protection officer (Pejabat PDP). */
export type Role = 'admin' | 'agency' | 'supervisor' | 'dpo';

export interface Me {
  /** `personalMasked`: citizens' contact is masked for this role (privacy.maskRoles) and the search skips it. */
  operator: { username: string; name: string; role: Role; agency?: string; permissions: string[]; transitions: string[]; personalMasked?: boolean };
  csrfToken: string | null;
}

export interface Localized { id: string; en?: string }

export interface Meta {
  city: string;
  categories: { code: string; name: Localized; agency: string | null }[];
  agencies: { code: string; name: string }[];
  forwarding: { code: string; name: string }[];
  canned: { id: string; title: Localized; text: Localized }[];
}

export interface TicketRow {
  number: string;
  status: string;
  channel: string;
  category: string;
  agency: string | null;
  reporterName: string | null;
  description: string;
  overdue: boolean;
  /** The agency's running deadline, if the ticket is at an agency's stage. */
  deadline: Deadline | null;
  /** The operator who works the ticket (a username; names in `people`). */
  owner: string | null;
  /** Label codes (config/macros.yaml); names and colours from GET /api/macros. */
  labels: string[];
  /** The reporter and the followers: "Dilaporkan oleh 3 warga". */
  citizens: number;
  /** Closed as the same problem as this ticket. */
  mergedInto: string | null;
  createdAt: string;
  version: number;
}

/** A citizen who follows a ticket besides its reporter (a merged ticket's reporter, a nearby duplicate). */
export interface FollowerView {
  /** Names them in POST …/followers/split. */
  key: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  address: string | null;
  channel: string;
  at: string;
  via: 'nearby' | 'merge';
  fromTicket: string | null;
  description: string | null;
  photos: Photo[];
  location: { latitude?: number; longitude?: number; address?: string } | null;
  /** The bot can write to them (not a phone or walk-in report). */
  reachable: boolean;
}

export interface Photo { url: string; contentType: string }

export interface ThreadMessage {
  id: string;
  direction: 'in' | 'out';
  at: string;
  text: string;
  author: string;
  photos: Photo[];
  /** A voice note the reporter sent, to listen to. */
  voice?: Photo;
  location?: { latitude: number; longitude: number; address?: string };
  delivery?: string;
  error?: string;
  /** Written by (or, going out, to) this follower rather than the reporter. */
  follower?: string;
}

export interface TicketDetail extends TicketRow {
  reporter: { name?: string; phone?: string; email?: string; address?: string };
  /** Your role sees the reporter's and followers' contact masked (privacy.maskRoles); "Tampilkan" reveals one value, audited. */
  personalMasked: boolean;
  /** Personal data removed after its retention period or on request; the texts read `[anonymised]`. */
  anonymisedAt: string | null;
  location: { latitude?: number; longitude?: number; address?: string } | null;
  photos: Photo[];
  result: { text: string; at: string; by: string; photos: Photo[] } | null;
  history: HistoryEntry[];
  /** The operators named in the history, notes, thread and result. */
  people: People;
  notes: { at: string; author: string; text: string }[];
  thread: ThreadMessage[];
  canReply: boolean;
  actions: string[];
  forwardedTo: string | null;
  followers: FollowerView[];
  /** The citizen's 1–5 rating after a confirmed close (`by`: reporter, or follower:<id>). */
  satisfaction: { score: number; at: string; by: string } | null;
}
