// Least privilege for personal data (issue 17 item 4), over real HTTP: agency
// operators and supervisors see reporters' and followers' phone, email, address
// and channel account masked in the ticket, the search, the CSV and the reporter
// panel; a central admin sees them plain; a reveal answers one value and is
// audited without it; every read of people's data leaves one audit entry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp } from '../support/inbox.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let admin: OperatorSession;
let budi: OperatorSession;
let sari: OperatorSession;
let kabid: OperatorSession;
let number: string;

const PHONE = '+6281234567678';
const EMAIL = 'dewi.lestari@warga.example';
const ADDRESS = 'Jl. Melati No. 5, RT 02 RW 03';
const FOLLOWER_PHONE = '+6285711112222';

interface Person { name: string | null; phone?: string | null; email?: string | null; address?: string | null; channelUserId?: string }
interface Detail { reporter: Person; personalMasked: boolean; followers: (Person & { key: string })[] }
interface Audit { entries: { action: string; actor: string; ticket?: string; detail?: Record<string, unknown> }[] }

const readsBy = async (username: string) => (await admin.get<Audit>('/api/audit?limit=500')).body.entries.filter((e) => e.actor === `operator:${username}` && e.action === 'read_personal_data');

beforeAll(async () => {
  app = await startInboxApp(db);
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  [budi, sari, kabid] = await Promise.all([OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1'), OperatorSession.login(app.url, 'dlh.sari', 'password-dlh-01'), OperatorSession.login(app.url, 'kabid', 'password-kabid-1')]);
  const ticket = await app.tickets.create({ channel: 'whatsapp', reporter: { name: 'Dewi Lestari', phone: PHONE, email: EMAIL, address: ADDRESS, channelUserId: '6281234567678' }, category: 'jalan_rusak', description: 'Lubang dalam di depan SD Negeri 3' }, 'reporter');
  number = ticket.number;
  // A neighbour who reported the same hole and follows the ticket.
  await db.connection.collection('tickets').updateOne({ _id: number as never }, { $push: { followers: { channel: 'telegram', channelUserId: '5550001', name: 'Pak Joko', phone: FOLLOWER_PHONE, address: 'Gang Mawar 3', at: new Date(), via: 'nearby' } } as never, $set: { followerCount: 1 } });
});
afterAll(async () => { await app.stop(); });

describe('masked personal data', () => {
  it("shows an agency operator and a supervisor the reporter's and followers' contact masked, the name plain; an admin everything", async () => {
    for (const session of [budi, kabid]) {
      const detail = await session.get<Detail>(`/api/tickets/${number}`);
      expect(detail.status).toBe(200);
      expect(detail.body.personalMasked).toBe(true);
      expect(detail.body.reporter).toMatchObject({ name: 'Dewi Lestari', phone: '0812•••••678', email: 'd•••@warga.example', address: 'Jl.•••', channelUserId: '0812•••••678' });
      expect(detail.body.followers[0]).toMatchObject({ name: 'Pak Joko', phone: '0857•••••222', address: 'Gang•••', key: expect.stringMatching(/^f:[0-9a-f]{16}$/) as unknown });
      const text = JSON.stringify(detail.body);
      for (const secret of ['1234567', 'dewi.lestari', 'Melati', '57111122', 'Mawar', '5550001']) expect(text).not.toContain(secret);
    }
    const plain = (await admin.get<Detail>(`/api/tickets/${number}`)).body;
    expect(plain.personalMasked).toBe(false);
    expect(plain.reporter).toMatchObject({ phone: PHONE, email: EMAIL, address: ADDRESS });
    expect(plain.followers[0]).toMatchObject({ phone: FOLLOWER_PHONE, address: 'Gang Mawar 3' });
  });

  it('does not let a masked operator confirm a phone or email by searching for it; the name and the problem still find the ticket', async () => {
    const found = async (session: OperatorSession, q: string) => (await session.get<{ tickets: { number: string }[] }>(`/api/tickets?q=${encodeURIComponent(q)}`)).body.tickets.map((t) => t.number);
    expect(await found(admin, '0812-3456-7678')).toContain(number);
    expect(await found(admin, 'dewi.lestari@')).toContain(number);
    expect(await found(budi, '0812-3456-7678')).toEqual([]);
    expect(await found(budi, 'dewi.lestari@')).toEqual([]);
    expect(await found(budi, 'Melati No. 5')).toEqual([]);
    expect(await found(budi, 'Dewi Lestari')).toContain(number);
    expect(await found(budi, 'SD Negeri 3')).toContain(number);
  });

  it('exports the CSV masked for an agency operator and plain for an admin; one read entry names every exported ticket', async () => {
    const before = (await readsBy('dpupr.budi')).length;
    const agency = await budi.get<string>('/api/tickets/export.csv');
    expect(agency.status).toBe(200);
    expect(agency.body).toContain('Dewi Lestari,0812•••••678,d•••@warga.example,Jl.•••');
    expect(agency.body).not.toContain('1234567');
    expect((await admin.get<string>('/api/tickets/export.csv')).body).toContain(`'${PHONE},${EMAIL},"${ADDRESS}"`);
    const reads = await readsBy('dpupr.budi');
    expect(reads).toHaveLength(before + 1);
    expect(reads[0]?.detail).toMatchObject({ via: 'export', tickets: [number], fields: ['name'] });
  });

  it('masks the reporter panel for an agency operator', async () => {
    const panel = (await budi.get<{ phones: string[]; emails: string[]; identities: { channelUserId: string }[] }>(`/api/tickets/${number}/reporter`)).body;
    expect(panel).toMatchObject({ phones: ['0812•••••678'], emails: ['d•••@warga.example'], identities: [{ channelUserId: '0812•••••678' }] });
    expect((await admin.get<{ phones: string[] }>(`/api/tickets/${number}/reporter`)).body.phones).toEqual([PHONE]);
  });
});

describe('reveal', () => {
  it('answers one value to an operator who may see the ticket, audited with the field and never the value', async () => {
    expect((await budi.post<{ value: string }>(`/api/tickets/${number}/reveal`, { field: 'phone', reason: 'survei lokasi' })).body).toEqual({ field: 'phone', value: PHONE });
    // By the key a masked operator is shown, or by the plain one.
    const opaque = (await budi.get<Detail>(`/api/tickets/${number}`)).body.followers[0]?.key ?? '';
    expect((await budi.post<{ value: string }>(`/api/tickets/${number}/reveal`, { field: 'address', follower: opaque })).body.value).toBe('Gang Mawar 3');
    expect((await budi.post<{ value: string }>(`/api/tickets/${number}/reveal`, { field: 'phone', follower: 'telegram:5550001' })).body.value).toBe(FOLLOWER_PHONE);
    // Nothing to reveal, another agency's ticket, a field that is no contact: refused.
    expect((await budi.post(`/api/tickets/${number}/reveal`, { field: 'email', follower: 'telegram:5550001' })).status).toBe(404);
    expect((await sari.post(`/api/tickets/${number}/reveal`, { field: 'phone' })).status).toBe(404);
    expect((await budi.post(`/api/tickets/${number}/reveal`, { field: 'description' })).status).toBe(400);

    const audit = (await admin.get<Audit>(`/api/audit?ticket=${number}`)).body.entries.filter((e) => e.action === 'reveal_personal_data');
    expect(audit.map((e) => [e.actor, e.detail?.field, e.detail?.person])).toEqual([
      ['operator:dpupr.budi', 'phone', 'reporter'],
      ['operator:dpupr.budi', 'address', `follower:${opaque}`],
      ['operator:dpupr.budi', 'phone', `follower:${opaque}`],
    ]);
    expect(audit[0]?.detail?.reason).toBe('survei lokasi');
    const text = JSON.stringify(audit);
    for (const secret of ['1234567', '5711112', 'Mawar', '5550001']) expect(text).not.toContain(secret);
  });
});

describe('read audit', () => {
  it('records one entry per ticket view, with the fields shown; a search page one entry naming its tickets; browsing none', async () => {
    const before = (await readsBy('dpupr.budi')).length;
    await budi.get(`/api/tickets/${number}`);
    await budi.get('/api/tickets');
    await budi.get('/api/tickets?q=Dewi');
    const reads = await readsBy('dpupr.budi');
    expect(reads).toHaveLength(before + 2);
    // Newest first.
    expect(reads[0]?.detail).toEqual({ via: 'list', tickets: [number], fields: ['name'] });
    expect(reads[1]).toMatchObject({ ticket: number, detail: { via: 'detail', tickets: [number], fields: ['name'] } });

    await admin.get(`/api/tickets/${number}`);
    expect((await readsBy('admin'))[0]?.detail).toMatchObject({ via: 'detail', fields: ['name', 'phone', 'email', 'address'] });
  });
});

describe('privacy.maskRoles', () => {
  it('shows agency operators everything when the city configures no masked roles', async () => {
    const open = await startInboxApp(db, (c) => { c.privacy.maskRoles = []; });
    try {
      const agency = await OperatorSession.login(open.url, 'dpupr.budi', 'password-dpupr-1');
      const detail = (await agency.get<Detail>(`/api/tickets/${number}`)).body;
      expect(detail).toMatchObject({ personalMasked: false, reporter: { phone: PHONE, email: EMAIL, address: ADDRESS } });
    } finally {
      await open.stop();
    }
  });
});
