// The WhatsApp Cloud API channel end to end: signed webhooks into the real
// service, replies to a local Graph API server.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../../src/app/application.js';
import { messageModel } from '../../../src/storage/models/message.js';
import { ticketModel } from '../../../src/storage/models/ticket.js';
import { startTestApp } from '../../support/app.js';
import { TICKET_NUMBER } from '../../support/conversation.js';
import { useTestDatabase } from '../../support/database.js';
import { FakeGraphApi } from '../../support/graph-api.js';
import { fakeJpeg } from '../../support/images.js';
import { resolvedTicket } from '../../support/resolved.js';
import { until } from '../../support/until.js';

const db = useTestDatabase(import.meta.filename);
const SECRET = 'app-secret-for-tests';
let graph: FakeGraphApi;
let app: RunningApplication;
let counter = 0;

beforeAll(async () => {
  graph = await new FakeGraphApi().start();
  app = await startTestApp(db, (c) => {
    c.channels.whatsappCloud = { ...c.channels.whatsappCloud, token: graph.token, phoneNumberId: graph.phoneNumberId, verifyToken: 'verify-me', appSecret: SECRET, apiRoot: graph.url, followUpTemplate: { name: 'aduan_tindak_lanjut', language: 'id' } };
    c.schedules.outboxRetry = '* * * * * *';
    c.outbox.retryBase = 200;
  });
});
afterAll(async () => {
  await app.stop();
  await graph.stop();
});

const webhook = (from: string, message: Record<string, unknown>) => ({
  object: 'whatsapp_business_account',
  entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: graph.phoneNumberId }, contacts: [{ wa_id: from, profile: { name: 'Wayan' } }], messages: [{ from, id: `wamid.in${String(++counter)}`, timestamp: String(Math.floor(Date.now() / 1_000)), ...message }] } }] }],
});

