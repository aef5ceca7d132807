// The Open311 GeoReport v2 server through a client written from the spec
// (./client.ts): discovery, services, POST and GET of requests in JSON and XML
// over real HTTP, with the whole service behind it (embedded database, the
// email channel against Dovecot and an SMTP sink for the reporter's notices).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp } from '../support/inbox.js';
import { bodyOf, header, MailServers } from '../support/mail.js';
import { until } from '../support/until.js';
import { Open311Client, parseXml } from './client.js';

const db = useTestDatabase(import.meta.filename);
let servers: MailServers;
let app: RunningApplication;
let admin: OperatorSession;
let apiKey = '';
const client = () => new Open311Client(app.url);

/** What a reporter gives a city app: none of it may come back from a GET. */
const PERSON = { first_name: 'Rahmat', last_name: 'Hidayat', phone: '0812 3456 7001', email: 'rahmat.hidayat@warga.example' };
const PRIVATE_WORDS = ['Rahmat', 'Hidayat', '6281234567001', '3456', 'rahmat.hidayat', 'warga.example', 'Pak RT', 'Jl. Kenanga'];

beforeAll(async () => {
  servers = await new MailServers().start();
  app = await startInboxApp(db, (c) => {
    servers.configure(c);
    c.schedules.outboxRetry = '* * * * * *';
  });
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  const issued = await admin.post<{ secret: string; id: string }>('/api/admin/open311-keys', { label: 'Aplikasi Kota Contoh' });
  expect(issued.status).toBe(201);
  apiKey = issued.body.secret;
});
afterAll(async () => {
  await app.stop();
  await servers.stop();
});

function expectNoPersonalData(text: string): void {
  for (const word of PRIVATE_WORDS) expect(text).not.toContain(word);
}

