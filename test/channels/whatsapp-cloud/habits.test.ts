// How people really use WhatsApp, over signed webhooks into the real service:
// several photos at once (one acknowledgement), a voice note (kept for the
// operators and answered), a location pin without coordinates (asked again).
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
import { until } from '../../support/until.js';

const db = useTestDatabase(import.meta.filename);
const SECRET = 'app-secret-for-habits';
let graph: FakeGraphApi;
let app: RunningApplication;
let counter = 0;

beforeAll(async () => {
  graph = await new FakeGraphApi().start();
  app = await startTestApp(db, (c) => {
    c.channels.whatsappCloud = { ...c.channels.whatsappCloud, token: graph.token, phoneNumberId: graph.phoneNumberId, verifyToken: 'verify-me', appSecret: SECRET, apiRoot: graph.url };
    c.conversation.settleWindow = 600;
  });
});
afterAll(async () => {
  await app.stop();
  await graph.stop();
});

const message = (from: string, content: Record<string, unknown>) => ({ from, id: `wamid.habit${String(++counter)}`, timestamp: String(Math.floor(Date.now() / 1_000)), ...content });
const webhook = (from: string, ...messages: Record<string, unknown>[]) => ({
  object: 'whatsapp_business_account',
  entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: graph.phoneNumberId }, contacts: [{ wa_id: from, profile: { name: 'Wayan' } }], messages: messages.map((m) => message(from, m)) } }] }],
});
async function post(payload: unknown): Promise<void> {
  const body = JSON.stringify(payload);
  const response = await fetch(`${app.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` }, body });
  expect(response.status).toBe(200);
}
async function say(from: string, content: Record<string, unknown>, expected: string): Promise<void> {
  const before = graph.textsTo(from).length;
  await post(webhook(from, content));
  await until(`"${expected}"`, () => graph.textsTo(from).slice(before).some((t) => t.includes(expected)));
}
const text = (body: string) => ({ type: 'text', text: { body } });

async function toPhotoStep(from: string): Promise<void> {
  await say(from, text('halo'), 'Silakan pilih layanan');
  await say(from, text('1'), 'nama lengkap');
  await say(from, text('Ni Made Sari'), 'alamat');
  await say(from, text('Jl. Hayam Wuruk 12, Denpasar'), 'jenis masalah');
  await say(from, text('2'), 'Ceritakan');
  await say(from, text('Sampah menumpuk di pinggir jalan sejak seminggu.'), 'Kirim foto');
}

describe('WhatsApp habits', () => {
  it('three photos sent together are acknowledged once, and all three are on the ticket', async () => {
    const from = '6281377770001';
    await toPhotoStep(from);
    const before = graph.textsTo(from).length;
    const photos = [1, 2, 3].map((i) => fakeJpeg(20_000 + i, 90 + i));
    photos.forEach((bytes, i) => { graph.addMedia(`album-${String(i)}`, bytes); });
    // Meta delivers a burst as one webhook with three messages (or several webhooks close together).
    await post(webhook(from, ...photos.map((_b, i) => ({ type: 'image', image: { id: `album-${String(i)}`, mime_type: 'image/jpeg' } }))));
    await until('the acknowledgement', () => graph.textsTo(from).slice(before).some((t) => t.includes('Foto diterima')));
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // longer than the settle window: nothing else comes
    expect(graph.textsTo(from).slice(before)).toEqual([expect.stringContaining('Foto diterima (3/5)')]);

    await say(from, text('selesai'), 'lokasi');
    await say(from, { type: 'location', location: { latitude: -8.65, longitude: 115.22 } }, 'Ringkasan');
    await say(from, { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Ya' } } }, 'nomor tiket');
    const number = TICKET_NUMBER.exec(graph.textsTo(from).at(-1) ?? '')?.[0];
    const ticket = await ticketModel(db.connection).findById(number).lean();
    expect(ticket?.attachments).toHaveLength(3);
    // The replaced acknowledgements are not in the thread either.
    const superseded = await messageModel(db.connection).countDocuments({ conversationKey: `whatsapp:${from}`, status: 'superseded' });
    expect(superseded).toBe(2);
  });

  it('a voice note is kept for the operators and answered with what to send instead; a pin without coordinates is asked again', async () => {
    const from = '6281377770002';
    await say(from, text('halo'), 'Silakan pilih layanan');
    const recording = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(3_000, 7)]);
    graph.addMedia('voice-1', recording);
    await say(from, { type: 'audio', audio: { id: 'voice-1', mime_type: 'audio/ogg; codecs=opus', voice: true } }, 'pesan suara Anda kami simpan');
    await until('the question again', () => graph.textsTo(from).at(-1)?.includes('Silakan pilih layanan') === true);
    const stored = await messageModel(db.connection).findOne({ conversationKey: `whatsapp:${from}`, direction: 'in', unsupported: 'voice' }).lean();
    expect(stored?.voice?.contentType).toBe('audio/ogg');
    expect((await app.storage.attachments.read(stored?.voice?.fileId ?? ''))?.bytes.equals(recording)).toBe(true);

    await say(from, { type: 'location', location: { name: 'Pasar Badung' } }, 'tidak memuat titik koordinat');
  });
});
