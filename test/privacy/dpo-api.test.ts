// The data protection officer's API (issue 17 item 2) over real HTTP on the embedded database, with the citizen on a
// Telegram stand-in and on the web chat: Rina reported twice on Telegram (photos), once on the web chat, once at the
// counter (phone, email), follows Joko's ticket, and asked "hapus data saya"; Joko follows one of hers. The DPO finds
// her by every spelling of her phone, her email and her accounts; exports, corrects and erases her; afterwards no
// collection of the database holds anything of hers, Joko keeps his, and the tickets still count.
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { accessedBy } from '../../src/inbox/accessed.js';
import { mongoAuditStore } from '../../src/storage/audit-store.js';
import { auditModel } from '../../src/storage/models/audit.js';
import { conversationModel } from '../../src/storage/models/conversation.js';
import { noticeModel } from '../../src/storage/models/notice.js';
import { personModel } from '../../src/storage/models/person.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import type { Follower } from '../../src/tickets/model.js';
import { FakeBotApi } from '../support/bot-api.js';
import { TICKET_NUMBER } from '../support/conversation.js';
import { useTestDatabase } from '../support/database.js';
import { fakeJpeg } from '../support/images.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp, withTelegram } from '../support/inbox.js';
import { until } from '../support/until.js';
import { WebchatCitizen } from '../support/webchat.js';

const db = useTestDatabase(import.meta.filename);
let api: FakeBotApi;
let app: RunningApplication;
let admin: OperatorSession;
let agency: OperatorSession;
let dpo: OperatorSession;

const RINA_TG = 7712345;
const JOKO_TG = 7799001;
const RINA = { name: 'Rina Kusumawati', phone: '+6281277773131', email: 'rina.kusuma@example.org', address: 'Jl. Cempaka Putih No. 9' };
const RINA_WORDS = 'Jalan berlubang besar di depan SD Cempaka';
const JOKO = { name: 'Joko Santoso', phone: '+6281355550000' };
const KEY = `phone:${RINA.phone}`;
const path = (key: string) => `/api/privacy/people/${encodeURIComponent(key)}`;

interface PersonView { key: string; name?: string; phone?: string; email?: string; identities: { channel: string; channelUserId: string }[]; tickets: number; lastSeenAt?: string }
interface RequestView { reference: string; kind: string; status: string; channel: string; channelUserId: string; personKey: string; outcome?: string; note?: string; closedAt?: string }
interface Detail { person: PersonView; tickets: { number: string; role: string; status: string }[]; requests: RequestView[]; counts: { messages: number; photos: number; audit: number } }

let seq = 0;
/** A message from a Telegram user through the router, as the Telegram channel hands it over. */
const telegram = (user: number, content: { text?: string; photos?: { ref: Awaited<ReturnType<RunningApplication['storage']['attachments']['saveImage']>> }[]; location?: { latitude: number; longitude: number } }) =>
  app.router.handle({ channel: 'telegram', channelUserId: String(user), messageId: `${String(user)}:${String(++seq)}`, at: new Date(), ...content });

async function lastTextTo(user: number, containing: string): Promise<string> {
  let found = '';
  await until(`"${containing}" to ${String(user)}`, () => (found = api.textsTo(user).findLast((t) => t.includes(containing)) ?? '') !== '', 20_000);
  return found;
}

const fixture: { tg1: string; tg2: string; web: string; walkIn: string; joko: string; photos: string[]; webSession: string; reference: string; jokoReference: string } = { tg1: '', tg2: '', web: '', walkIn: '', joko: '', photos: [], webSession: '', reference: '', jokoReference: '' };

