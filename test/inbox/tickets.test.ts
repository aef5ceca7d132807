// The ticket API per role, over real HTTP, with tickets made through the
// real web chat and at the inbox's own form.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { fakeJpeg } from '../support/images.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp } from '../support/inbox.js';
import { useTestDatabase } from '../support/database.js';
import { listenToEvents } from '../support/event-stream.js';
import { until } from '../support/until.js';
import { WebchatCitizen } from '../support/webchat.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let admin: OperatorSession;
let dpupr: OperatorSession;
let dlh: OperatorSession;
let supervisor: OperatorSession;
let road: string; // DPUPR's, with a photo
let rubbish: string; // DLH's

interface Detail { number: string; status: string; agency: string | null; version: number; photos: { url: string }[]; thread: { direction: string; text: string; author: string; delivery: string }[]; history: { action: string; actor: string }[]; notes: { text: string }[]; actions: string[]; result: { photos: { url: string }[] } | null }
interface List { tickets: { number: string; overdue: boolean }[]; next: string | null }

beforeAll(async () => {
  app = await startInboxApp(db);
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  [dpupr, dlh, supervisor] = await Promise.all([
    OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1'),
    OperatorSession.login(app.url, 'dlh.sari', 'password-dlh-01'),
    OperatorSession.login(app.url, 'kabid', 'password-kabid-1'),
  ]);
  const citizen = new WebchatCitizen(app.url);
  await citizen.say('halo');
  await citizen.say('1');
  await citizen.say('Rudi Hartono');
  await citizen.say('0812 3333 4444');
  await citizen.say('Jl. Merdeka 1');
  await citizen.say('Jalan rusak');
  await citizen.say('Lubang besar di depan sekolah');
  await citizen.photo(fakeJpeg(9_000, 7), 'lubang.jpg');
  await citizen.poll();
  await citizen.say('selesai');
  await citizen.say('Depan SDN 3');
  road = /ADU-\d{4}-\d{5}/.exec(await citizen.say('Ya'))?.[0] ?? '';
  rubbish = await new WebchatCitizen(app.url).report({ name: 'Wati', phone: '081355556666', address: 'Jl. Kenanga 2', category: 'Sampah', description: 'Sampah menumpuk di TPS Kenanga' });
});
afterAll(async () => { await app.stop(); });

