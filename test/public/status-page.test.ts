// The public status page of a ticket (/t/<number>?k=<token>) over real HTTP on
// the whole service: the right token shows status, agency, milestones, result
// and the photos an operator published; a wrong or missing token answers
// exactly like an unknown number; no personal data of the reporter or the
// followers appears in the HTML or the JSON; an operator publishes a photo
// with a region blacked out, and the served copy is black there.
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import type { Ticket } from '../../src/tickets/model.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp } from '../support/inbox.js';

const db = useTestDatabase(import.meta.filename);

/** Everything personal the ticket holds: none of it may appear on a public page. */
const PERSONAL = {
  reporterName: 'Bambang Sutrisno',
  reporterPhone: '+6281234567890',
  reporterEmail: 'bambang.s@contoh.id',
  reporterAddress: 'Jl. Kenanga No. 17 RT 03/RW 05',
  description: 'Jalan berlubang besar di depan rumah Bu Ratna nomor 21',
  followerName: 'Wulan Pertiwi',
  followerPhone: '+6285700001111',
  followerEmail: 'wulan.p@contoh.id',
  followerAddress: 'Gang Melati 4',
  followerDescription: 'lubangnya makin dalam kata Pak RT Darmo',
  note: 'Catatan internal: pelapor sering menelepon',
  historyNote: 'Dicek oleh Pak Joko dari DPUPR',
  operator: 'dpupr.budi',
  exactLatitude: '-7.2574',
  channelUserId: 'wa-628123456',
};

/** A photo the browser could show: width×height, white, so black pixels can only come from the black-out. */
function whiteJpeg(width = 200, height = 100): Buffer {
  const data = Buffer.alloc(width * height * 4, 255);
  return jpeg.encode({ width, height, data }, 90).data;
}

let app: RunningApplication;
let admin: OperatorSession;
let agency: OperatorSession;
let ticket: Ticket;

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await fetch(`${app.url}${path}`, { headers });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

const pagePath = (t: Pick<Ticket, 'number' | 'publicToken'>, token = t.publicToken ?? '') => `/t/${t.number}?k=${encodeURIComponent(token)}`;

function expectNoPersonalData(body: string): void {
  for (const [what, value] of Object.entries(PERSONAL)) expect(body, `${what} must not be on a public page`).not.toContain(value);
  // The exact coordinates neither (only 3 decimals).
  expect(body).not.toMatch(/-7\.2574|112\.7521/);
}

beforeAll(async () => {
  app = await startInboxApp(db, (c) => { c.public.baseUrl = 'https://aduan.kotacontoh.go.id/'; });
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  agency = await OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1');
  const photo = await app.storage.attachments.saveImage({ bytes: whiteJpeg(), filename: 'lubang.jpg', source: 'test' });
  const created = await app.tickets.create({
    channel: 'whatsapp',
    reporter: { name: PERSONAL.reporterName, phone: PERSONAL.reporterPhone, email: PERSONAL.reporterEmail, address: PERSONAL.reporterAddress, channelUserId: PERSONAL.channelUserId },
    category: 'jalan_rusak',
    description: PERSONAL.description,
    attachments: [photo],
    location: { latitude: -7.257_43, longitude: 112.752_18, address: PERSONAL.reporterAddress },
  }, 'reporter');
  await app.tickets.transition(created.number, 'respond', {}, { actor: `agency:DPUPR/${PERSONAL.operator}`, note: PERSONAL.historyNote });
  // Followers and notes as the inbox and the duplicate search store them.
  await ticketModel(app.storage.connection).updateOne({ _id: created.number }, {
    $set: {
      followers: [{ channel: 'telegram', channelUserId: '99887766', name: PERSONAL.followerName, phone: PERSONAL.followerPhone, email: PERSONAL.followerEmail, address: PERSONAL.followerAddress, at: new Date(), via: 'nearby', description: PERSONAL.followerDescription }],
      followerCount: 1,
      notes: [{ at: new Date(), author: 'admin', text: PERSONAL.note }],
    },
  });
  ticket = await app.tickets.get(created.number);
});