beforeAll(async () => {
  api = await new FakeBotApi().start();
  app = await startInboxApp(db, withTelegram(api));
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  expect((await admin.post('/api/operators', { username: 'ppid', name: 'Pejabat PDP', role: 'dpo', password: 'password-ppid-1' })).status).toBe(201);
  [agency, dpo] = await Promise.all([OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1'), OperatorSession.login(app.url, 'ppid', 'password-ppid-1')]);

  // Rina's first report on Telegram, through the whole conversation, with two photos and a pin.
  for (const text of ['halo', '1', RINA.name, '0812-7777-3131', RINA.address, '1', RINA_WORDS]) await telegram(RINA_TG, { text });
  const photos = await Promise.all([fakeJpeg(3_000, 41), fakeJpeg(3_500, 42)].map((bytes) => app.storage.attachments.saveImage({ bytes, filename: 'foto-rina.jpg', source: 'telegram' })));
  for (const ref of photos) await telegram(RINA_TG, { photos: [{ ref }] });
  await telegram(RINA_TG, { text: 'selesai' });
  await telegram(RINA_TG, { location: { latitude: -6.2101234, longitude: 106.8201234 } });
  await telegram(RINA_TG, { text: 'ya' });
  fixture.tg1 = TICKET_NUMBER.exec(await lastTextTo(RINA_TG, 'nomor tiket'))?.[0] ?? '';
  fixture.photos = photos.map((p) => p.fileId);
  // Her second Telegram report, and Joko's, opened as the conversation opens them.
  fixture.tg2 = (await app.tickets.create({ channel: 'telegram', reporter: { name: RINA.name, phone: RINA.phone, channelUserId: String(RINA_TG) }, category: 'sampah', description: 'Sampah menumpuk di gang rumah Rina' }, 'reporter')).number;
  fixture.joko = (await app.tickets.create({ channel: 'telegram', reporter: { name: JOKO.name, phone: JOKO.phone, channelUserId: String(JOKO_TG) }, category: 'penerangan_jalan', description: 'Lampu jalan mati' }, 'reporter')).number;
  // On the web chat, with her phone typed another way.
  const web = new WebchatCitizen(app.url);
  fixture.webSession = web.sessionId;
  fixture.web = await web.report({ name: RINA.name, phone: '0812 7777 3131', address: RINA.address, category: 'Drainase / banjir', description: 'Selokan depan rumah Rina meluap' });
  // An operator joined her two accounts as one person (they share her phone).
  const merged = await admin.post(`/api/tickets/${fixture.tg1}/reporter/merge`, { channel: 'webchat', channelUserId: web.sessionId });
  expect(merged.status).toBe(200);
  // At the counter, with her email.
  const form = new FormData();
  form.append('complaint', JSON.stringify({ channel: 'walk_in', reporter: { name: RINA.name, phone: '081277773131', email: RINA.email, address: RINA.address }, category: 'jalan_rusak', description: 'Trotoar rusak, disampaikan langsung di loket' }));
  const walkIn = await fetch(`${app.url}/api/intake`, { method: 'POST', headers: { cookie: admin.cookie ?? '', 'x-csrf-token': admin.csrf ?? '' }, body: form });
  expect(walkIn.status).toBe(201);
  fixture.walkIn = ((await walkIn.json()) as { number: string }).number;
  // Joko follows her first ticket; she follows Joko's (a nearby duplicate each recognised).
  const tickets = ticketModel(db.connection);
  const follower = (f: Omit<Follower, 'at' | 'via'>): Follower => ({ ...f, at: new Date(), via: 'nearby' });
  await tickets.updateOne({ _id: fixture.tg1 }, { $set: { followers: [follower({ channel: 'telegram', channelUserId: String(JOKO_TG), name: JOKO.name, phone: JOKO.phone, description: 'Di depan rumah Joko juga' })], followerCount: 2 } });
  await tickets.updateOne({ _id: fixture.joko }, { $set: { followers: [follower({ channel: 'webchat', channelUserId: web.sessionId, name: RINA.name, phone: RINA.phone, description: 'Lampu mati juga di depan rumah Rina' })], followerCount: 2 } });
  // Where her values sit in free text: the agency's mail about her ticket (it quotes the reporter), an audit entry
  // written by an older version with a value in its detail, and the retention sweep's bookmark (a conversation's key).
  await noticeModel(db.connection).create({ _id: `agency:${fixture.tg1}`, kind: 'agencyNotice', ticketNumber: fixture.tg1, mail: { to: ['dpupr@kota.example'], subject: `Pengaduan ${fixture.tg1}`, text: `Pelapor: ${RINA.name}, ${RINA.phone}\nAlamat pelapor: ${RINA.address}`, messageId: '<n1@kota.example>', attachments: [] }, status: 'sent', attempts: 1, createdAt: new Date() });
  await auditModel(db.connection).create({ _id: `${new Date().toISOString()}:old`, at: new Date(), actor: 'operator:admin', action: 'reply', ticket: fixture.tg1, detail: { caller: '0812-7777-3131' } });
  await db.connection.db?.collection<{ _id: string; id: string }>('retention_runs').insertOne({ _id: 'cursor:conversations', id: `telegram:${String(RINA_TG)}` });
  // Both ask for their data to be deleted.
  await telegram(RINA_TG, { text: 'hapus data saya' });
  await telegram(JOKO_TG, { text: 'hapus data saya' });
  fixture.reference = /PD-[A-Z0-9]+/.exec(await lastTextTo(RINA_TG, 'PD-'))?.[0] ?? '';
  fixture.jokoReference = /PD-[A-Z0-9]+/.exec(await lastTextTo(JOKO_TG, 'PD-'))?.[0] ?? '';
}, 120_000);
afterAll(async () => {
  await app.stop();
  await api.stop();
});

describe('the data protection officer', () => {
  it('finds Rina by every spelling of her phone, her email and her accounts; others are refused', async () => {
    expect(fixture.tg1).toMatch(TICKET_NUMBER);
    const all = [fixture.tg1, fixture.tg2, fixture.web, fixture.walkIn];
    for (const q of ['0812-7777-3131', '+62 812 7777 3131', '6281277773131', RINA.email.toUpperCase(), String(RINA_TG), `telegram:${String(RINA_TG)}`, fixture.webSession]) {
      const found = await dpo.get<{ people: PersonView[] }>(`/api/privacy/people?q=${encodeURIComponent(q)}`);
      expect(found.status, q).toBe(200);
      expect(found.body.people, q).toHaveLength(1);
      const [rina] = found.body.people;
      expect(rina, q).toMatchObject({ name: RINA.name, phone: RINA.phone, email: RINA.email, tickets: all.length + 1 });
      expect(rina?.identities, q).toEqual(expect.arrayContaining([{ channel: 'telegram', channelUserId: String(RINA_TG) }, { channel: 'webchat', channelUserId: fixture.webSession }]));
    }
    expect((await dpo.get<{ people: PersonView[] }>('/api/privacy/people?q=0813-0000-9999')).body.people).toEqual([]);
    expect((await dpo.get<{ error: { code: string } } & { code: string }>('/api/privacy/people?q=ab')).body.code).toBe('query_invalid');
    // Only the DPO holds `personalData`, and reads tickets and the audit trail without acting on them.
    const me = await dpo.get<{ operator: { permissions: string[]; transitions: string[] } }>('/api/auth/me');
    expect(me.body.operator).toMatchObject({ role: 'dpo', permissions: ['read', 'audit', 'personalData'], transitions: [] });
    expect((await admin.get<{ operator: { permissions: string[] } }>('/api/auth/me')).body.operator.permissions).not.toContain('personalData');
    expect((await dpo.get<{ tickets: unknown[] }>('/api/tickets')).status).toBe(200);
    expect((await dpo.post(`/api/tickets/${fixture.tg1}/notes`, { text: 'catatan' })).status).toBe(403);
    for (const other of [admin, agency]) {
      expect((await other.get(`/api/privacy/people?q=${encodeURIComponent(RINA.phone)}`)).status).toBe(403);
      expect((await other.get(path(KEY))).status).toBe(403);
      expect((await other.get('/api/privacy/requests')).status).toBe(403);
    }
    // The search is audited by its kind, never its value.
    const searches = await auditModel(db.connection).find({ action: 'privacy_search' }).lean();
    expect(searches.length).toBeGreaterThanOrEqual(7);
    expect(JSON.stringify(searches)).not.toMatch(/7777|rina|7712345/i);
  });

  it("shows what is stored about her: tickets by role, her open request, counts", async () => {
    const { status, body } = await dpo.get<Detail>(path(KEY));
    expect(status).toBe(200);
    expect(body.tickets.filter((t) => t.role === 'reporter').map((t) => t.number).sort()).toEqual([fixture.tg1, fixture.tg2, fixture.web, fixture.walkIn].sort());
    expect(body.tickets.filter((t) => t.role === 'follower').map((t) => t.number)).toEqual([fixture.joko]);
    expect(body.requests).toEqual([expect.objectContaining({ reference: fixture.reference, status: 'open', channel: 'telegram', channelUserId: String(RINA_TG), personKey: `telegram:${String(RINA_TG)}` })]);
    expect(body.counts.photos).toBe(2);
    expect(body.counts.messages).toBeGreaterThan(20);
    expect((await dpo.get(path('phone:+6281300000000'))).status).toBe(404);
    expect((await dpo.get(path('nonsense'))).status).toBe(404);
  });

  it('exports everything of hers as a .zip: every ticket, her messages, her photos byte for byte, nothing of Joko', async () => {
    const response = await fetch(`${app.url}${path(KEY)}/export`, { headers: { cookie: dpo.cookie ?? '' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="data-pribadi-phone-\+6281277773131-\d{8}\.zip"$/);
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names what the file holds
    const json = <T>(name: string): T => JSON.parse(strFromU8(files[name] ?? new Uint8Array())) as T;
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['README.txt', 'person.json', 'tickets.json', 'messages.json', 'conversations.json', 'data-requests.json', 'audit.json']));
    expect(strFromU8(files['README.txt'] ?? new Uint8Array())).toMatch(/Arsip ini berisi[\s\S]*This archive holds/);
    expect(json<PersonView>('person.json')).toMatchObject({ name: RINA.name, phone: RINA.phone, email: RINA.email });
    const tickets = json<{ number: string; role: string; description?: string }[]>('tickets.json');
    expect(tickets.map((t) => t.number).sort()).toEqual([fixture.tg1, fixture.tg2, fixture.web, fixture.walkIn, fixture.joko].sort());
    expect(tickets.find((t) => t.number === fixture.tg1)?.description).toContain(RINA_WORDS);
    const texts = json<{ text?: string; direction: string }[]>('messages.json');
    expect(texts).toEqual(expect.arrayContaining([{ ...texts.find((m) => m.text === RINA_WORDS), direction: 'from_you' }, expect.objectContaining({ direction: 'to_you', text: expect.stringContaining(fixture.tg1) as string })]));
    expect(texts.some((m) => m.text === 'Selokan depan rumah Rina meluap')).toBe(true);
    expect(json<RequestView[]>('data-requests.json').map((r) => r.reference)).toEqual([fixture.reference]);
    expect(json<{ action: string }[]>('audit.json').length).toBeGreaterThan(0);
    for (const fileId of fixture.photos) {
      const stored = await app.storage.attachments.read(fileId);
      expect(files[`photos/${fixture.tg1}/${fileId}.jpg`]).toEqual(new Uint8Array(stored?.bytes ?? []));
    }
    // Joko follows her ticket and she follows his: nothing of him is in her archive.
    const whole = Object.entries(files).filter(([name]) => !name.startsWith('photos/')).map(([, bytes]) => strFromU8(bytes)).join('\n');
    expect(whole).not.toMatch(/Joko|81355550000|7799001|Di depan rumah Joko/);
    expect(await auditModel(db.connection).countDocuments({ action: 'privacy_export' })).toBe(1);
    // Incident aid: whose data the DPO's account saw is hers alone (`npm run pdp -- accessed`), never Joko's.
    const seen = await accessedBy({ audit: mongoAuditStore(db.connection), ticket: (n) => app.tickets.get(n).catch(() => null) }, 'ppid', new Date(Date.now() - 3_600_000), new Date(Date.now() + 60_000));
    // (listed once per way she reached the city: Telegram, the web chat, the counter)
    expect(new Set(seen.people.map((p) => p.name))).toEqual(new Set([RINA.name]));
    expect(seen.people.flatMap((p) => p.tickets).sort()).toEqual([fixture.tg1, fixture.tg2, fixture.web, fixture.walkIn].sort());
  });

  it('corrects her name on every ticket she reported, with a history entry and an audit entry without values', async () => {
    const bad = await dpo.post(`${path(KEY)}/correct`, { phone: '12', note: 'KTP' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('"field":"phone"');
    // As the inbox sends an action: with an Idempotency-Key; a double click acts once (one history entry).
    const correct = () => fetch(`${app.url}${path(KEY)}/correct`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: dpo.cookie ?? '', 'x-csrf-token': dpo.csrf ?? '', 'idempotency-key': 'dpo-correct-1' }, body: JSON.stringify({ name: 'Rina Kusumawati Dewi', note: 'Sesuai KTP' }) });
    const corrected = await correct();
    expect(corrected.status).toBe(200);
    expect(await corrected.json()).toEqual({ tickets: 5, key: KEY });
    expect((await correct()).headers.get('idempotent-replayed')).toBe('true');
    for (const number of [fixture.tg1, fixture.tg2, fixture.web, fixture.walkIn]) {
      const t = await ticketModel(db.connection).findById(number).lean();
      expect(t?.reporter.name, number).toBe('Rina Kusumawati Dewi');
      expect(t?.history.at(-1), number).toMatchObject({ action: 'reporter_correct', actor: 'operator:ppid', note: 'Sesuai KTP' });
      expect(t?.history.filter((h) => h.action === 'reporter_correct'), number).toHaveLength(1);
    }
    // Her next report on Telegram would reuse the corrected name: the conversation's profile was corrected too.
    const conversation = await conversationModel(db.connection).findById(`telegram:${String(RINA_TG)}`).lean();
    expect(conversation?.state?.profile).toMatchObject({ name: 'Rina Kusumawati Dewi', phone: RINA.phone });
    const jokos = await ticketModel(db.connection).findById(fixture.joko).lean();
    expect(jokos?.reporter.name).toBe(JOKO.name);
    expect(jokos?.followers?.[0]?.name).toBe('Rina Kusumawati Dewi');
    const entry = await auditModel(db.connection).findOne({ action: 'privacy_correct' }).lean();
    expect(entry?.detail).toMatchObject({ fields: ['name'], tickets: 5 });
    expect(JSON.stringify(entry)).not.toMatch(/Rina|7777/);
  });

  it('closes Joko\'s request as refused with a reason he is told on Telegram; a second close is refused', async () => {
    const open = await dpo.get<{ requests: RequestView[] }>('/api/privacy/requests?status=open');
    expect(open.body.requests.map((r) => r.reference)).toEqual([fixture.reference, fixture.jokoReference]);
    expect((await dpo.post(`/api/privacy/requests/${fixture.jokoReference}/close`, { outcome: 'refused', note: '' })).status).toBe(400);
    const closed = await dpo.post<{ request: RequestView }>(`/api/privacy/requests/${fixture.jokoReference}/close`, { outcome: 'refused', note: 'laporan Anda masih diproses oleh dinas' });
    expect(closed.status).toBe(200);
    expect(closed.body.request).toMatchObject({ status: 'closed', outcome: 'refused', note: 'laporan Anda masih diproses oleh dinas' });
    expect(await lastTextTo(JOKO_TG, fixture.jokoReference)).toMatch(/belum dapat kami penuhi\. Alasannya: laporan Anda masih diproses oleh dinas/);
    expect((await dpo.post<{ code: string }>(`/api/privacy/requests/${fixture.jokoReference}/close`, { outcome: 'erased', note: '' })).body.code).toBe('request_closed');
    expect((await dpo.post<{ code: string }>('/api/privacy/requests/PD-ZZZZZZ/close', { outcome: 'erased', note: '' })).body.code).toBe('request_not_found');
  });

  it('erases her: nothing of hers left in any collection, she was told first, Joko keeps his data, the tickets still count', async () => {
    const dashboard = async () => (await admin.get<{ totals?: unknown; byStatus?: unknown; byCategory?: unknown; byChannel?: unknown }>('/api/reports/dashboard?range=7d')).body;
    const before = await dashboard();
    const ticketCount = await ticketModel(db.connection).countDocuments();

    const erased = await dpo.post<{ tickets: number; messages: number; photos: number; conversations: number; undelivered: number }>(`${path(KEY)}/erase`, { photos: 'remove', note: 'Permintaan warga', request: fixture.reference });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect(erased.body, JSON.stringify(erased.body)).toMatchObject({ tickets: 5, photos: 2, conversations: 2, undelivered: 0 });
    expect(erased.body.messages).toBeGreaterThan(20);
    // Told on Telegram before her account went.
    expect(await lastTextTo(RINA_TG, fixture.reference)).toMatch(/sudah selesai: data pribadi Anda .* telah kami hapus/);

    const database = db.connection.db;
    if (!database) throw new Error('not connected');
    const dump: string[] = [];
    for (const { name } of await database.listCollections().toArray()) dump.push(`${name}: ${JSON.stringify(await database.collection(name).find().toArray())}`);
    const everything = dump.join('\n').toLowerCase();
    for (const value of [RINA.name, 'Kusumawati', RINA.phone, '081277773131', '6281277773131', '0812-7777-3131', RINA.email, String(RINA_TG), fixture.webSession, RINA.address, 'Cempaka Putih', RINA_WORDS, 'Selokan depan rumah Rina', 'Sampah menumpuk di gang rumah Rina', 'Lampu mati juga di depan rumah Rina', 'foto-rina']) {
      const at = everything.indexOf(value.toLowerCase());
      expect(at, `${value} in ${everything.slice(Math.max(0, at - 300), at + 100)}`).toBe(-1);
    }
    // Joko's own data is his: still there, and he is still her ticket's follower.
    expect(everything).toContain(JOKO.name.toLowerCase());
    const tg1 = await ticketModel(db.connection).findById(fixture.tg1).lean();
    expect(tg1?.followers?.[0]).toMatchObject({ channelUserId: String(JOKO_TG), name: JOKO.name });
    expect(tg1?.anonymisedAt).toBeInstanceOf(Date);
    for (const fileId of fixture.photos) expect(await app.storage.attachments.read(fileId)).toBeNull();
    expect(await personModel(db.connection).countDocuments()).toBe(0);

    // The tickets stay and still count; the request is closed, its account blanked.
    expect(await ticketModel(db.connection).countDocuments()).toBe(ticketCount);
    expect(await dashboard()).toEqual(before);
    const closed = await dpo.get<{ requests: RequestView[] }>('/api/privacy/requests?status=closed');
    expect(closed.body.requests.find((r) => r.reference === fixture.reference)).toMatchObject({ status: 'closed', outcome: 'erased', channelUserId: '', personKey: '' });
    expect((await dpo.get(path(KEY))).status).toBe(404);

    // A second erasure finds nothing more.
    const again = await dpo.post(`${path(KEY)}/erase`, { photos: 'remove', note: 'lagi' });
    expect(again.body).toEqual({ tickets: 0, messages: 0, photos: 0, conversations: 0, undelivered: 0 });
    const audit = await auditModel(db.connection).find({ action: 'privacy_erase' }).sort({ _id: 1 }).lean();
    expect(audit).toHaveLength(2);
    expect(audit[0]?.detail).toMatchObject({ tickets: 5, photos: 2, decision: 'remove', reason: 'Permintaan warga', requests: [fixture.reference] });
  });

  it('keeps the photos of a person erased with "keep": the files stay on the ticket, without the names they were sent with', async () => {
    const ref = await app.storage.attachments.saveImage({ bytes: fakeJpeg(2_800, 77), filename: 'rumah-sari-jl-melati.jpg', source: 'telegram' });
    const number = (await app.tickets.create({ channel: 'telegram', reporter: { name: 'Sari Wulandari', channelUserId: '7733001' }, category: 'jalan_rusak', description: 'Jalan amblas dekat rumah Sari', attachments: [ref] }, 'reporter')).number;
    const erased = await dpo.post<{ tickets: number; photos: number }>(`${path('telegram:7733001')}/erase`, { photos: 'keep', note: 'Foto menunjukkan jalan, bukan orang' });
    expect(erased.body).toMatchObject({ tickets: 1, photos: 0 });
    const ticket = await ticketModel(db.connection).findById(number).lean();
    expect(ticket?.attachments).toEqual([{ fileId: ref.fileId, sha256: ref.sha256, contentType: ref.contentType, size: ref.size }]);
    expect(ticket?.reporter).toEqual({});
    expect((await app.storage.attachments.read(ref.fileId))?.bytes.length).toBe(ref.size);
    const files = JSON.stringify(await db.connection.db?.collection('attachments.files').find().toArray());
    expect(files).not.toContain('rumah-sari');
  });

  it('follows a corrected phone: the answer names the new key, which finds the person', async () => {
    const number = (await app.tickets.create({ channel: 'phone', reporter: { name: 'Agus', phone: '+6281900001111' }, category: 'sampah', description: 'Sampah menumpuk' }, 'operator:admin')).number;
    const corrected = await dpo.post<{ tickets: number; key: string }>(`${path('phone:+6281900001111')}/correct`, { phone: '0819-0000-2222', note: 'Nomor salah ketik' });
    expect(corrected.body).toEqual({ tickets: 1, key: 'phone:+6281900002222' });
    expect((await dpo.get(path('phone:+6281900001111'))).status).toBe(404);
    expect((await dpo.get<Detail>(path(corrected.body.key))).body.tickets.map((t) => t.number)).toEqual([number]);
  });
});
