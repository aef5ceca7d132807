// Labels and macros (issue 15 item 9): a label is added and removed in one
// update that leaves the version alone, is audited and filters the list within
// the operator's scope; a macro runs its action first, then its reply and
// labels, sends nothing when the action is refused, and acts once per key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp } from '../support/inbox.js';
import { WebchatCitizen } from '../support/webchat.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let admin: OperatorSession;
let dpupr: OperatorSession;
let dlh: OperatorSession;

interface Detail { number: string; version: number; status: string; agency: string | null; labels: string[]; thread: { direction: string; text: string; author: string }[]; history: { action: string }[] }
interface Audit { entries: { action: string; detail?: Record<string, unknown> }[] }
interface List { tickets: { number: string; labels: string[] }[]; total: number }

const complaint = { channel: 'phone', reporter: { name: 'Pak Darto' }, category: 'jalan_rusak', description: 'Jalan berlubang di depan pasar' };

interface Run { status: number; body: { done: string[]; ticket: Detail; code?: string }; replayed: string | null }

async function withKey(session: OperatorSession, path: string, body: unknown, key: string): Promise<Run> {
  const r = await fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: session.cookie ?? '', 'x-csrf-token': session.csrf ?? '', 'idempotency-key': key }, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as Run['body'], replayed: r.headers.get('idempotent-replayed') };
}

async function webTicket(name: string): Promise<{ citizen: WebchatCitizen; number: string }> {
  const citizen = new WebchatCitizen(app.url);
  const number = await citizen.report({ name, phone: '081299990000', address: 'Jl. Anggrek 7', category: 'Drainase / banjir', description: 'Selokan meluap setiap hujan' });
  return { citizen, number };
}

beforeAll(async () => {
  app = await startInboxApp(db);
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  dpupr = await OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1');
  dlh = await OperatorSession.login(app.url, 'dlh.sari', 'password-dlh-01');
});
afterAll(async () => { await app.stop(); });

