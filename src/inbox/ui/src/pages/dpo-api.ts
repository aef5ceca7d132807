// The DPO's API (GET/POST /api/privacy/…, issue 17 item 2) as the page reads it. Person keys are opaque
// (`phone:+62…`, `email:…`, `telegram:123`) and always travel URL-encoded.
export interface Identity { channel: string; channelUserId: string }

export interface PrivacyPerson {
  key: string;
  name?: string;
  phone?: string;
  email?: string;
  address?: string;
  identities: Identity[];
  tickets: number;
  lastSeenAt?: string;
}

export type RequestKind = 'erase' | 'access' | 'correct';
export type RequestOutcome = 'erased' | 'exported' | 'corrected' | 'refused';
export const OUTCOMES: readonly RequestOutcome[] = ['erased', 'exported', 'corrected', 'refused'];

export interface DataRequest {
  reference: string;
  kind: RequestKind;
  status: 'open' | 'closed';
  channel: string;
  channelUserId: string;
  /** Empty once the account was erased: there is no one to open. */
  personKey: string;
  createdAt: string;
  closedAt?: string;
  outcome?: RequestOutcome;
  note?: string;
}

export interface PersonTicket { number: string; status: string; role: 'reporter' | 'follower'; category: string; agency?: string; createdAt: string; anonymisedAt?: string }

export interface PersonDetail {
  person: PrivacyPerson;
  tickets: PersonTicket[];
  requests: DataRequest[];
  counts: { messages: number; photos: number; audit: number };
}

/** `undelivered`: goodbyes to the citizen (their requests closed) still queued when their account was erased. */
export interface Erased { tickets: number; messages: number; photos: number; conversations: number; undelivered?: number }

export const personPath = (key: string): string => `/api/privacy/people/${encodeURIComponent(key)}`;
export const personHash = (key: string): string => `#/data-pribadi/${encodeURIComponent(key)}`;
