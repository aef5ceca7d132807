// The Telegram channel against a local Bot API server over real HTTP, with
// the whole service (router, flows, outbox, FerretDB) behind it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../../src/app/application.js';
import type { Config } from '../../../src/config/schema.js';
import { messageModel } from '../../../src/storage/models/message.js';
import { ticketModel } from '../../../src/storage/models/ticket.js';
import { startTestApp } from '../../support/app.js';
import { FakeBotApi } from '../../support/bot-api.js';
import { resolvedTicket } from '../../support/resolved.js';
import { TICKET_NUMBER } from '../../support/conversation.js';
import { useTestDatabase } from '../../support/database.js';
import { fakeJpeg } from '../../support/images.js';
import { until } from '../../support/until.js';

const db = useTestDatabase(import.meta.filename);
let api: FakeBotApi;
const apps: RunningApplication[] = [];

beforeAll(async () => { api = await new FakeBotApi().start(); });
afterEach(async () => { while (apps.length) await apps.pop()?.stop(); });
afterAll(async () => { await api.stop(); });

async function start(configure: (c: Config) => void = () => undefined): Promise<RunningApplication> {
  const app = await startTestApp(db, (c) => {
    c.channels.telegram.botToken = api.token;
    c.channels.telegram.apiRoot = api.url;
    c.schedules.outboxRetry = '* * * * * *';
    c.outbox.retryBase = 200;
    configure(c);
  });
  apps.push(app);
  return app;
}


/** Sends a message as the user and waits for a reply containing `expect`. */
async function say(user: number, content: Record<string, unknown>, expected: string): Promise<string> {
  const before = api.textsTo(user).length;
  api.push(api.message(user, content));
  let found = '';
  await until(`"${expected}" for ${String(user)}`, () => {
    found = api.textsTo(user).slice(before).find((t) => t.includes(expected)) ?? '';
    return found !== '';
  });
  return found;
}

const lastMarkup = (user: number) => api.sent.filter((m) => m.chatId === String(user) && m.text).at(-1)?.replyMarkup as { keyboard?: { text: string; request_contact?: boolean; request_location?: boolean }[][]; remove_keyboard?: boolean };