afterAll(async () => {
  await app.stop();
});

describe('the status link', () => {
  it('is unguessable: every ticket gets its own random token of 24 base64url characters', async () => {
    const other = await app.tickets.create({ channel: 'webchat', reporter: { channelUserId: 'x' }, category: 'sampah', description: 'Sampah menumpuk' }, 'reporter');
    expect(ticket.publicToken).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(other.publicToken).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(other.publicToken).not.toBe(ticket.publicToken);
  });

  it('is given to a ticket older than the links once, however many ask at the same time', async () => {
    const old = await app.tickets.create({ channel: 'webchat', reporter: { channelUserId: 'y' }, category: 'sampah', description: 'Sampah lama' }, 'reporter');
    await ticketModel(app.storage.connection).updateOne({ _id: old.number }, { $unset: { publicToken: 1 } });
    const stripped = await app.tickets.get(old.number);
    expect(stripped.publicToken).toBeUndefined();
    const tokens = await Promise.all([app.tickets.publicToken(stripped), app.tickets.publicToken(stripped), app.tickets.publicToken(stripped)]);
    expect(new Set(tokens).size).toBe(1);
    expect((await app.tickets.get(old.number)).publicToken).toBe(tokens[0]);
    expect((await get(pagePath({ number: old.number, publicToken: tokens[0] }))).status).toBe(200);
  });
});

