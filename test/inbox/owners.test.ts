// "Owners" (issue 15 item 1): a ticket has an owner besides its agency. An operator
// takes it ("Ambil") or hands it to a colleague of the same agency; two taking it at
// once cannot both have it; the queues Mine / Unassigned list by owner; a transfer
// to another agency clears it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp } from '../support/inbox.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let admin: OperatorSession;
let budi: OperatorSession;
let sinta: OperatorSession;
let sari: OperatorSession;
let kabid: OperatorSession;

interface Detail { number: string; version: number; owner: string | null; people: Record<string, { name: string }> }
interface List { tickets: { number: string; owner: string | null }[]; people: Record<string, { name: string }> }

const complaint = { channel: 'phone', reporter: { name: 'Pak Joko' }, category: 'jalan_rusak', description: 'Aspal mengelupas di Jl. Cempaka' };

beforeAll(async () => {
  app = await startInboxApp(db);
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  await admin.post('/api/operators', { username: 'dpupr.sinta', name: 'Sinta (DPUPR)', role: 'agency', agency: 'DPUPR', password: 'password-sinta-1' });
  [budi, sinta, sari, kabid] = await Promise.all([
    OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1'),
    OperatorSession.login(app.url, 'dpupr.sinta', 'password-sinta-1'),
    OperatorSession.login(app.url, 'dlh.sari', 'password-dlh-01'),
    OperatorSession.login(app.url, 'kabid', 'password-kabid-1'),
  ]);
});
afterAll(async () => { await app.stop(); });

describe('owners', () => {
  it('lets an agency operator take a ticket; a colleague taking it at the same moment is told who has it', async () => {
    const ticket = (await admin.post<Detail>('/api/tickets', complaint)).body;
    expect(ticket.owner).toBeNull();
    const [a, b] = await Promise.all([
      budi.post<Detail & { code?: string; details?: { owner: string } }>(`/api/tickets/${ticket.number}/take`, { expectedOwner: null }),
      sinta.post<Detail & { code?: string; details?: { owner: string } }>(`/api/tickets/${ticket.number}/take`, { expectedOwner: null }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const [won, lost] = a.status === 200 ? [a, b] : [b, a];
    expect(lost.body).toMatchObject({ code: 'owned_by_other', details: { owner: won.body.owner } });
    expect(won.body.people[won.body.owner ?? '']?.name).toMatch(/^(Budi|Sinta) \(DPUPR\)$/);
    // Ownership is not a life-cycle step: the version the screens hold stays valid.
    expect(won.body.version).toBe(ticket.version);
    const audit = await admin.get<{ entries: { action: string; detail?: Record<string, unknown> }[] }>(`/api/audit?ticket=${ticket.number}`);
    expect(audit.body.entries.filter((e) => e.action === 'take')).toEqual([expect.objectContaining({ detail: { from: null, to: won.body.owner } })]);
    expect((await admin.get<{ people: Record<string, unknown> }>(`/api/audit?ticket=${ticket.number}`)).body.people).toHaveProperty(won.body.owner ?? '');
  });

  it('hands a ticket to a colleague of the same agency only, and lists the queues by owner', async () => {
    const ticket = (await admin.post<Detail>('/api/tickets', complaint)).body;
    await budi.post(`/api/tickets/${ticket.number}/take`, {});
    const candidates = await budi.get<{ candidates: { username: string }[] }>(`/api/tickets/${ticket.number}/owners`);
    expect(candidates.body.candidates.map((c) => c.username).sort()).toEqual(['dpupr.budi', 'dpupr.sinta']);
    expect((await budi.post(`/api/tickets/${ticket.number}/owner`, { owner: 'dlh.sari' })).body).toMatchObject({ code: 'not_a_colleague' });
    expect((await budi.post(`/api/tickets/${ticket.number}/owner`, { owner: 'admin' })).body).toMatchObject({ code: 'not_a_colleague' });
    expect((await budi.post(`/api/tickets/${ticket.number}/owner`, { owner: 'kabid' })).body).toMatchObject({ code: 'not_a_colleague' });
    const handed = await budi.post<Detail>(`/api/tickets/${ticket.number}/owner`, { owner: 'dpupr.sinta', expectedOwner: 'dpupr.budi' });
    expect(handed.body.owner).toBe('dpupr.sinta');
    // A stale screen (it still showed Budi) does not hand it on again.
    expect((await budi.post(`/api/tickets/${ticket.number}/owner`, { owner: 'dpupr.budi', expectedOwner: 'dpupr.budi' })).body).toMatchObject({ code: 'owned_by_other', details: { owner: 'dpupr.sinta' } });

    const mine = await sinta.get<List>('/api/tickets?queue=mine&limit=100');
    expect(mine.body.tickets.map((t) => t.number)).toContain(ticket.number);
    expect(mine.body.tickets.every((t) => t.owner === 'dpupr.sinta')).toBe(true);
    expect(mine.body.people['dpupr.sinta']?.name).toBe('Sinta (DPUPR)');
    expect((await budi.get<List>('/api/tickets?queue=mine&limit=100')).body.tickets.map((t) => t.number)).not.toContain(ticket.number);
    const unassigned = await budi.get<List>('/api/tickets?queue=unassigned&limit=100');
    expect(unassigned.body.tickets.every((t) => t.owner === null)).toBe(true);
    expect(unassigned.body.tickets.map((t) => t.number)).not.toContain(ticket.number);

    // An admin may hand it to an admin; another agency's operator never sees it; a supervisor owns nothing.
    expect((await admin.post<Detail>(`/api/tickets/${ticket.number}/owner`, { owner: 'admin' })).body.owner).toBe('admin');
    expect((await sari.post(`/api/tickets/${ticket.number}/take`, {})).status).toBe(404);
    expect((await kabid.post(`/api/tickets/${ticket.number}/take`, {})).status).toBe(403);
    expect((await admin.post<Detail>(`/api/tickets/${ticket.number}/owner`, { owner: null })).body.owner).toBeNull();
  });

  it('clears the owner when the ticket moves to another agency', async () => {
    const ticket = (await admin.post<Detail>('/api/tickets', complaint)).body;
    await budi.post(`/api/tickets/${ticket.number}/take`, {});
    const moved = await admin.post<Detail>(`/api/tickets/${ticket.number}/assign`, { agency: 'DLH' });
    expect(moved.body.owner).toBeNull();
    expect((await sari.post<Detail>(`/api/tickets/${ticket.number}/take`, {})).body.owner).toBe('dlh.sari');
  });
});