describe('what each role sees', () => {
  it('shows an agency operator only its own agency\'s tickets, in lists and searches', async () => {
    const mine = await dpupr.get<List>('/api/tickets');
    expect(mine.body.tickets.map((t) => t.number)).toContain(road);
    expect(mine.body.tickets.map((t) => t.number)).not.toContain(rubbish);
    expect((await dpupr.get<List>('/api/tickets?agency=DLH')).body.tickets).toEqual([]);
    expect((await dpupr.get<List>(`/api/tickets?q=${rubbish}`)).body.tickets).toEqual([]);
    expect((await dpupr.get<List>('/api/tickets?q=Kenanga')).body.tickets).toEqual([]);
    expect((await dlh.get<List>('/api/tickets?q=kenanga')).body.tickets.map((t) => t.number)).toEqual([rubbish]);
    expect((await admin.get<List>('/api/tickets')).body.tickets.map((t) => t.number).sort()).toEqual([road, rubbish].sort());
  });

  it('takes a month past 99,999 tickets: a six-digit number is a number (not found here), a four-digit one is not', async () => {
    expect((await admin.get('/api/tickets/ADU-2612-100000')).status).toBe(404);
    expect((await admin.get('/api/tickets/ADU-2612-1000')).status).toBe(400);
    expect((await fetch(`${app.url}/t/ADU-2612-100000?k=x`)).status).toBe(404);
  });

  it('answers 404 for another agency\'s ticket, its photo and its events', async () => {
    expect((await dlh.get(`/api/tickets/${road}`)).status).toBe(404);
    const detail = await admin.get<Detail>(`/api/tickets/${road}`);
    const photoUrl = detail.body.photos[0]?.url ?? '';
    expect(photoUrl).toMatch(/^\/api\/tickets\/ADU-\d{4}-\d{5}\/photos\/[0-9a-f]{24}$/);
    const photo = await fetch(`${app.url}${photoUrl}`, { headers: { cookie: dpupr.cookie ?? '' } });
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    expect((await dlh.get(photoUrl)).status).toBe(404);
    // The same photo id under a ticket DLH may see is not a way around it.
    expect((await dlh.get(photoUrl.replace(road, rubbish))).status).toBe(404);
    expect((await dlh.post(`/api/tickets/${road}/notes`, { text: 'intip' })).status).toBe(404);

    const streams = { dpupr: await listenToEvents(app.url, dpupr), dlh: await listenToEvents(app.url, dlh) };
    const heard = (name: keyof typeof streams) => JSON.stringify(streams[name].heard);
    expect((await admin.post(`/api/tickets/${road}/notes`, { text: 'Sudah dicek, lubang ±1 m' })).status).toBe(201);
    expect((await admin.post(`/api/tickets/${rubbish}/notes`, { text: 'Koordinasi dengan DLH' })).status).toBe(201);
    await until('the DLH operator hears of their ticket', () => heard('dlh').includes(rubbish));
    await until('the DPUPR operator hears of theirs', () => heard('dpupr').includes(road));
    expect(heard('dlh')).not.toContain(road);
    expect(heard('dpupr')).not.toContain(rubbish);
    for (const stream of Object.values(streams)) stream.close();
  });

  it('lets a supervisor read and see reports, and nothing more', async () => {
    expect((await supervisor.get(`/api/tickets/${rubbish}`)).status).toBe(200);
    expect((await supervisor.get('/api/reports/dashboard')).status).toBe(200);
    expect((await supervisor.post(`/api/tickets/${rubbish}/replies`, { text: 'Halo' })).status).toBe(403);
    expect((await supervisor.post(`/api/tickets/${rubbish}/notes`, { text: 'x' })).status).toBe(403);
    expect((await supervisor.post(`/api/tickets/${rubbish}/transitions`, { to: 'in_progress' })).status).toBe(403);
    expect((await supervisor.get('/api/operators')).status).toBe(403);
    expect((await dpupr.post(`/api/tickets/${road}/assign`, { agency: 'DLH' })).status).toBe(403);
    expect((await dpupr.post('/api/tickets', { channel: 'phone', reporter: { name: 'X' }, category: 'sampah', description: 'y' })).status).toBe(403);
    expect((await dpupr.get('/api/config')).status).toBe(403);
    expect((await admin.get('/api/config')).body).not.toHaveProperty('admin');
  });

  it('gives agency operators the dashboard and reports of their own agency only', async () => {
    const dashboard = await dlh.get<{ total: number; byAgency: Record<string, number> }>('/api/reports/dashboard');
    expect(dashboard.body.total).toBe(1);
    expect(Object.keys(dashboard.body.byAgency)).toEqual(['DLH']);
    expect((await admin.get<{ total: number }>('/api/reports/dashboard')).body.total).toBe(2);
    await db.connection.collection('reports').insertMany([
      { _id: 'daily:2026-11-23' as never, kind: 'daily', label: '2026-11-23', data: { total: 2 }, csv: 'number\r\nX\r\n', createdAt: new Date() },
      { _id: 'monev:2026-10:DLH' as never, kind: 'monev', label: '2026-10', agency: 'DLH', data: { total: 1 }, csv: 'number\r\nY\r\n', createdAt: new Date() },
    ]);
    expect((await dlh.get<{ reports: { id: string }[] }>('/api/reports')).body.reports.map((r) => r.id)).toEqual(['monev:2026-10:DLH']);
    expect((await dlh.get('/api/reports/daily:2026-11-23/csv')).status).toBe(404);
    expect((await dpupr.get('/api/reports/monev:2026-10:DLH')).status).toBe(404);
    const csv = await dlh.get('/api/reports/monev:2026-10:DLH/csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.body).toBe('number\r\nY\r\n');
  });
});

describe('working a ticket', () => {
  it('records a phone complaint and a walk-in complaint', async () => {
    const phone = await admin.post<Detail & { channel: string; reporter: { phone: string } }>('/api/tickets', { channel: 'phone', reporter: { name: 'Pak Darto', phone: '0813-1111-2222' }, category: 'penerangan_jalan', description: 'Lampu PJU mati di Jl. Mawar', location: { address: 'Jl. Mawar depan pos ronda' } });
    expect(phone.status).toBe(201);
    expect(phone.body).toMatchObject({ channel: 'phone', status: 'open', agency: 'DPRKP', reporter: { phone: '+6281311112222' } });
    const walkIn = await admin.post<Detail & { channel: string }>('/api/tickets', { channel: 'walk_in', reporter: { name: 'Ibu Lastri' }, category: 'adminduk', description: 'KK belum jadi setelah 30 hari' });
    expect(walkIn.body).toMatchObject({ channel: 'walk_in', agency: 'DISDUKCAPIL' });
    expect((await admin.post('/api/tickets', { channel: 'whatsapp', reporter: { name: 'X' }, category: 'sampah', description: 'y' })).status).toBe(400);
    expect((await admin.post('/api/tickets', { channel: 'phone', reporter: { name: 'X', phone: '12' }, category: 'sampah', description: 'y' })).status).toBe(400);
    // Nobody can be written to through the bot.
    expect((await admin.post(`/api/tickets/${walkIn.body.number}/replies`, { text: 'Halo' })).status).toBe(409);
    expect((await admin.get<List>('/api/tickets?channel=walk_in')).body.tickets.map((t) => t.number)).toEqual([walkIn.body.number]);
    expect((await admin.get<List>('/api/tickets?q=0813 1111 2222')).body.tickets.map((t) => t.number)).toEqual([phone.body.number]);
  });

  it('transfers a ticket in the wrong agency, which then sees it and the other no longer does', async () => {
    const moved = await admin.post<Detail>(`/api/tickets/${rubbish}/assign`, { agency: 'DPUPR', category: 'drainase_banjir', note: 'Sampah menyumbat saluran' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ agency: 'DPUPR', status: 'open' });
    expect((await dlh.get(`/api/tickets/${rubbish}`)).status).toBe(404);
    expect((await dpupr.get(`/api/tickets/${rubbish}`)).status).toBe(200);
    expect((await admin.post(`/api/tickets/${rubbish}/assign`, { agency: 'NOPE' })).status).toBe(400);
  });

  it('takes a ticket through its whole life cycle, photos in the result, with a clear 409 for a stale screen', async () => {
    const before = (await dpupr.get<Detail>(`/api/tickets/${road}`)).body;
    expect(before.actions).toEqual(['respond']);
    const responded = await dpupr.post<Detail>(`/api/tickets/${road}/transitions`, { to: 'in_progress', expectedVersion: before.version });
    expect(responded.body.status).toBe('in_progress');
    // A second operator still looking at the old version.
    const stale = await admin.post(`/api/tickets/${road}/transitions`, { to: 'rejected', note: 'dobel', expectedVersion: before.version });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ error: 'conflict' });
    expect((await dpupr.post(`/api/tickets/${road}/transitions`, { to: 'validate' })).status).toBe(403);

    const form = new FormData();
    form.append('text', 'Lubang sudah ditambal dengan aspal hotmix.');
    form.append('expectedVersion', String(responded.body.version));
    form.append('photo', new Blob([fakeJpeg(15_000, 21)]), 'sesudah.jpg');
    const submitted = await fetch(`${app.url}/api/tickets/${road}/result`, { method: 'POST', headers: { cookie: dpupr.cookie ?? '', 'x-csrf-token': dpupr.csrf ?? '' }, body: form });
    expect(submitted.status).toBe(200);
    const withResult = (await submitted.json()) as Detail;
    expect(withResult.result?.photos).toHaveLength(1);
    expect((await dpupr.get(withResult.result?.photos[0]?.url ?? '')).status).toBe(200);

    const returned = await admin.post<Detail>(`/api/tickets/${road}/transitions`, { to: 'returnToAgency', note: 'Foto tidak menunjukkan lokasi yang sama' });
    expect(returned.body).toMatchObject({ status: 'in_progress', result: null });
    await dpupr.post(`/api/tickets/${road}/transitions`, { to: 'submitResult', text: 'Ditambal ulang, foto dari sudut yang sama.' });
    const resolved = await admin.post<Detail>(`/api/tickets/${road}/transitions`, { to: 'resolved', note: 'Sesuai' });
    expect(resolved.body.status).toBe('resolved');
    const reopened = await admin.post<Detail>(`/api/tickets/${road}/transitions`, { to: 'in_progress', note: 'Warga menelepon: masih berlubang' });
    expect(reopened.body.status).toBe('in_progress');
    expect((await admin.post(`/api/tickets/${road}/transitions`, { to: 'closed' })).status).toBe(400);
    expect((await admin.post(`/api/tickets/${road}/transitions`, { to: 'respond' })).status).toBe(409);
    expect(reopened.body.history.map((h) => h.action)).toEqual(['create', 'respond', 'submitResult', 'returnToAgency', 'submitResult', 'validate', 'reopen']);
    expect(reopened.body.history[1]?.actor).toBe('agency:DPUPR/dpupr.budi');

    const forwarded = await admin.post<Detail>('/api/tickets', { channel: 'phone', reporter: { name: 'Pak Udin' }, category: 'sampah', description: 'Listrik padam tiap malam' });
    const lapor = await admin.post<Detail & { forwardedTo: string }>(`/api/tickets/${forwarded.body.number}/transitions`, { to: 'forwarded', note: 'Kewenangan PLN' });
    expect(lapor.body).toMatchObject({ status: 'forwarded', forwardedTo: 'sp4n_lapor' });
  });

  it('keeps internal notes and an audit entry for every operator action', async () => {
    const detail = await admin.get<Detail>(`/api/tickets/${road}`);
    expect(detail.body.notes.map((n) => n.text)).toContain('Sudah dicek, lubang ±1 m');
    const audit = await admin.get<{ entries: { actor: string; action: string; detail?: Record<string, unknown> }[] }>(`/api/audit?ticket=${road}`);
    expect(audit.body.entries.map((e) => `${e.actor} ${e.action}`)).toEqual(expect.arrayContaining(['operator:admin note', 'operator:dpupr.budi transition', 'operator:admin transition']));
    expect((await dpupr.get('/api/audit')).status).toBe(403);
  });

  it('pages through a long list without repeating or skipping a ticket', async () => {
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const page: List = (await admin.get<List>(`/api/tickets?limit=2${next ? `&cursor=${next}` : ''}`)).body;
      seen.push(...page.tickets.map((t) => t.number));
      next = page.next;
    } while (next);
    const all = (await admin.get<List>('/api/tickets?limit=100')).body.tickets.map((t) => t.number);
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(all.length);
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect((await admin.get('/api/tickets?cursor=bm9wZQ')).status).toBe(400);
  });

  it('flags tickets past their deadline as overdue and filters them', async () => {
    await db.connection.collection('tickets').updateOne({ _id: rubbish as never }, { $set: { 'due.firstResponse': new Date(Date.now() - 60_000) } });
    const overdue = await admin.get<List>('/api/tickets?overdue=true');
    expect(overdue.body.tickets.map((t) => t.number)).toEqual([rubbish]);
    expect(overdue.body.tickets[0]?.overdue).toBe(true);
  });
});