describe('the status page', () => {
  it('shows number, category, agency, status in words and the milestones, in Indonesian by default', async () => {
    const page = await get(pagePath(ticket));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.body).toContain('<html lang="id">');
    expect(page.body).toContain(`Laporan ${ticket.number}`);
    expect(page.body).toContain('Jalan rusak');
    expect(page.body).toContain('Dinas Pekerjaan Umum dan Penataan Ruang');
    expect(page.body).toContain('Sedang ditindaklanjuti');
    expect(page.body).toContain('Laporan diterima');
    expect(page.body).toContain('Mulai ditindaklanjuti');
    expect(page.body).toContain('1 warga lain melaporkan masalah yang sama.');
    // Rounded to about 100 m.
    expect(page.body).toContain('-7.257, 112.752');
    expectNoPersonalData(page.body);
  });

  it('speaks English when asked (?lang=en or Accept-Language) and links to the other language', async () => {
    const asked = await get(`${pagePath(ticket)}&lang=en`);
    expect(asked.body).toContain('<html lang="en">');
    expect(asked.body).toContain(`Report ${ticket.number}`);
    expect(asked.body).toContain('Damaged road');
    expect(asked.body).toContain('Being followed up');
    expect(asked.body).toContain('One other resident reported the same problem.');
    expect(asked.body).toMatch(/href="\/t\/[^"]*lang=id"[^>]*>Bahasa Indonesia</);
    const browser = await get(pagePath(ticket), { 'accept-language': 'en-GB,en;q=0.9,id;q=0.5' });
    expect(browser.body).toContain('<html lang="en">');
    const indonesian = await get(pagePath(ticket), { 'accept-language': 'id-ID,id;q=0.9,en;q=0.8' });
    expect(indonesian.body).toContain('<html lang="id">');
  });

  it('gives the same JSON without personal data (Accept: application/json or .json)', async () => {
    const byHeader = await get(pagePath(ticket), { accept: 'application/json' });
    const bySuffix = await get(`/t/${ticket.number}.json?k=${ticket.publicToken ?? ''}`);
    expect(byHeader.status).toBe(200);
    expect(bySuffix.status).toBe(200);
    const view = JSON.parse(bySuffix.body) as Record<string, unknown>;
    expect(JSON.parse(byHeader.body)).toEqual(view);
    expect(view).toMatchObject({ number: ticket.number, category: { code: 'jalan_rusak', name: 'Jalan rusak' }, status: { code: 'in_progress', label: 'Sedang ditindaklanjuti' }, agency: 'Dinas Pekerjaan Umum dan Penataan Ruang', followers: 1, location: { latitude: -7.257, longitude: 112.752 }, photos: [] });
    expect((view.milestones as { step: string }[]).map((m) => m.step)).toEqual(['create', 'respond']);
    expect(Object.keys(view)).not.toContain('reporter');
    expect(Object.keys(view)).not.toContain('description');
    expectNoPersonalData(bySuffix.body);
  });

  it('answers a wrong or missing token exactly like an unknown number: the same 404', async () => {
    const unknown = await get('/t/ADU-2001-99999?k=AAAAAAAAAAAAAAAAAAAAAAAA');
    const wrong = await get(pagePath(ticket, 'AAAAAAAAAAAAAAAAAAAAAAAA'));
    const shorter = await get(pagePath(ticket, (ticket.publicToken ?? '').slice(0, 10)));
    const missing = await get(`/t/${ticket.number}`);
    const malformed = await get('/t/not-a-number?k=x');
    for (const answer of [wrong, shorter, missing, malformed]) {
      expect(answer.status).toBe(404);
      expect(answer.body).toBe(unknown.body);
    }
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain('Halaman tidak ditemukan');
    const json = await get(`/t/${ticket.number}.json?k=wrong`);
    expect(json.status).toBe(404);
    expect(JSON.parse(json.body)).toEqual({ error: 'not_found' });
  });

  it('escapes what operators and agencies wrote', async () => {
    const result = await app.tickets.create({ channel: 'webchat', reporter: { channelUserId: 'z' }, category: 'sampah', description: 'x' }, 'reporter');
    await app.tickets.transition(result.number, 'respond', {}, { actor: 'agency:DLH/sari' });
    await app.tickets.transition(result.number, 'submitResult', { text: 'Sudah diangkut <script>alert(1)</script> & "bersih"' }, { actor: 'agency:DLH/sari' });
    const beforeValidation = await get(pagePath(result));
    // The result waits for the central operator's validation before it is public.
    expect(beforeValidation.body).not.toContain('Sudah diangkut');
    await app.tickets.transition(result.number, 'validate', {}, { actor: 'operator:admin' });
    const page = await get(pagePath(result));
    expect(page.body).toContain('Hasil tindak lanjut');
    expect(page.body).toContain('Sudah diangkut &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;bersih&quot;');
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).toContain('Sudah ditindaklanjuti');
  });
});

