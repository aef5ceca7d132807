// The web chat API over real HTTP, on the real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../../src/app/application.js';
import { ticketModel } from '../../../src/storage/models/ticket.js';
import { startTestApp } from '../../support/app.js';
import { TICKET_NUMBER } from '../../support/conversation.js';
import { useTestDatabase } from '../../support/database.js';
import { WebchatCitizen } from '../../support/webchat.js';
import { fakeJpeg } from '../../support/images.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;

beforeAll(async () => {
  app = await startTestApp(db, (c) => { c.limits.photoMaxBytes = 50_000; });
});
afterAll(async () => { await app.stop(); });

class Browser extends WebchatCitizen {
  constructor(sessionId: string) {
    super(app.url, sessionId);
  }
}

describe('web chat API', () => {
  it('takes a whole report over HTTP, photo upload and location included', async () => {
    const me = new Browser('session-aaaaaaaaaaaa-1');
    expect(await me.say('halo')).toContain('Selamat datang');
    await me.say('1');
    await me.say('Lina Marlina');
    await me.say('081211112222');
    await me.say('Jl. Kamboja 9');
    await me.say('Penerangan jalan umum');
    expect(await me.say('Lampu PJU di depan masjid mati sejak tiga hari.')).toContain('Kirim foto');

    const jpeg = fakeJpeg(20_000, 9);
    expect((await me.photo(jpeg, 'lampu.jpg')).status).toBe(202);
    expect((await me.poll()).map((m) => m.text).join()).toContain('Foto diterima (1/5)');
    const askLocation = (await me.say('selesai'));
    expect(askLocation).toContain('lokasi');
    expect((await me.post({ location: { latitude: -6.175392, longitude: 106.827153 } })).status).toBe(202);
    const summary = await me.poll();
    expect(summary.at(-1)?.choices?.map((c) => c.label)).toEqual(['Ya', 'Tidak']);
    const done = await me.say('Ya');
    const number = TICKET_NUMBER.exec(done)?.[0];
    expect(number).toBeDefined();

    const ticket = await ticketModel(db.connection).findById(number).lean();
    expect(ticket).toMatchObject({ channel: 'webchat', agency: 'DPRKP', location: { latitude: -6.175392, longitude: 106.827153 }, reporter: { channelUserId: me.sessionId } });
    expect(ticket?.attachments).toHaveLength(1);
    const stored = await app.storage.attachments.read(ticket?.attachments[0]?.fileId ?? '');
    expect(stored?.bytes.equals(jpeg)).toBe(true);
  });

  it('shows a photo the bot sends only to its own session', async () => {
    const me = new Browser('session-ffffffffffff-6');
    await me.say('halo');
    const bytes = fakeJpeg(12_000, 61);
    const ref = await app.storage.attachments.saveImage({ bytes });
    await app.router.notify({ channel: 'webchat', channelUserId: me.sessionId }, (state) => ({ state, replies: [{ text: '', photo: ref }, { text: 'Hasil perbaikan' }] }));
    const [photoMessage] = await me.poll();
    expect(photoMessage?.photo).toBe(`/api/webchat/photos/${String(photoMessage?.id)}?sessionId=${me.sessionId}`);
    const response = await fetch(`${app.url}${photoMessage?.photo ?? ''}`);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    const stranger = await fetch(`${app.url}/api/webchat/photos/${String(photoMessage?.id)}?sessionId=session-gggggggggggg-7`);
    expect(stranger.status).toBe(404);
  });

  it('answers a non-image and an oversized photo politely', async () => {
    const me = new Browser('session-bbbbbbbbbbbb-2');
    await me.say('halo');
    expect((await me.photo(Buffer.from('%PDF-1.7 not a photo'), 'foto.jpg')).status).toBe(202);
    expect((await me.poll()).map((m) => m.text).join()).toContain('bukan foto');
    expect((await me.photo(fakeJpeg(60_000), 'besar.jpg')).status).toBe(202);
    expect((await me.poll()).map((m) => m.text).join()).toContain('foto terlalu besar');
  });

  it('gives a reopened page both sides of the conversation in order, and the person\'s photo to its own session only', async () => {
    const me = new Browser('session-hhhhhhhhhhhh-8');
    await me.say('halo');
    await me.say('1');
    await me.say('Lina Marlina');
    const jpeg = fakeJpeg(8_000, 81);
    const form = new FormData();
    form.append('sessionId', me.sessionId);
    form.append('messageId', 'photo-1');
    form.append('photo', new Blob([jpeg]), 'rumah.jpg');
    expect((await fetch(`${app.url}/api/webchat/messages`, { method: 'POST', body: form })).status).toBe(202);
    await me.poll();
    expect((await me.post({ location: { latitude: -6.2, longitude: 106.8 }, messageId: 'here-1' })).status).toBe(202);
    await me.poll();

    const response = await fetch(`${app.url}/api/webchat/history?sessionId=${me.sessionId}`);
    const history = (await response.json()) as { messages: { from: string; id: number | string; text?: string; choices?: { label: string }[]; photo?: string; location?: unknown }[]; after: number };
    const shown = history.messages.map((m) => `${m.from}: ${m.text ?? m.photo ?? JSON.stringify(m.location)}`);
    const mine = shown.filter((m) => m.startsWith('me: '));
    expect(mine).toEqual(['me: halo', 'me: 1', 'me: Lina Marlina', `me: /api/webchat/uploads/photo-1?sessionId=${me.sessionId}`, 'me: {"latitude":-6.2,"longitude":106.8}']);
    // Each answer right after the question it answers, and the bot's messages with their sequence numbers.
    expect(shown.indexOf('me: Lina Marlina')).toBe(shown.findIndex((m) => m.includes('nama lengkap')) + 1);
    const bot = history.messages.filter((m) => m.from === 'bot');
    expect(bot.map((m) => m.id)).toEqual(bot.map((_m, i) => i + 1));
    expect(history.after).toBe(me.after);
    expect(bot.find((m) => m.choices)?.choices?.map((c) => c.label)).toEqual(['Buat laporan/pengaduan', 'Cek status laporan', 'Tanya informasi']);

    const own = await fetch(`${app.url}/api/webchat/uploads/photo-1?sessionId=${me.sessionId}`);
    expect(own.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await own.arrayBuffer()).equals(jpeg)).toBe(true);
    expect((await fetch(`${app.url}/api/webchat/uploads/photo-1?sessionId=session-iiiiiiiiiiii-9`)).status).toBe(404);
    expect((await fetch(`${app.url}/api/webchat/uploads/here-1?sessionId=${me.sessionId}`)).status).toBe(404);
    expect(await (await fetch(`${app.url}/api/webchat/history?sessionId=session-jjjjjjjjjjjj-0`)).json()).toEqual({ messages: [], after: 0 });
  });

  it('ignores a repeated POST with the same messageId', async () => {
    const me = new Browser('session-cccccccccccc-3');
    const first = await (await me.post({ text: 'halo', messageId: 'm-1' })).json();
    const again = await (await me.post({ text: 'halo', messageId: 'm-1' })).json();
    expect(first).toEqual({ accepted: true, duplicate: false });
    expect(again).toEqual({ accepted: true, duplicate: true });
    expect((await me.poll()).filter((m) => m.text.includes('Selamat datang'))).toHaveLength(1);
  });

  it('long-polls: a waiting GET returns as soon as the reply exists', async () => {
    const me = new Browser('session-dddddddddddd-4');
    const started = Date.now();
    const waiting = me.poll(20);
    await new Promise((r) => setTimeout(r, 300));
    await me.post({ text: 'halo' });
    const messages = await waiting;
    expect(messages.map((m) => m.text).join()).toContain('Selamat datang');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('rejects malformed requests with a clear message', async () => {
    const bad = async (body: unknown) => {
      const response = await fetch(`${app.url}/api/webchat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as { message: string } };
    };
    expect(await bad({ sessionId: 'x', text: 'halo' })).toMatchObject({ status: 400, body: { message: 'sessionId: expected 16–64 letters, digits, - or _' } });
    expect(await bad({ sessionId: 'session-eeeeeeeeeeee-5' })).toMatchObject({ status: 400, body: { message: 'body: expected "text" or "location"' } });
    expect(await bad({ sessionId: 'session-eeeeeeeeeeee-5', text: { $gt: '' } })).toMatchObject({ status: 400 });
    expect(await bad({ sessionId: 'session-eeeeeeeeeeee-5', location: { latitude: 'x', longitude: 1 } })).toMatchObject({ status: 400 });
    const get = await fetch(`${app.url}/api/webchat/messages?sessionId=short`);
    expect(get.status).toBe(400);
  });
});
