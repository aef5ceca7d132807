// The public map's data (/peta/data.json) and page (/peta) over real HTTP:
// open and in-progress tickets, resolved or closed ones only within the
// configured window, never merged, forwarded or unplaced ones; locations
// rounded to 3 decimals; filters by category and status; a cap; no personal
// data anywhere. And the status link in the citizen's reply on the web chat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { startTestApp } from '../support/app.js';
import { useTestDatabase } from '../support/database.js';
import { WebchatCitizen } from '../support/webchat.js';

const db = useTestDatabase(import.meta.filename);
const DAY = 86_400_000;
const SECRET = ['Sri Rahayu', '+6281399990000', 'sri@contoh.id', 'Jl. Cempaka 9', 'di depan rumah Pak Harun', '-6.17539', '106.82718'];

interface MapData { tickets: { number: string; category: { code: string; name: string }; status: { code: string; label: string }; latitude: number; longitude: number; reportedAt: string }[]; days: number; capped: boolean }

let app: RunningApplication;
const numbers: Record<string, string> = {};

async function data(query = ''): Promise<MapData> {
  const response = await fetch(`${app.url}/peta/data.json${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as MapData;
}

async function report(key: string, category: string, latitude?: number, longitude?: number): Promise<string> {
  const ticket = await app.tickets.create({
    channel: 'webchat',
    reporter: { name: SECRET[0], phone: SECRET[1], email: SECRET[2], address: SECRET[3], channelUserId: `u-${key}` },
    category,
    description: `Masalah ${SECRET[4] ?? ''}`,
    ...(latitude === undefined ? {} : { location: { latitude, longitude: longitude ?? 0, address: SECRET[3] } }),
  }, 'reporter');
  numbers[key] = ticket.number;
  return ticket.number;
}

beforeAll(async () => {
  app = await startTestApp(db, (c) => { c.public.map.maxTickets = 6; c.public.map.cacheFor = 0; });
  const tickets = ticketModel(app.storage.connection);
  await report('open', 'jalan_rusak', -6.175_39, 106.827_18);
  await report('progress', 'sampah', -6.2, 106.8);
  await app.tickets.transition(numbers.progress ?? '', 'respond', {}, { actor: 'agency:DLH/sari' });
  await report('resolved', 'jalan_rusak', -6.21, 106.81);
  await tickets.updateOne({ _id: numbers.resolved }, { $set: { status: 'resolved', resolvedAt: new Date(Date.now() - 2 * DAY) } });
  await report('oldClosed', 'jalan_rusak', -6.22, 106.82);
  await tickets.updateOne({ _id: numbers.oldClosed }, { $set: { status: 'closed', closedAt: new Date(Date.now() - 40 * DAY), closeReason: 'confirmed' } });
  await report('recentClosed', 'sampah', -6.23, 106.83);
  await tickets.updateOne({ _id: numbers.recentClosed }, { $set: { status: 'closed', closedAt: new Date(Date.now() - 3 * DAY), closeReason: 'confirmed' } });
  await report('merged', 'jalan_rusak', -6.175_4, 106.827_2);
  await tickets.updateOne({ _id: numbers.merged }, { $set: { status: 'closed', closedAt: new Date(), closeReason: 'merged', mergedInto: numbers.open } });
  await report('unplaced', 'jalan_rusak');
  await report('forwarded', 'adminduk', -6.24, 106.84);
  await tickets.updateOne({ _id: numbers.forwarded }, { $set: { status: 'forwarded' } });
});

afterAll(async () => {
  await app.stop();
});

describe('the map data', () => {
  it('has open, in-progress and recently resolved or closed tickets with coordinates, rounded, newest first, and nothing personal', async () => {
    const response = await fetch(`${app.url}/peta/data.json`);
    const body = await response.text();
    const map = JSON.parse(body) as MapData;
    expect(map.days).toBe(30);
    expect(map.capped).toBe(false);
    expect(map.tickets.map((t) => t.number)).toEqual([numbers.recentClosed, numbers.resolved, numbers.progress, numbers.open]);
    expect(map.tickets.at(-1)).toEqual({ number: numbers.open, category: { code: 'jalan_rusak', name: 'Jalan rusak' }, status: { code: 'open', label: 'Menunggu tanggapan' }, latitude: -6.175, longitude: 106.827, reportedAt: expect.any(String) as string });
    for (const secret of SECRET) expect(body).not.toContain(secret);
    expect(Object.keys(map.tickets[0] ?? {}).sort()).toEqual(['category', 'latitude', 'longitude', 'number', 'reportedAt', 'status']);
  });

  it('filters by category, status and days, speaks English on request, and ignores filters it does not know', async () => {
    expect((await data('?category=sampah')).tickets.map((t) => t.number)).toEqual([numbers.recentClosed, numbers.progress]);
    expect((await data('?status=resolved')).tickets.map((t) => t.number)).toEqual([numbers.resolved]);
    expect((await data('?status=closed')).tickets.map((t) => t.number)).toEqual([numbers.recentClosed]);
    expect((await data('?category=jalan_rusak&status=open')).tickets.map((t) => t.number)).toEqual([numbers.open]);
    expect((await data('?days=1')).tickets.map((t) => t.number)).toEqual([numbers.progress, numbers.open]);
    expect((await data('?days=60&status=bogus&category=%3Cscript%3E')).tickets).toHaveLength(4);
    expect((await data('?lang=en&status=open')).tickets[0]?.status.label).toBe('Waiting for a response');
  });

  it('is capped at public.map.maxTickets, newest first', async () => {
    for (let i = 0; i < 4; i++) await report(`extra${String(i)}`, 'sampah', -6.3 - i / 100, 106.9);
    const map = await data();
    expect(map.tickets).toHaveLength(6);
    expect(map.capped).toBe(true);
    expect(map.tickets[0]?.number).toBe(numbers.extra3);
  });
});

describe('the map page', () => {
  it('works without script: the filters as a form, the same tickets as a table, the chosen filter kept', async () => {
    const response = await fetch(`${app.url}/peta?category=jalan_rusak`);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(html).toContain('<html lang="id">');
    expect(html).toContain('<h1>Peta pengaduan</h1>');
    expect(html).toContain('<option value="jalan_rusak" selected>Jalan rusak</option>');
    expect(html).toContain(`<td data-label="Nomor">${numbers.open ?? ''}</td>`);
    expect(html).toContain('-6.175, 106.827');
    expect(html).not.toContain(numbers.progress ?? '');
    for (const secret of SECRET) expect(html).not.toContain(secret);
    const english = await (await fetch(`${app.url}/peta?lang=en`)).text();
    expect(english).toContain('<h1>Complaints map</h1>');
  });

  it('serves its script and Leaflet from this site', async () => {
    for (const [name, type] of [['peta.js', 'text/javascript'], ['leaflet.js', 'text/javascript'], ['leaflet.css', 'text/css']] as const) {
      const response = await fetch(`${app.url}/peta/assets/${name}`);
      expect(response.status, name).toBe(200);
      expect(response.headers.get('content-type')).toContain(type);
    }
    expect((await fetch(`${app.url}/peta/assets/..%2Fpackage.json`)).status).toBe(404);
  });
});

describe('the status link in the citizen\'s messages', () => {
  it('comes with the ticket number in the web chat reply, and opens the ticket\'s page', async () => {
    const citizen = new WebchatCitizen(app.url);
    await citizen.say('halo');
    await citizen.say('1');
    await citizen.say('Sri Rahayu');
    await citizen.say('081399990000');
    await citizen.say('Jl. Cempaka 9');
    await citizen.say('1');
    await citizen.say('Lubang besar di jalan');
    await citizen.say('selesai');
    await citizen.say('Jl. Cempaka 9 depan masjid');
    const created = await citizen.say('Ya');
    const match = /Lihat perkembangannya di: http:\/\/localhost:\d+(\/t\/([A-Z]+-\d{4}-\d{5})\?k=([A-Za-z0-9_-]{24}))/.exec(created);
    expect(match, created).not.toBeNull();
    const [, path = '', number = '', token = ''] = match ?? [];
    expect((await app.tickets.get(number)).publicToken).toBe(token);
    const page = await fetch(`${app.url}${path}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`Laporan ${number}`);

    const status = await citizen.say(`STATUS ${number}`);
    expect(status).toContain(path);
  });
});
