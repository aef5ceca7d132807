// "Safe actions" (issue 15 item 3): a transfer to the ticket's own agency is refused
// instead of sending the agency's progress back to "Menunggu tanggapan", and an
// action sent twice with one Idempotency-Key (a double click) acts once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp } from '../support/inbox.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let admin: OperatorSession;
let dpupr: OperatorSession;

interface Detail { number: string; version: number; status: string; agency: string | null; history: { action: string; from: string | null; to: string }[]; notes: { text: string }[] }
interface Audit { entries: { action: string; detail?: Record<string, unknown> }[] }

const complaint = { channel: 'phone', reporter: { name: 'Pak Darto' }, category: 'jalan_rusak', description: 'Jalan berlubang di depan pasar' };

beforeAll(async () => {
  app = await startInboxApp(db);
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  dpupr = await OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1');
});
afterAll(async () => { await app.stop(); });

describe('a transfer to the ticket\'s own agency', () => {
  it('is refused, and an in-progress ticket stays in progress with its deadline', async () => {
    const ticket = (await admin.post<Detail>('/api/tickets', complaint)).body;
    const taken = (await dpupr.post<Detail>(`/api/tickets/${ticket.number}/transitions`, { to: 'respond' })).body;
    expect(taken.status).toBe('in_progress');
    const before = await db.connection.collection<{ version: number; due: Record<string, Date> }>('tickets').findOne({ _id: ticket.number as never });

    const same = await admin.post(`/api/tickets/${ticket.number}/assign`, { agency: 'DPUPR', expectedVersion: taken.version });
    expect(same.status).toBe(409);
    expect(same.body).toMatchObject({ code: 'same_agency', details: { action: 'route' } });
    const viaTransitions = await admin.post(`/api/tickets/${ticket.number}/transitions`, { to: 'route', agency: 'DPUPR' });
    expect(viaTransitions.body).toMatchObject({ code: 'same_agency' });

    const after = await db.connection.collection<{ version: number; due: Record<string, Date> }>('tickets').findOne({ _id: ticket.number as never });
    expect(after).toMatchObject({ status: 'in_progress', version: before?.version, due: before?.due });
    const audit = await admin.get<Audit>(`/api/audit?ticket=${ticket.number}`);
    expect(audit.body.entries.filter((e) => e.action === 'assign')).toEqual([]);
    // Another agency is still a transfer.
    expect((await admin.post<Detail>(`/api/tickets/${ticket.number}/assign`, { agency: 'DISHUB' })).body).toMatchObject({ status: 'open', agency: 'DISHUB' });
  });
});

describe('an action sent twice with one Idempotency-Key', () => {
  const send = async (session: OperatorSession, path: string, body: unknown, key: string) => {
    const response = await fetch(`${app.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: session.cookie ?? '', 'x-csrf-token': session.csrf ?? '', 'idempotency-key': key },
      body: JSON.stringify(body),
    });
    return { status: response.status, replayed: response.headers.get('idempotent-replayed'), body: (await response.json()) as Detail & { code?: string } };
  };

  it('acts once when both arrive together (a double click), and both get the same answer', async () => {
    const ticket = (await admin.post<Detail>('/api/tickets', complaint)).body;
    const note = { text: 'Sudah ditelepon balik' };
    const [a, b] = await Promise.all([send(admin, `/api/tickets/${ticket.number}/notes`, note, 'klik-ganda-0001'), send(admin, `/api/tickets/${ticket.number}/notes`, note, 'klik-ganda-0001')]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body).toEqual(b.body);
    expect([a.replayed, b.replayed].sort()).toEqual([null, 'true']);
    expect((await admin.get<Detail>(`/api/tickets/${ticket.number}`)).body.notes.map((n) => n.text)).toEqual(['Sudah ditelepon balik']);

    const reject = { to: 'reject', note: 'Laporan ganda', expectedVersion: ticket.version };
    const both = await Promise.all([send(admin, `/api/tickets/${ticket.number}/transitions`, reject, 'tolak-0000002'), send(admin, `/api/tickets/${ticket.number}/transitions`, reject, 'tolak-0000002')]);
    // Without the key the second would be a 409 (stale version); with it, the first answer twice.
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(both.map((r) => r.body.status)).toEqual(['rejected', 'rejected']);
    const detail = (await admin.get<Detail>(`/api/tickets/${ticket.number}`)).body;
    expect(detail.history.filter((h) => h.action === 'reject')).toHaveLength(1);
    const audit = await admin.get<Audit>(`/api/audit?ticket=${ticket.number}`);
    expect(audit.body.entries.filter((e) => e.action === 'transition')).toHaveLength(1);
    expect(audit.body.entries.filter((e) => e.action === 'note')).toHaveLength(1);
  });

  it('replays a refusal too, acts again for a new key, and refuses the key on another request or in a bad form', async () => {
    const ticket = (await admin.post<Detail>('/api/tickets', complaint)).body;
    const first = await send(admin, `/api/tickets/${ticket.number}/assign`, { agency: 'DPUPR' }, 'alih-00000003');
    const again = await send(admin, `/api/tickets/${ticket.number}/assign`, { agency: 'DPUPR' }, 'alih-00000003');
    expect([first.status, again.status, again.replayed]).toEqual([409, 409, 'true']);
    expect(again.body.code).toBe('same_agency');
    expect((await send(admin, `/api/tickets/${ticket.number}/notes`, { text: 'x' }, 'alih-00000003')).body.code).toBe('idempotency_key_reused');
    expect((await send(admin, `/api/tickets/${ticket.number}/notes`, { text: 'x' }, 'pendek')).body.code).toBe('validation');
    // One operator's key is not another's.
    const budi = await send(dpupr, `/api/tickets/${ticket.number}/notes`, { text: 'Dari Budi' }, 'catatan-000004');
    const own = await send(admin, `/api/tickets/${ticket.number}/notes`, { text: 'Dari admin' }, 'catatan-000004');
    expect([budi.status, own.status, own.replayed]).toEqual([201, 201, null]);
    expect(own.body.notes.map((n) => n.text)).toEqual(['Dari Budi', 'Dari admin']);
  });

  it('forgets a key after inbox.idempotencyTtl', async () => {
    const short = await startInboxApp(db, (c) => { c.inbox.idempotencyTtl = 300; });
    try {
      const session = await OperatorSession.login(short.url, ADMIN.username, ADMIN.password);
      const ticket = (await session.post<Detail>('/api/tickets', complaint)).body;
      const post = () => fetch(`${short.url}/api/tickets/${ticket.number}/notes`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: session.cookie ?? '', 'x-csrf-token': session.csrf ?? '', 'idempotency-key': 'lama-00000005' }, body: JSON.stringify({ text: 'Catatan' }) });
      expect((await post()).headers.get('idempotent-replayed')).toBeNull();
      expect((await post()).headers.get('idempotent-replayed')).toBe('true');
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect((await post()).headers.get('idempotent-replayed')).toBeNull();
      expect((await session.get<Detail>(`/api/tickets/${ticket.number}`)).body.notes).toHaveLength(2);
    } finally {
      await short.stop();
    }
  });
});