describe('Telegram channel', () => {
  it('takes a report with a shared contact, two photos and a location', async () => {
    const app = await start();
    const user = 5001;
    await say(user, { text: '/start kampanye-rt04', entities: [{ type: 'bot_command', offset: 0, length: 6 }] }, 'Silakan pilih layanan');
    expect(lastMarkup(user).keyboard?.flat().map((b) => b.text)).toEqual(['Buat laporan/pengaduan', 'Cek status laporan', 'Tanya informasi']);
    await say(user, { text: 'Buat laporan/pengaduan' }, 'nama lengkap');
    await say(user, { text: 'Putu Ayu Lestari' }, 'nomor HP');
    expect(lastMarkup(user).keyboard?.[0]?.[0]).toMatchObject({ text: '📱 Kirim nomor HP saya', request_contact: true });
    await say(user, { contact: { phone_number: '6281234500001', first_name: 'Putu', user_id: user } }, 'alamat');
    expect(lastMarkup(user)).toEqual({ remove_keyboard: true });
    await say(user, { text: 'Jl. Gatot Subroto 12, Denpasar' }, 'jenis masalah');
    await say(user, { text: 'Jalan rusak' }, 'Ceritakan');
    await say(user, { text: 'Jalan amblas di depan pasar, berbahaya bagi motor.' }, 'Kirim foto');

    const photos = [fakeJpeg(40_000, 31), fakeJpeg(55_000, 32)];
    photos.forEach((bytes, i) => {
      api.addFile(`thumb-${String(i)}`, fakeJpeg(500, i));
      api.addFile(`full-${String(i)}`, bytes);
    });
    await say(user, { photo: [{ file_id: 'thumb-0', file_unique_id: 't0', width: 90, height: 90 }, { file_id: 'full-0', file_unique_id: 'f0', width: 1280, height: 960, file_size: 40_000 }] }, 'Foto diterima (1/5)');
    // The second as a file (document), with a caption.
    await say(user, { document: { file_id: 'full-1', file_unique_id: 'f1', file_name: 'IMG_0042.JPG', mime_type: 'image/jpeg', file_size: 55_000 } }, 'Foto diterima (2/5)');
    await say(user, { text: 'selesai' }, 'lokasi');
    expect(lastMarkup(user).keyboard?.[0]?.[0]).toMatchObject({ request_location: true });
    await say(user, { location: { latitude: -8.670458, longitude: 115.212629 } }, 'Ringkasan laporan');
    const done = await say(user, { text: 'Ya' }, 'nomor tiket');
    const number = TICKET_NUMBER.exec(done)?.[0];

    const ticket = await ticketModel(db.connection).findById(number).lean();
    expect(ticket).toMatchObject({ channel: 'telegram', reporter: { name: 'Putu Ayu Lestari', phone: '+6281234500001', channelUserId: String(user) }, location: { latitude: -8.670458, longitude: 115.212629 } });
    expect(ticket?.attachments).toHaveLength(2);
    for (const [i, attachment] of (ticket?.attachments ?? []).entries()) {
      const stored = await app.storage.attachments.read(attachment.fileId);
      expect(stored?.bytes.equals(photos[i] ?? Buffer.alloc(0))).toBe(true);
    }
    await until('health', async () => ((await (await fetch(`${app.url}/healthz`)).json()) as { channels: { telegram?: { status: string } } }).channels.telegram?.status === 'up');
  });

  it('answers /status, and politely refuses stickers, voice notes and edits', async () => {
    await start();
    const user = 5002;
    await say(user, { text: '/status ADU-2611-99999' }, 'tidak ditemukan');
    await say(user, { sticker: { file_id: 's', file_unique_id: 's', type: 'regular', width: 1, height: 1, is_animated: false, is_video: false } }, 'belum dapat kami proses');
    await say(user, { voice: { file_id: 'v', file_unique_id: 'v', duration: 3 } }, 'tuliskan juga isinya dalam teks');
    const before = api.textsTo(user).length;
    api.push({ edited_message: { message_id: 1, date: 0, edit_date: 5, chat: { id: user, type: 'private' }, from: { id: user, is_bot: false, first_name: 'W' }, text: 'ubah' } });
    await until('edit answer', () => api.textsTo(user).slice(before).some((t) => t.includes('belum dapat kami proses')));
    // Group chats are not answered.
    api.push({ message: { message_id: 77, date: 0, chat: { id: -100, type: 'group', title: 'RT 04' }, from: { id: user, is_bot: false, first_name: 'W' }, text: 'halo' } });
    await until('group update consumed', () => api.pending === 0);
    expect(api.textsTo(-100)).toEqual([]);
  });

  it('delivers every reply exactly once through 429 (retry_after) and two 500s', async () => {
    await start();
    const user = 5003;
    api.fail(
      'sendMessage',
      { status: 429, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } } },
      { status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } },
      { status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } },
    );
    api.push(api.message(user, { text: 'halo' }));
    await until('greeting and menu', () => api.textsTo(user).length >= 2, 20_000);
    await say(user, { text: '1' }, 'nama lengkap');
    expect(api.textsTo(user)).toEqual([expect.stringContaining('Selamat datang'), 'Silakan pilih layanan:', 'Siapa nama lengkap Anda?']);
    const outbound = () => messageModel(db.connection).find({ conversationKey: `telegram:${String(user)}`, direction: 'out' }).sort({ seq: 1 }).lean();
    // The Bot API has the text a moment before the sender records it as sent.
    await until('all marked sent', async () => (await outbound()).every((m) => m.status !== 'sending'));
    const stored = await outbound();
    expect(stored.map((m) => m.status)).toEqual(['sent', 'sent', 'sent']);
    expect(stored[0]?.attempts).toBe(4);
  });

  it('marks a person who blocked the bot and does not retry', async () => {
    await start();
    const user = 5006;
    api.fail('sendMessage', { status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } });
    api.push(api.message(user, { text: 'halo' }));
    await until('menu', () => api.textsTo(user).length >= 1);
    const key = `telegram:${String(user)}`;
    await until('marked', async () => (await db.connection.collection('conversations').findOne({ _id: key as never }))?.unreachable !== undefined);
    expect(await db.connection.collection('conversations').findOne({ _id: key as never })).toMatchObject({ unreachable: { reason: '403 Forbidden: bot was blocked by the user' } });
    expect(await messageModel(db.connection).findOne({ conversationKey: key, seq: 1 }).lean()).toMatchObject({ status: 'failed', attempts: 1 });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(api.textsTo(user).filter((t) => t.includes('Selamat datang'))).toHaveLength(0);
  });

  it('loses nothing and repeats nothing across a restart and a redelivery', async () => {
    const first = await start();
    const user = 5004;
    await say(user, { text: 'halo' }, 'Silakan pilih layanan');
    const redelivered = api.message(user, { text: '1' });
    api.push(redelivered);
    await until('name question', () => api.textsTo(user).some((t) => t.includes('nama lengkap')));
    await first.stop();
    apps.splice(apps.indexOf(first), 1);

    // While the bot is down, the person goes on; Telegram also redelivers an update already handled.
    api.push(api.message(user, { text: 'Ketut Sudarma' }));
    api.push(redelivered);
    api.push(api.message(user, { text: '081355551234' }));
    await start();
    await until('address question', () => api.textsTo(user).some((t) => t.includes('alamat')));
    await until('all confirmed', () => api.pending === 0);
    const texts = api.textsTo(user);
    expect(texts.filter((t) => t.includes('nama lengkap'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('nomor HP'))).toHaveLength(1);
    expect(await messageModel(db.connection).countDocuments({ conversationKey: `telegram:${String(user)}`, direction: 'in' })).toBe(4);
  });

  it('after a confirmed close asks how satisfied with a keyboard of five; the tapped "Puas" is stored as 4 and thanked', async () => {
    const app = await start();
    const user = 5007;
    const { number } = await resolvedTicket(app.tickets, 'telegram', String(user));
    await until('the result milestone', () => api.textsTo(user).some((t) => t.includes('sudah menyampaikan hasil')));
    await app.scheduler.runNow('confirmations');
    await until('the confirmation question', () => api.textsTo(user).some((t) => t.includes('Apakah masalah Anda sudah selesai')));
    await say(user, { text: 'Sudah' }, 'seberapa puas');
    // The thanks first (the privacy notice joins it: the person's first message here), then the question.
    expect(api.textsTo(user).slice(-2)[0]).toMatch(new RegExp(`^Terima kasih atas konfirmasinya. Tiket ${number} kami tutup.\n\nPemberitahuan privasi`));
    expect(lastMarkup(user).keyboard?.flat().map((b) => b.text)).toEqual(['Tidak puas', 'Kurang puas', 'Biasa saja', 'Puas', 'Sangat puas']);
    await say(user, { text: 'Puas' }, 'Terima kasih atas penilaian Anda (4/5)');
    expect(lastMarkup(user)).toEqual({ remove_keyboard: true });
    expect(await ticketModel(db.connection).findById(number).lean()).toMatchObject({ status: 'closed', closeReason: 'confirmed', satisfaction: { score: 4, by: 'reporter' } });
  });

  it('in webhook mode, rejects a POST without the secret token and processes a valid one once', async () => {
    const callsBefore = api.calls.length;
    const app = await start((c) => { c.channels.telegram.webhookUrl = 'https://aduan.kotacontoh.go.id/telegram/webhook'; });
    await until('webhook set', () => api.webhook !== undefined);
    expect(api.webhook?.url).toBe('https://aduan.kotacontoh.go.id/telegram/webhook');
    const secret = api.webhook?.secret ?? '';
    const update = { update_id: 9001, ...api.message(5005, { text: 'halo' }) };
    const post = (headers: Record<string, string>) => fetch(`${app.url}/telegram/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(update) });

    expect((await post({})).status).toBe(401);
    expect((await post({ 'x-telegram-bot-api-secret-token': 'wrong' })).status).toBe(401);
    expect(api.textsTo(5005)).toEqual([]);
    expect((await post({ 'x-telegram-bot-api-secret-token': secret })).status).toBe(200);
    expect((await post({ 'x-telegram-bot-api-secret-token': secret })).status).toBe(200);
    await until('menu', () => api.textsTo(5005).length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(api.textsTo(5005).filter((t) => t.includes('Selamat datang'))).toHaveLength(1);
    expect(api.calls.slice(callsBefore)).not.toContain('getUpdates');
  });
});