describe('labels', () => {
  it('are added and removed without a version bump, audited, and filter the list within the scope', async () => {
    const ticket = (await admin.post<Detail>('/api/tickets', complaint)).body;
    expect(ticket.labels).toEqual([]);
    const added = await dpupr.post<{ labels: string[] }>(`/api/tickets/${ticket.number}/labels`, { labels: ['mendesak', 'berulang'] });
    expect(added.status).toBe(200);
    expect(added.body.labels).toEqual(['mendesak', 'berulang']);
    const again = await dpupr.post<{ labels: string[] }>(`/api/tickets/${ticket.number}/labels`, { labels: ['mendesak'] });
    expect(again.body.labels).toEqual(['mendesak', 'berulang']);
    const detail = (await admin.get<Detail>(`/api/tickets/${ticket.number}`)).body;
    expect(detail).toMatchObject({ labels: ['mendesak', 'berulang'], version: ticket.version });

    // A colleague's transition with the version seen before the label still goes through.
    const responded = await admin.post<Detail>(`/api/tickets/${ticket.number}/transitions`, { to: 'respond', expectedVersion: ticket.version });
    expect(responded.status).toBe(200);

    // Not a label from the list: refused.
    const unknown = await admin.post(`/api/tickets/${ticket.number}/labels`, { labels: ['apa-saja'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'validation', details: { issues: [{ field: 'labels', problem: 'unknown' }] } });
    // A supervisor reads only.
    await admin.post('/api/operators', { username: 'kabid2', name: 'Kabid 2', role: 'supervisor', password: 'password-kabid-2' });
    const kabid = await OperatorSession.login(app.url, 'kabid2', 'password-kabid-2');
    expect((await kabid.post(`/api/tickets/${ticket.number}/labels`, { labels: ['mendesak'] })).status).toBe(403);

    // The list filter: the admin and DPUPR find it, DLH does not (not its ticket), nor may it label it.
    const other = (await admin.post<Detail>('/api/tickets', complaint)).body;
    const byAdmin = (await admin.get<List>('/api/tickets?label=mendesak')).body;
    expect(byAdmin.tickets.map((t) => t.number)).toContain(ticket.number);
    expect(byAdmin.tickets.map((t) => t.number)).not.toContain(other.number);
    expect(byAdmin.tickets.find((t) => t.number === ticket.number)?.labels).toEqual(['mendesak', 'berulang']);
    expect((await dpupr.get<List>('/api/tickets?label=mendesak')).body.tickets.map((t) => t.number)).toContain(ticket.number);
    expect((await dlh.get<List>('/api/tickets?label=mendesak')).body).toMatchObject({ tickets: [], total: 0 });
    expect((await dlh.post(`/api/tickets/${ticket.number}/labels`, { labels: ['mendesak'] })).status).toBe(404);

    const removed = await dpupr.request<{ labels: string[] }>('DELETE', `/api/tickets/${ticket.number}/labels/mendesak`);
    expect(removed.body.labels).toEqual(['berulang']);
    expect((await admin.get<List>('/api/tickets?label=mendesak')).body.tickets.map((t) => t.number)).not.toContain(ticket.number);
    const after = (await admin.get<Detail>(`/api/tickets/${ticket.number}`)).body;
    expect(after.version).toBe(responded.body.version);

    const audit = (await admin.get<Audit>(`/api/audit?ticket=${ticket.number}`)).body.entries;
    expect(audit.filter((e) => e.action === 'label_add').map((e) => e.detail?.labels)).toEqual(expect.arrayContaining(['mendesak, berulang', 'mendesak']));
    expect(audit.find((e) => e.action === 'label_remove')?.detail).toMatchObject({ labels: 'mendesak' });
  });
});

describe('macros', () => {
  it('are offered only with actions the role may take', async () => {
    const forAdmin = (await admin.get<{ macros: { id: string }[]; labels: { code: string }[] }>('/api/macros')).body;
    expect(forAdmin.macros.map((m) => m.id)).toEqual(['minta-foto', 'tanggapi', 'teruskan-lapor']);
    expect(forAdmin.labels.map((l) => l.code)).toContain('perlu-foto');
    const forAgency = (await dpupr.get<{ macros: { id: string }[] }>('/api/macros')).body;
    expect(forAgency.macros.map((m) => m.id)).toEqual(['minta-foto', 'tanggapi']);
  });

  it('reply + respond: the reply is in the thread and the ticket in progress', async () => {
    const { citizen, number } = await webTicket('Dewi Lestari');
    const before = (await admin.get<Detail>(`/api/tickets/${number}`)).body;
    expect(before.status).toBe('open');
    const run = await withKey(admin, `/api/tickets/${number}/macros/tanggapi`, { expectedVersion: before.version }, 'macro-tanggapi-0001');
    expect(run.status).toBe(200);
    expect(run.body.done).toEqual(['action', 'reply']);
    expect(run.body.ticket.status).toBe('in_progress');
    // The status notice of "respond" may be recorded just before or after the reply: find the operator's message.
    const sent = run.body.ticket.thread.find((m) => m.author === 'operator:admin');
    expect(sent).toMatchObject({ direction: 'out' });
    expect(sent?.text).toContain(`Terima kasih Dewi Lestari, laporan ${number} sedang ditindaklanjuti`);
    // The status notice of "respond", then the operator's reply.
    const messages = await citizen.poll();
    expect(messages.some((m) => m.text.includes(`Terima kasih Dewi Lestari, laporan ${number} sedang ditindaklanjuti oleh petugas`))).toBe(true);

    // A double click (the same key): acts once.
    const twice = await withKey(admin, `/api/tickets/${number}/macros/tanggapi`, { expectedVersion: before.version }, 'macro-tanggapi-0001');
    expect(twice.status).toBe(200);
    expect(twice.replayed).toBe('true');
    const after = (await admin.get<Detail>(`/api/tickets/${number}`)).body;
    expect(after.thread.filter((m) => m.author === 'operator:admin')).toHaveLength(1);
    expect(after.history.filter((h) => h.action === 'respond')).toHaveLength(1);
    const audit = (await admin.get<Audit>(`/api/audit?ticket=${number}`)).body.entries;
    expect(audit.filter((e) => e.action === 'reply')).toHaveLength(1);
    expect(audit.find((e) => e.action === 'transition')?.detail).toMatchObject({ action: 'respond', macro: 'tanggapi' });
  });

  it('a refused action sends no reply and adds no label, and says why', async () => {
    const { number } = await webTicket('Tono');
    const ticket = (await admin.get<Detail>(`/api/tickets/${number}`)).body;
    await admin.post(`/api/tickets/${number}/transitions`, { to: 'respond' });
    // Forward is only from "open": the ticket is in progress now.
    const refused = await withKey(admin, `/api/tickets/${number}/macros/teruskan-lapor`, {}, 'macro-teruskan-0001');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'transition_not_allowed', details: { action: 'forward', status: 'in_progress' } });
    // An agency operator may not forward at all.
    const agency = await withKey(dpupr, `/api/tickets/${number}/macros/teruskan-lapor`, {}, 'macro-teruskan-0002');
    expect(agency.status).toBe(403);
    expect(agency.body).toMatchObject({ code: 'forbidden', details: { action: 'forward' } });
    // A stale version: refused before anything is sent.
    const stale = await withKey(admin, `/api/tickets/${number}/macros/tanggapi`, { expectedVersion: ticket.version }, 'macro-tanggapi-0002');
    expect(stale.status).toBe(409);
    const after = (await admin.get<Detail>(`/api/tickets/${number}`)).body;
    expect(after.thread.filter((m) => m.author.startsWith('operator:'))).toEqual([]);
    expect(after.labels).toEqual([]);
    const audit = (await admin.get<Audit>(`/api/audit?ticket=${number}`)).body.entries;
    expect(audit.filter((e) => e.action === 'reply' || e.action === 'label_add')).toEqual([]);
  });

  it('reply + labels without an action, for an agency operator', async () => {
    const { number } = await webTicket('Sari');
    const run = await withKey(dpupr, `/api/tickets/${number}/macros/minta-foto`, {}, 'macro-minta-foto-01');
    expect(run.status).toBe(200);
    expect(run.body.done).toEqual(['reply', 'labels']);
    expect(run.body.ticket).toMatchObject({ status: 'open', labels: ['perlu-foto'] });
  });
});