describe('public photos', () => {
  it('serves only photos an operator published, as a fresh copy with the chosen regions black', async () => {
    const originalId = ticket.attachments[0]?.fileId ?? '';
    const original = await get(`/t/${ticket.number}/photos/${originalId}?k=${ticket.publicToken ?? ''}`);
    expect(original.status).toBe(404);

    const marked = await agency.request<{ photos: { fileId: string; public?: { url: string } }[]; statusUrl: string }>('POST', `/api/tickets/${ticket.number}/photos/${originalId}/public`, { regions: [{ x: 0.5, y: 0.5, w: 0.25, h: 0.5 }] });
    expect(marked.status).toBe(200);
    expect(marked.body.statusUrl).toBe(`https://aduan.kotacontoh.go.id/t/${ticket.number}?k=${ticket.publicToken ?? ''}`);
    const publicUrl = marked.body.photos[0]?.public?.url ?? '';
    expect(publicUrl).toMatch(new RegExp(`^/t/${ticket.number}/photos/[0-9a-f]{24}\\?k=`));
    expect(publicUrl).not.toContain(originalId);

    const page = await get(pagePath(ticket));
    expect(page.body).toContain(`<img src="${publicUrl.replace('&', '&amp;')}"`);
    expect(page.body).toContain(`alt="Foto laporan ${ticket.number} (1)"`);

    const served = await fetch(`${app.url}${publicUrl}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(served.headers.get('cache-control')).toBe('private, max-age=3600');
    const image = jpeg.decode(Buffer.from(await served.arrayBuffer()), { useTArray: true });
    const pixel = (x: number, y: number) => Array.from(image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 3));
    expect(image.width).toBe(200);
    // Inside the region (x 100–150, y 50–100): black; outside: still white (JPEG rounding aside).
    for (const [x, y] of [[100, 50], [125, 75], [149, 99]] as const) expect(Math.max(...pixel(x, y)), `pixel ${String(x)},${String(y)}`).toBeLessThan(16);
    for (const [x, y] of [[10, 10], [90, 75], [170, 75], [125, 20]] as const) expect(Math.min(...pixel(x, y)), `pixel ${String(x)},${String(y)}`).toBeGreaterThan(235);

    // Another ticket's token does not open it.
    const otherTicket = await app.tickets.create({ channel: 'webchat', reporter: { channelUserId: 'q' }, category: 'sampah', description: 'y' }, 'reporter');
    expect((await get(publicUrl.replace(/k=.*/, `k=${otherTicket.publicToken ?? ''}`))).status).toBe(404);

    const audit = await admin.get<{ entries: { action: string; ticket?: string }[] }>(`/api/audit?ticket=${ticket.number}`);
    expect(JSON.stringify(audit.body)).toContain('publish_photo');

    const unmarked = await agency.request('DELETE', `/api/tickets/${ticket.number}/photos/${originalId}/public`);
    expect(unmarked.status).toBe(200);
    expect((await get(publicUrl)).status).toBe(404);
    expect((await get(pagePath(ticket))).body).not.toContain('<img');
  });

  it('refuses what cannot be published and those who may not publish', async () => {
    const originalId = ticket.attachments[0]?.fileId ?? '';
    const outside = await agency.request('POST', `/api/tickets/${ticket.number}/photos/${originalId}/public`, { regions: [{ x: 0.9, y: 0, w: 0.5, h: 0.5 }] });
    expect(outside.status).toBe(400);
    const kabid = await OperatorSession.login(app.url, 'kabid', 'password-kabid-1');
    expect((await kabid.request('POST', `/api/tickets/${ticket.number}/photos/${originalId}/public`, {})).status).toBe(403);
    const dlh = await OperatorSession.login(app.url, 'dlh.sari', 'password-dlh-01');
    expect((await dlh.request('POST', `/api/tickets/${ticket.number}/photos/${originalId}/public`, {})).status).toBe(404);
    const gif = await app.storage.attachments.saveImage({ bytes: Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64'), filename: 'a.gif' });
    const withGif = await app.tickets.create({ channel: 'webchat', reporter: { channelUserId: 'g' }, category: 'sampah', description: 'gif', attachments: [gif] }, 'reporter');
    const refused = await admin.request<{ code: string }>('POST', `/api/tickets/${withGif.number}/photos/${gif.fileId}/public`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('photo_not_publishable');
  });
});

describe('the map under load', () => {
  it('answers from a short cache: one query per filter every public.map.cacheFor (30 s)', async () => {
    const before = JSON.parse((await get('/peta/data.json?category=sampah')).body) as { tickets: unknown[] };
    await app.tickets.create({ channel: 'webchat', reporter: { channelUserId: 'cache' }, category: 'sampah', description: 'baru', location: { latitude: -7.3, longitude: 112.7 } }, 'reporter');
    const cached = JSON.parse((await get('/peta/data.json?category=sampah')).body) as { tickets: unknown[] };
    expect(cached.tickets).toHaveLength(before.tickets.length);
    // Another filter is another query, and sees the new ticket.
    const fresh = JSON.parse((await get('/peta/data.json?category=sampah&status=open')).body) as { tickets: { latitude: number }[] };
    expect(fresh.tickets.some((t) => t.latitude === -7.3)).toBe(true);
  });
});