async function post(payload: unknown, signature: string | undefined = sign(payload)): Promise<Response> {
  return fetch(`${app.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) }, body: JSON.stringify(payload) });
}

function sign(payload: unknown): string {
  return `sha256=${createHmac('sha256', SECRET).update(JSON.stringify(payload)).digest('hex')}`;
}


async function say(from: string, message: Record<string, unknown>, expected: string): Promise<string> {
  const before = graph.textsTo(from).length;
  expect((await post(webhook(from, message))).status).toBe(200);
  let found = '';
  await until(`"${expected}"`, () => (found = graph.textsTo(from).slice(before).find((t) => t.includes(expected)) ?? '') !== '');
  return found;
}

describe('WhatsApp Cloud API channel', () => {
  it('answers the verification handshake only with the right token', async () => {
    const ok = await fetch(`${app.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    expect((await fetch(`${app.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`)).status).toBe(403);
  });

  it('takes a full report with a photo and a location; the phone comes from WhatsApp itself', async () => {
    const from = '6281311112222';
    await say(from, { type: 'text', text: { body: 'halo' } }, 'Silakan pilih layanan');
    const menu = graph.sent.filter((m) => m.to === from).at(-1) as { interactive?: { type: string; action: { buttons: { reply: { id: string; title: string } }[] } } };
    expect(menu.interactive?.type).toBe('button');
    expect(menu.interactive?.action.buttons.map((b) => b.reply.title)).toEqual(['Buat laporan/pengadu', 'Cek status laporan', 'Tanya informasi']);
    await say(from, { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'report', title: 'Buat laporan/pengadu' } } }, 'nama lengkap');
    await say(from, { type: 'text', text: { body: 'I Wayan Sudirta' } }, 'alamat'); // no phone question: WhatsApp knows it
    await say(from, { type: 'text', text: { body: 'Jl. Teuku Umar 88, Denpasar' } }, 'jenis masalah');
    await say(from, { type: 'text', text: { body: '3' } }, 'Ceritakan');
    await say(from, { type: 'text', text: { body: 'Got mampet, air meluap ke jalan tiap hujan.' } }, 'Kirim foto');
    const photo = fakeJpeg(25_000, 77);
    graph.addMedia('media-1', photo);
    await say(from, { type: 'image', image: { id: 'media-1', mime_type: 'image/jpeg', caption: 'depan toko' } }, 'Foto diterima (1/5)');
    await say(from, { type: 'text', text: { body: 'selesai' } }, 'lokasi');
    await say(from, { type: 'location', location: { latitude: -8.6705, longitude: 115.2126, name: 'Toko Sari', address: 'Jl. Teuku Umar 90' } }, 'Ringkasan');
    const done = await say(from, { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Ya' } } }, 'nomor tiket');
    const number = TICKET_NUMBER.exec(done)?.[0];

    const ticket = await ticketModel(db.connection).findById(number).lean();
    expect(ticket).toMatchObject({ channel: 'whatsapp', category: 'drainase_banjir', reporter: { name: 'I Wayan Sudirta', phone: '+6281311112222', channelUserId: from }, location: { latitude: -8.6705, longitude: 115.2126, address: 'Toko Sari, Jl. Teuku Umar 90' } });
    const stored = await app.storage.attachments.read(ticket?.attachments[0]?.fileId ?? '');
    expect(stored?.bytes.equals(photo)).toBe(true);
  });

  it('after a confirmed close asks how satisfied as a list of five (buttons are three at most); the row chosen is stored', async () => {
    const from = '6281355556666';
    const { number } = await resolvedTicket(app.tickets, 'whatsapp', from);
    await until('the result milestone', () => graph.textsTo(from).some((t) => t.includes('sudah menyampaikan hasil')));
    await app.scheduler.runNow('confirmations');
    await until('the confirmation question', () => graph.textsTo(from).some((t) => t.includes('Apakah masalah Anda sudah selesai')));
    await say(from, { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Ya' } } }, 'seberapa puas');
    const question = graph.sent.filter((m) => m.to === from).at(-1) as { interactive?: { type: string; action: { sections: { rows: { id: string; title: string }[] }[] } } };
    expect(question.interactive?.type).toBe('list');
    expect(question.interactive?.action.sections[0]?.rows).toEqual([{ id: '1', title: 'Tidak puas' }, { id: '2', title: 'Kurang puas' }, { id: '3', title: 'Biasa saja' }, { id: '4', title: 'Puas' }, { id: '5', title: 'Sangat puas' }]);
    await say(from, { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: '2', title: 'Kurang puas' } } }, 'mohon maaf penanganannya belum memuaskan');
    expect(await ticketModel(db.connection).findById(number).lean()).toMatchObject({ satisfaction: { score: 2, by: 'reporter' } });
  });

  it('refuses unsigned and wrongly signed posts and stores nothing', async () => {
    const payload = webhook('6281399990000', { type: 'text', text: { body: 'halo' } });
    expect((await post(payload, '')).status).toBe(401);
    expect((await post(payload, 'sha256=' + 'a'.repeat(64))).status).toBe(401);
    expect((await post(payload, sign({ other: 'body' }))).status).toBe(401);
    expect(await messageModel(db.connection).countDocuments({ channelUserId: '6281399990000' })).toBe(0);
  });

  it('processes a repeated delivery once and records delivery statuses', async () => {
    const from = '6281344445555';
    const payload = webhook(from, { type: 'text', text: { body: 'halo' } });
    expect((await post(payload)).status).toBe(200);
    expect((await post(payload)).status).toBe(200);
    await until('menu', () => graph.textsTo(from).length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(graph.textsTo(from).filter((t) => t.includes('Selamat datang'))).toHaveLength(1);

    const sent = await messageModel(db.connection).findOne({ conversationKey: `whatsapp:${from}`, seq: 1 }).lean();
    const statuses = { object: 'whatsapp_business_account', entry: [{ changes: [{ value: { statuses: [{ id: sent?.providerMessageId, status: 'read', timestamp: String(Math.floor(Date.now() / 1_000)), recipient_id: from }] } }] }] };
    expect((await post(statuses)).status).toBe(200);
    expect(await messageModel(db.connection).findOne({ conversationKey: `whatsapp:${from}`, seq: 1 }).lean()).toMatchObject({ status: 'sent', deliveryStatus: 'read' });
  });

  it('retries through Graph API 500s and delivers once; outside the 24-hour window it uses the template', async () => {
    const from = '6281366667777';
    graph.failSends({ status: 500, body: { error: { code: 1, message: 'An unknown error occurred' } } }, { status: 500, body: { error: { code: 2, message: 'Service temporarily unavailable' } } });
    expect((await post(webhook(from, { type: 'text', text: { body: 'halo' } }))).status).toBe(200);
    await until('menu after retries', () => graph.textsTo(from).length >= 2, 20_000);
    expect(graph.textsTo(from).filter((t) => t.includes('Selamat datang'))).toHaveLength(1);

    graph.failSends({ status: 400, body: { error: { code: 131047, message: 'Re-engagement message' } } });
    await app.router.notify({ channel: 'whatsapp', channelUserId: from }, (state) => ({ state, replies: [{ text: 'Laporan Anda sudah ditindaklanjuti.' }] }));
    await until('template', () => graph.sent.some((m) => m.to === from && m.type === 'template'));
    expect(graph.sent.find((m) => m.to === from && m.type === 'template')).toMatchObject({ template: { name: 'aduan_tindak_lanjut', language: { code: 'id' }, components: [{ parameters: [{ text: 'Laporan Anda sudah ditindaklanjuti.' }] }] } });
  });
});
