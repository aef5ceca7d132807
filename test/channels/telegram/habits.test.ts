// How people really use Telegram, over the Bot API: an album of photos (one
// acknowledgement, every photo kept) and a voice note (kept for the
// operators and answered).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../../src/app/application.js';
import { messageModel } from '../../../src/storage/models/message.js';
import { ticketModel } from '../../../src/storage/models/ticket.js';
import { ADMIN, OperatorSession, startInboxApp } from '../../support/inbox.js';
import { FakeBotApi } from '../../support/bot-api.js';
import { TICKET_NUMBER } from '../../support/conversation.js';
import { useTestDatabase } from '../../support/database.js';
import { fakeJpeg } from '../../support/images.js';
import { until } from '../../support/until.js';

const db = useTestDatabase(import.meta.filename);
let api: FakeBotApi;
let app: RunningApplication | undefined;

beforeAll(async () => { api = await new FakeBotApi().start(); });
afterEach(async () => { await app?.stop(); app = undefined; });
afterAll(async () => { await api.stop(); });

async function start(): Promise<RunningApplication> {
  app = await startInboxApp(db, (c) => {
    c.channels.telegram.botToken = api.token;
    c.channels.telegram.apiRoot = api.url;
    c.conversation.settleWindow = 600;
  });
  return app;
}

async function say(user: number, content: Record<string, unknown>, expected: string): Promise<void> {
  const before = api.textsTo(user).length;
  api.push(api.message(user, content));
  await until(`"${expected}"`, () => api.textsTo(user).slice(before).some((t) => t.includes(expected)));
}

describe('Telegram habits', () => {
  it('an album of three photos is acknowledged once, and all three are on the ticket', async () => {
    await start();
    const user = 7401;
    await say(user, { text: '/start', entities: [{ type: 'bot_command', offset: 0, length: 6 }] }, 'Silakan pilih layanan');
    await say(user, { text: '1' }, 'nama lengkap');
    await say(user, { text: 'Kadek Dwi' }, 'nomor HP');
    await say(user, { text: '081234509876' }, 'alamat');
    await say(user, { text: 'Jl. Sudirman 7, Denpasar' }, 'jenis masalah');
    await say(user, { text: '1' }, 'Ceritakan');
    await say(user, { text: 'Jalan berlubang dalam di depan sekolah, sudah dua minggu.' }, 'Kirim foto');
    const before = api.textsTo(user).length;
    const photos = [1, 2, 3].map((i) => fakeJpeg(30_000 + i, 50 + i));
    photos.forEach((bytes, i) => { api.addFile(`album-${String(i)}`, bytes); });
    // An album: one update per photo, with one media_group_id.
    for (const i of [0, 1, 2]) api.push(api.message(user, { media_group_id: 'album-7401', photo: [{ file_id: `album-${String(i)}`, file_unique_id: `u${String(i)}`, width: 1280, height: 960, file_size: 30_000 + i }] }));
    await until('the acknowledgement', () => api.textsTo(user).slice(before).some((t) => t.includes('Foto diterima')));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(api.textsTo(user).slice(before)).toEqual([expect.stringContaining('Foto diterima (3/5)')]);

    // A voice note at the photo question: kept, answered, and the question again.
    const recording = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(2_000, 9)]);
    api.addFile('voice-7401', recording);
    await say(user, { voice: { file_id: 'voice-7401', file_unique_id: 'v7401', duration: 6, mime_type: 'audio/ogg', file_size: recording.length } }, 'pesan suara Anda kami simpan');
    await say(user, { text: 'selesai' }, 'lokasi');
    await say(user, { location: { latitude: -8.66, longitude: 115.21 } }, 'Ringkasan');
    await say(user, { text: 'Ya' }, 'nomor tiket');
    const number = TICKET_NUMBER.exec(api.textsTo(user).at(-1) ?? '')?.[0];
    const ticket = await ticketModel(db.connection).findById(number).lean();
    expect(ticket?.attachments).toHaveLength(3);
    for (const [i, ref] of (ticket?.attachments ?? []).entries()) expect((await app?.storage.attachments.read(ref.fileId))?.bytes.equals(photos[i] ?? Buffer.alloc(0))).toBe(true);

    // The operator's thread: the one acknowledgement the person saw, and the voice note to play.
    const operator = await OperatorSession.login(app?.url ?? '', ADMIN.username, ADMIN.password);
    const { body } = await operator.request<{ thread: { text: string; voice?: { url: string; contentType: string } }[] }>('GET', `/api/tickets/${String(number)}`);
    expect(body.thread.filter((m) => m.text.startsWith('Foto diterima'))).toHaveLength(1);
    const voice = body.thread.find((m) => m.voice)?.voice;
    expect(voice?.contentType).toBe('audio/ogg');
    const played = await fetch(`${app?.url ?? ''}${voice?.url ?? ''}`, { headers: { cookie: operator.cookie ?? '' } });
    expect(played.status).toBe(200);
    expect(Buffer.from(await played.arrayBuffer()).equals(recording)).toBe(true);
  });

  it('a voice note is kept for the operators and answered with what to send instead', async () => {
    await start();
    const user = 7402;
    const recording = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(2_000, 3)]);
    api.addFile('voice-7402', recording);
    await say(user, { voice: { file_id: 'voice-7402', file_unique_id: 'v7402', duration: 4, mime_type: 'audio/ogg', file_size: recording.length } }, 'pesan suara Anda kami simpan');
    const stored = await messageModel(db.connection).findOne({ conversationKey: `telegram:${String(user)}`, unsupported: 'voice' }).lean();
    expect((await app?.storage.attachments.read(stored?.voice?.fileId ?? ''))?.bytes.equals(recording)).toBe(true);
  });
});
