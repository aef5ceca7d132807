// The inbox API from the browser: the session cookie goes along by itself,
// the CSRF token is added to every change.
let csrfToken: string | null = null;

export const setCsrf = (token: string | null): void => { csrfToken = token; };

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined && !(body instanceof FormData)) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) init.body = body instanceof FormData ? body : JSON.stringify(body);
  const response = await fetch(path, init);
  const data = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
  if (!response.ok) throw new ApiError(response.status, data.error ?? 'error', data.message ?? response.statusText);
  return data as T;
}

export interface Me {
  operator: { username: string; name: string; role: 'admin' | 'agency' | 'supervisor'; agency?: string; permissions: string[]; transitions: string[] };
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
  createdAt: string;
  version: number;
}

export interface Photo { url: string; contentType: string }

export interface ThreadMessage {
  id: string;
  direction: 'in' | 'out';
  at: string;
  text: string;
  author: string;
  photos: Photo[];
  location?: { latitude: number; longitude: number; address?: string };
  delivery?: string;
  error?: string;
}

export interface TicketDetail extends TicketRow {
  reporter: { name?: string; phone?: string; email?: string; address?: string };
  location: { latitude?: number; longitude?: number; address?: string } | null;
  photos: Photo[];
  result: { text: string; at: string; by: string; photos: Photo[] } | null;
  history: { at: string; actor: string; action: string; from: string | null; to: string; note?: string }[];
  notes: { at: string; author: string; text: string }[];
  thread: ThreadMessage[];
  canReply: boolean;
  actions: string[];
  forwardedTo: string | null;
}