describe('Open311 GeoReport v2', () => {
  it('is discovered, and lists the configured categories as services in JSON and XML alike', async () => {
    const json = client();
    const discovery = await json.discover('json');
    expect(discovery.status).toBe(200);
    expect(json.endpoint).toBe(`${app.url}/open311/v2`);
    expect(discovery.json).toMatchObject({ endpoints: [{ type: 'production', formats: ['text/xml', 'application/json'] }] });
    const xml = client();
    expect((await xml.discover('xml')).contentType).toMatch(/^text\/xml/);
    expect(xml.endpoint).toBe(json.endpoint);

    const services = await json.get('services', 'json');
    expect(services.records).toContainEqual({ service_code: 'jalan_rusak', service_name: 'Jalan rusak', description: 'Ditangani oleh Dinas Pekerjaan Umum dan Penataan Ruang.', metadata: 'false', type: 'realtime', keywords: expect.stringContaining('berlubang') as string, group: 'Dinas Pekerjaan Umum dan Penataan Ruang' });
    expect((await xml.get('services', 'xml')).records).toEqual(services.records);
    const english = await json.get('services', 'json', { locale: 'en' });
    expect(english.records.find((s) => s.service_code === 'jalan_rusak')?.service_name).toBe('Damaged road');

    const definition = await json.get('services/sampah', 'xml');
    expect(definition.text).toContain('<service_definition><service_code>sampah</service_code><attributes/></service_definition>');
    const missing = await json.get('services/tidak_ada', 'xml');
    expect(missing.status).toBe(404);
    expect(missing.records).toEqual([{ code: '404', description: expect.stringContaining('tidak_ada') as string }]);
  });

  it('refuses a POST without a valid key (403), an unknown service or a report without a place (400), in the spec\'s error shape', async () => {
    const c = client();
    await c.discover();
    const form = { service_code: 'jalan_rusak', lat: '-6.2001', long: '106.8167', description: 'Lubang besar di tengah jalan.' };
    const without = await c.post('json', form);
    expect(without.status).toBe(403);
    expect(without.json).toEqual([{ code: 403, description: expect.stringContaining('api_key') as string }]);
    const wrong = await c.post('xml', { ...form, api_key: 'o311_bukan-kunci-yang-benar' });
    expect(wrong.status).toBe(403);
    expect(parseXml(wrong.text).name).toBe('errors');
    expect(wrong.records).toEqual([{ code: '403', description: expect.stringContaining('api_key') as string }]);

    const unknown = await c.post('json', { ...form, api_key: apiKey, service_code: 'tidak_ada' });
    expect(unknown.status).toBe(400);
    expect(unknown.records[0]?.description).toContain('service_code');
    const nowhere = await c.post('xml', { api_key: apiKey, service_code: 'jalan_rusak', description: 'Lubang besar.' });
    expect(nowhere.status).toBe(400);
    expect(nowhere.records[0]?.description).toContain('address_string');
    const huge = await c.post('xml', { ...form, api_key: apiKey, description: 'x'.repeat(70_000) });
    expect(huge.status).toBe(413);
    expect(huge.records).toEqual([{ code: '413', description: expect.any(String) as string }]);
    const halfPin = await c.post('json', { ...form, api_key: apiKey, long: '' });
    expect(halfPin.status).toBe(400);
    expect(await ticketModel(db.connection).countDocuments({ channel: 'open311' })).toBe(0);

    // A revoked key is refused from the next request on.
    const spare = await admin.post<{ secret: string; id: string }>('/api/admin/open311-keys', { label: 'Kunci cadangan' });
    expect((await c.post('json', { ...form, api_key: spare.body.secret, description: 'Uji kunci cadangan' })).status).toBe(200);
    expect((await admin.request('DELETE', `/api/admin/open311-keys/${spare.body.id}`)).status).toBe(200);
    const revoked = await c.post('json', { ...form, api_key: spare.body.secret, description: 'Uji kunci dicabut' });
    expect(revoked.status).toBe(403);
    expect(await ticketModel(db.connection).countDocuments({ channel: 'open311', description: 'Uji kunci dicabut' })).toBe(0);
  });

  it('does a full round trip in XML: the request becomes a ticket, the reporter hears by email, the operator closes it, the client reads it closed', async () => {
    const c = client();
    await c.discover('xml');
    const before = servers.mailsTo(PERSON.email).length;
    const posted = await c.post('xml', { api_key: apiKey, jurisdiction_id: 'kotacontoh.go.id', service_code: 'jalan_rusak', lat: '-6.200123', long: '106.816666', address_string: 'Jl. Kenanga 12, depan rumah Pak RT', description: 'Lubang besar di depan rumah Pak RT, sudah dua motor jatuh.', media_url: 'https://foto.example/lubang.jpg', ...PERSON });
    expect(posted.status).toBe(200);
    expect(parseXml(posted.text).name).toBe('service_requests');
    const [created] = posted.records;
    const number = created?.service_request_id ?? '';
    expect(number).toMatch(/^ADU-\d{4}-\d{5}$/);
    expect(created?.service_notice).toContain('Dinas Pekerjaan Umum dan Penataan Ruang');

    // The ticket, as the ticket service made it: routed by category, with the SLA; the reporter's details kept for the operators.
    const ticket = await app.tickets.get(number);
    expect(ticket).toMatchObject({ channel: 'open311', status: 'open', agency: 'DPUPR', category: 'jalan_rusak', reporter: { name: 'Rahmat Hidayat', phone: '+6281234567001', email: PERSON.email }, location: { latitude: -6.200123, longitude: 106.816666, address: 'Jl. Kenanga 12, depan rumah Pak RT' } });
    expect(ticket.description).toContain('https://foto.example/lubang.jpg');
    expect(ticket.deadline?.kind).toBe('firstResponse');
    const number_mail = await servers.nextMailTo(PERSON.email, before, number);
    expect(bodyOf(number_mail)).toContain(`melalui aplikasi layanan kota telah kami catat dengan nomor tiket ${number}`);

    // In the inbox, among the open311 tickets.
    const list = await admin.get<{ tickets: { number: string; channel: string }[] }>('/api/tickets?channel=open311');
    expect(list.body.tickets).toContainEqual(expect.objectContaining({ number, channel: 'open311' }));
    // An operator's reply from the inbox reaches the reporter by email too.
    expect((await admin.get<{ canReply: boolean }>(`/api/tickets/${number}`)).body.canReply).toBe(true);
    expect((await admin.post(`/api/tickets/${number}/replies`, { text: 'Mohon kirim foto lubangnya dari dekat, Pak.' })).status).toBe(202);
    await servers.nextMailTo(PERSON.email, before, 'Mohon kirim foto lubangnya dari dekat');

    const open = await c.get(`requests/${number}`, 'xml');
    expect(open.records).toEqual([{
      service_request_id: number, status: 'open', status_notes: 'Diterima dan diteruskan ke Dinas Pekerjaan Umum dan Penataan Ruang; menunggu tanggapan.', service_name: 'Jalan rusak', service_code: 'jalan_rusak',
      agency_responsible: 'Dinas Pekerjaan Umum dan Penataan Ruang', service_notice: '', requested_datetime: ticket.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z'), updated_datetime: ticket.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      // Open: the follow-up deadline it gets if taken up at the last moment (24 h + 3 d on the clock).
      expected_datetime: new Date((ticket.deadline?.at.getTime() ?? 0) + 3 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'), lat: '-6.2', long: '106.817',
    }]);
    expectNoPersonalData(open.text);

    // The agency takes it up: the reporter hears by email; the client sees it still open, with the follow-up deadline.
    const taken = await app.tickets.transition(number, 'respond', {}, { actor: 'agency:DPUPR/budi' });
    await servers.nextMailTo(PERSON.email, before + 1, 'Dinas Pekerjaan Umum dan Penataan Ruang');
    const working = (await c.get(`requests/${number}`, 'xml')).records[0];
    expect(working).toMatchObject({ status: 'open', status_notes: 'Sedang ditindaklanjuti oleh Dinas Pekerjaan Umum dan Penataan Ruang.', expected_datetime: taken.deadline?.at.toISOString().replace(/\.\d{3}Z$/, 'Z') });

    await app.tickets.transition(number, 'submitResult', { text: 'Lubang sudah ditambal dengan aspal.' }, { actor: 'agency:DPUPR/budi' });
    const resolved = await app.tickets.transition(number, 'validate', {}, { actor: 'operator:admin' });
    await app.scheduler.runNow('confirmations');
    const question = await servers.nextMailTo(PERSON.email, before + 2, 'Lubang sudah ditambal');
    const afterValidation = (await c.get(`requests/${number}`, 'xml')).records[0];
    expect(afterValidation).toMatchObject({ status: 'closed', status_notes: 'Sudah ditindaklanjuti oleh Dinas Pekerjaan Umum dan Penataan Ruang; menunggu konfirmasi pelapor.', expected_datetime: '', updated_datetime: resolved.updatedAt.toISOString().replace(/\.\d{3}Z$/, 'Z') });

    // The reporter answers the question by replying to the mail: the ticket closes as confirmed.
    await servers.deliver({ from: `Rahmat Hidayat <${PERSON.email}>`, subject: String(header(question, 'Subject')), messageId: '<jawab-1@warga.example>', inReplyTo: String(header(question, 'Message-ID')), text: 'Ya, sudah beres. Terima kasih.' });
    await until('the ticket closed by the reporter', async () => (await app.tickets.get(number)).status === 'closed', 20_000);
    const closed = await c.get(`requests/${number}`, 'xml');
    expect(closed.records[0]).toMatchObject({ status: 'closed', status_notes: 'Selesai: sudah ditindaklanjuti oleh Dinas Pekerjaan Umum dan Penataan Ruang dan dikonfirmasi pelapor.' });
    expectNoPersonalData(closed.text);
    expect(await ticketModel(db.connection).countDocuments({ channel: { $in: ['open311', 'email'] }, 'reporter.email': PERSON.email })).toBe(1);
  });

  it('does a full round trip in JSON, answers a retried POST with the same request, and filters requests as the spec says', async () => {
    const c = client();
    await c.discover('json');
    const road = { api_key: apiKey, service_code: 'jalan_rusak', address_string: 'Jl. Mawar, dekat pasar', description: 'Jalan retak memanjang.' };
    const first = await c.post('json', road);
    expect(first.status).toBe(200);
    expect(first.json).toEqual([{ service_request_id: expect.stringMatching(/^ADU-/) as string, service_notice: expect.any(String) as string, account_id: null }]);
    const roadId = first.records[0]?.service_request_id ?? '';
    // A client that lost the answer and sends the same form again gets the same request, not a second ticket.
    const again = await c.post('json', road);
    expect(again.records[0]?.service_request_id).toBe(roadId);
    expect(await ticketModel(db.connection).countDocuments({ description: 'Jalan retak memanjang.' })).toBe(1);

    const rubbish = (await c.post('json', { api_key: apiKey, service_code: 'sampah', lat: '-6.21', long: '106.82', description: 'Sampah menumpuk di TPS.', email: 'TANPA.KANAL@Warga.Example' })).records[0]?.service_request_id ?? '';
    const outside = await c.post('json', { api_key: apiKey, service_code: 'listrik', address_string: 'Gg. Anggrek', description: 'Listrik padam sejak pagi.' });
    const outsideId = outside.records[0]?.service_request_id ?? '';
    expect(outside.records[0]?.service_notice).toContain('SP4N-LAPOR!');

    const one = await c.get(`requests/${roadId}`, 'json');
    expect(one.json).toEqual([expect.objectContaining({ service_request_id: roadId, status: 'open', lat: null, long: null, service_code: 'jalan_rusak' })]);
    expect(Object.keys((one.json as Record<string, unknown>[])[0] ?? {})).not.toContain('description');
    expect((await c.get('requests/ADU-0000-00000', 'json')).status).toBe(404);
    expect((await c.get('tokens/12345', 'xml')).records[0]).toEqual({ code: '404', description: expect.stringContaining('no tokens') as string });

    // An operator rejects the road report: closed for the client.
    await app.tickets.transition(roadId, 'reject', {}, { actor: 'operator:admin', note: 'Jalan nasional, bukan kewenangan kota' });

    const ids = await c.get('requests', 'json', { service_request_id: `${roadId},${rubbish},${outsideId}`, status: 'open' });
    expect(ids.records.map((r) => r.service_request_id).sort()).toEqual([roadId, rubbish, outsideId].sort());
    const openOnes = await c.get('requests', 'json', { status: 'open' });
    expect(openOnes.records.map((r) => r.service_request_id)).toContain(rubbish);
    expect(openOnes.records.map((r) => r.service_request_id)).not.toContain(roadId);
    const closedOnes = await c.get('requests', 'xml', { status: 'closed' });
    expect(closedOnes.records.find((r) => r.service_request_id === roadId)).toMatchObject({ status: 'closed', status_notes: 'Tidak dapat ditindaklanjuti oleh pemerintah kota.' });
    expect(closedOnes.records.find((r) => r.service_request_id === outsideId)).toMatchObject({ status: 'closed', agency_responsible: 'SP4N-LAPOR!', status_notes: 'Di luar kewenangan pemerintah kota; diteruskan ke SP4N-LAPOR!.' });
    const both = await c.get('requests', 'json', { status: 'open,closed', service_code: 'sampah,listrik' });
    expect(both.records.map((r) => r.service_request_id).sort()).toEqual([rubbish, outsideId].sort());
    const newestFirst = await c.get('requests', 'json');
    expect(newestFirst.records.map((r) => r.service_request_id).slice(0, 3)).toEqual([outsideId, rubbish, roadId]);

    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    expect((await c.get('requests', 'json', { start_date: iso(now - 3_600_000), end_date: iso(now + 60_000) })).records.map((r) => r.service_request_id)).toContain(rubbish);
    expect((await c.get('requests', 'xml', { start_date: iso(now + 3_600_000), end_date: iso(now + 7_200_000) })).records).toEqual([]);
    expect((await c.get('requests', 'json', { end_date: iso(now - 86_400_000) })).records).toEqual([]);
    const tooLong = await c.get('requests', 'json', { start_date: '2026-01-01', end_date: '2026-06-01' });
    expect(tooLong.status).toBe(400);
    expect(tooLong.records[0]?.description).toContain('90 days');
    expect((await c.get('requests', 'xml', { status: 'pending' })).status).toBe(400);
    expect((await c.get('requests', 'json', { start_date: 'kemarin' })).status).toBe(400);

    // No personal data in any list, in either format.
    for (const format of ['json', 'xml'] as const) {
      const all = await c.get('requests', format, { status: 'open,closed' });
      expectNoPersonalData(all.text);
      expect(all.text).not.toContain('tanpa.kanal');
      expect(all.text).not.toContain('Sampah menumpuk');
    }
  });

  it('lets an admin list and revoke keys without ever showing a key again; other roles are refused', async () => {
    const listed = await admin.get<{ keys: { id: string; label: string; createdBy: string; lastUsedAt: string | null; revokedAt: string | null }[] }>('/api/admin/open311-keys');
    expect(listed.status).toBe(200);
    const main = listed.body.keys.find((k) => k.label === 'Aplikasi Kota Contoh');
    expect(main).toMatchObject({ createdBy: 'admin', revokedAt: null });
    expect(main?.lastUsedAt).not.toBeNull();
    expect(listed.body.keys.find((k) => k.label === 'Kunci cadangan')?.revokedAt).not.toBeNull();
    expect(JSON.stringify(listed.body)).not.toContain(apiKey);
    expect(JSON.stringify(listed.body)).not.toContain('o311_');
    const stored = await db.connection.collection('open311_keys').find({}).toArray();
    expect(JSON.stringify(stored)).not.toContain(apiKey);

    const audit = await admin.get<{ entries: { action: string; detail?: { label?: string } }[] }>('/api/audit');
    expect(audit.body.entries.filter((e) => e.action.startsWith('open311_key_')).map((e) => `${e.action} ${e.detail?.label ?? ''}`)).toEqual(expect.arrayContaining(['open311_key_issue Aplikasi Kota Contoh', 'open311_key_issue Kunci cadangan', 'open311_key_revoke Kunci cadangan']));

    await addOperators(admin);
    const agency = await OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1');
    expect((await agency.get('/api/admin/open311-keys')).status).toBe(403);
    expect((await agency.post('/api/admin/open311-keys', { label: 'Boleh?' })).status).toBe(403);
    expect((await admin.post('/api/admin/open311-keys', { label: '' })).status).toBe(400);
  });
});
