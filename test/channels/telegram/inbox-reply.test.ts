// A reply from the inbox reaches the reporter on Telegram, and the reporter's
// answer joins the ticket's thread for the operator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../../src/app/application.js';
import { FakeBotApi } from '../../support/bot-api.js';
import { TICKET_NUMBER } from '../../support/conversation.js';
import { useTestDatabase } from '../../support/database.js';
import { ADMIN, OperatorSession, startInboxApp } from '../../support/inbox.js';
import { until } from '../../support/until.js';

const db = useTestDatabase(import.meta.filename);
let api: FakeBotApi;
let app: RunningApplication;

beforeAll(async () => {
  api = await new FakeBotApi().start();
  app = await startInboxApp(db, (c) => {
    c.channels.telegram.botToken = api.token;
    c.channels.telegram.apiRoot = api.url;
  });
});
afterAll(async () => {
  await app.stop();
  await api.stop();
});

interface Thread { thread: { id: string; direction: string; text: string; author: string; delivery: string }[] }

/** Sends a message as the user and waits for a reply containing `expected`. */
async function say(user: number, text: string, expected: string): Promise<string> {
  const before = api.textsTo(user).length;
  api.push(api.message(user, { text }));
  let found = '';
  await until(`"${expected}" for ${String(user)}`, () => {
    found = api.textsTo(user).slice(before).find((t) => t.includes(expected)) ?? '';
    return found !== '';
  }, 20_000);
  return found;
}

describe('replies from the inbox on Telegram', () => {
  it('reach the reporter, and their answer reaches the operator with one short thanks from the bot', async () => {
    const user = 7101;
    await say(user, 'halo', 'Silakan pilih layanan');
    await say(user, '1', 'nama lengkap');
    await say(user, 'Made Wirawan', 'nomor HP');
    await say(user, '081233334444', 'alamat');
    await say(user, 'Jl. Kenanga 9', 'jenis masalah');
    await say(user, 'Lampu jalan', 'Ceritakan');
    await say(user, 'Lampu jalan padam sejak tiga hari di depan SD 2.', 'Kirim foto');
    await say(user, 'selesai', 'lokasi');
    await say(user, 'Jl. Kenanga 9, dekat SD 2', 'Ringkasan laporan');
    const number = TICKET_NUMBER.exec(await say(user, 'Ya', 'nomor tiket'))?.[0] ?? '';
    expect(number).not.toBe('');

    const operator = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
    const sent = await operator.post<{ id: string }>(`/api/tickets/${number}/replies`, { text: 'Pak Made, tiang lampu yang mana? Ada nomornya?' });
    expect(sent.status).toBe(202);
    await until('the operator reply on Telegram', () => api.textsTo(user).some((t) => t.includes('tiang lampu yang mana')), 20_000);
    const reply = api.sent.filter((m) => m.chatId === String(user)).at(-1);
    expect(reply?.method).toBe('sendMessage');
    expect(reply?.text).toContain(`Pesan dari petugas tentang laporan ${number}`);
    expect(reply?.text).toContain('Pak Made, tiang lampu yang mana? Ada nomornya?');

    // The citizen answers with a plain message: it joins the ticket's thread.
    const before = api.sent.filter((m) => m.chatId === String(user)).length;
    const answer = 'Tiang nomor 14, yang dekat gerbang sekolah';
    api.push(api.message(user, { text: answer }));
    const thread = async () => (await operator.get<Thread>(`/api/tickets/${number}`)).body.thread;
    await until('the answer in the thread', async () => (await thread()).some((m) => m.text === answer), 20_000);
    await until('the reply no longer queued', async () => (await thread()).find((m) => m.id === sent.body.id)?.delivery !== 'queued', 20_000);
    await until('the thanks in the thread', async () => (await thread()).at(-1)?.direction === 'out', 20_000);
    expect((await thread()).slice(-3)).toEqual([
      expect.objectContaining({ direction: 'out', author: 'operator:admin', delivery: 'sent', id: sent.body.id }),
      expect.objectContaining({ direction: 'in', author: 'reporter', text: answer, delivery: 'received' }),
      expect.objectContaining({ direction: 'out', author: 'bot', text: 'Terima kasih, pesan Anda sudah kami teruskan ke petugas.' }),
    ]);

    // The bot thanked once and said nothing more: the next thing the citizen gets is the menu they ask for now
    // (a conversation's messages are handled and sent in order, so another answer would come first).
    await say(user, 'menu', 'Silakan pilih layanan');
    expect(api.sent.filter((m) => m.chatId === String(user)).slice(before).map((m) => m.text)).toEqual(['Terima kasih, pesan Anda sudah kami teruskan ke petugas.', expect.stringContaining('Selamat datang'), 'Silakan pilih layanan:']);
  });
});
