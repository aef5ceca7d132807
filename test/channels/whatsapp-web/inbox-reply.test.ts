// A reply from the inbox reaches the reporter on WhatsApp through
// whatsapp-web.js, and the reporter's answer joins the ticket's thread. The
// service runs whole with the inbox; the adapter is wired to it as
// application.ts does, with a stand-in for the library's Client (WhatsApp Web
// cannot be reached here).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../../src/app/application.js';
import { HealthRegistry } from '../../../src/observability/health.js';
import { WhatsAppWebChannel } from '../../../src/channels/whatsapp-web/channel.js';
import { createLogger } from '../../../src/observability/logger.js';
import { mongoJobLeases } from '../../../src/storage/lease-store.js';
import { TICKET_NUMBER } from '../../support/conversation.js';
import { useTestDatabase } from '../../support/database.js';
import { ADMIN, OperatorSession, startInboxApp } from '../../support/inbox.js';
import { until } from '../../support/until.js';
import { StandInChat, StandInClient } from '../../support/wweb-stand-in.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let client: StandInClient;
let channel: WhatsAppWebChannel;
let operator: OperatorSession;

beforeAll(async () => {
  app = await startInboxApp(db);
  client = new StandInClient();
  client.linked = true; // the QR code was scanned before
  channel = new WhatsAppWebChannel({
    client,
    media: (mimetype, data, filename) => ({ mimetype, data, filename }),
    router: app.router,
    outbox: app.outbox,
    attachments: app.storage.attachments,
    health: new HealthRegistry(),
    logger: createLogger({ level: 'silent' }),
    leases: mongoJobLeases(db.connection),
    owner: 'instance-a',
    sendIntervalMs: 0,
  });
  channel.start();
  await until('ready', () => client.initializations === 1);
  operator = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
});
afterAll(async () => {
  await channel.stop();
  await app.stop();
});

interface Thread { thread: { id: string; direction: string; text: string; author: string; delivery: string }[] }

async function say(from: string, body: string, expected: string): Promise<string> {
  const before = client.textsTo(from).length;
  client.emit('message', client.message(from, { body }));
  let found = '';
  await until(`"${expected}"`, () => (found = client.textsTo(from).slice(before).find((t) => t.includes(expected)) ?? '') !== '', 20_000);
  return found;
}

/** A whole report (the phone comes from the WhatsApp id); resolves with the ticket number. */
async function report(from: string, name: string): Promise<string> {
  await say(from, 'halo', '1. Buat laporan/pengaduan');
  await say(from, '1', 'nama lengkap');
  await say(from, name, 'alamat');
  await say(from, 'Jl. Sudirman 40', 'jenis masalah');
  await say(from, 'Jalan rusak', 'Ceritakan');
  await say(from, 'Aspal mengelupas dan berlubang di depan kantor pos.', 'Kirim foto');
  await say(from, 'selesai', 'lokasi');
  await say(from, 'Jl. Sudirman depan kantor pos', 'Ringkasan');
  const number = TICKET_NUMBER.exec(await say(from, 'ya', 'nomor tiket'))?.[0];
  if (!number) throw new Error('no ticket number');
  return number;
}

/** The operator writes; resolves with the reply's id once the citizen has it. */
async function reply(number: string, to: string, text: string): Promise<string> {
  const response = await operator.post<{ id: string }>(`/api/tickets/${number}/replies`, { text });
  expect(response.status).toBe(202);
  await until('the reply on WhatsApp', () => client.textsTo(to).some((t) => t.includes(text)), 20_000);
  const received = client.textsTo(to).at(-1);
  expect(received).toContain(`Pesan dari petugas tentang laporan ${number}`);
  expect(received).toContain(text);
  return response.body.id;
}

const thread = async (number: string) => (await operator.get<Thread>(`/api/tickets/${number}`)).body.thread;

describe('replies from the inbox on WhatsApp (whatsapp-web.js)', () => {
  it('reach the reporter, and their answer reaches the operator, thanked once', async () => {
    const from = '6281288881111@c.us';
    const number = await report(from, 'Gede Pratama');
    const id = await reply(number, from, 'Pak Gede, lubangnya kira-kira sebesar apa?');

    const before = client.textsTo(from).length;
    client.emit('message', client.message(from, { body: 'Kira-kira satu meter, dalamnya sejengkal' }));
    await until('the answer in the thread', async () => (await thread(number)).some((m) => m.text === 'Kira-kira satu meter, dalamnya sejengkal'), 20_000);
    await until('the reply no longer queued', async () => (await thread(number)).find((m) => m.id === id)?.delivery !== 'queued', 20_000);
    await until('the thanks in the thread', async () => (await thread(number)).at(-1)?.direction === 'out', 20_000);
    expect((await thread(number)).slice(-3)).toEqual([
      expect.objectContaining({ id, direction: 'out', author: 'operator:admin', delivery: 'sent' }),
      expect.objectContaining({ direction: 'in', author: 'reporter', text: 'Kira-kira satu meter, dalamnya sejengkal', delivery: 'received' }),
      expect.objectContaining({ direction: 'out', author: 'bot', text: 'Terima kasih, pesan Anda sudah kami teruskan ke petugas.' }),
    ]);

    // Thanked once and nothing more: the next thing the citizen gets is the menu they ask for now.
    await say(from, 'menu', 'Buat laporan/pengaduan');
    expect(client.textsTo(from).slice(before)).toEqual(['Terima kasih, pesan Anda sudah kami teruskan ke petugas.', expect.stringContaining('Selamat datang'), expect.stringMatching(/^Silakan pilih layanan:\n1\. Buat laporan\/pengaduan/)]);
  });

  it('takes an answer written while WhatsApp Web was disconnected into the thread on reconnection', async () => {
    const from = '6281288882222@c.us';
    const number = await report(from, 'Luh Ayu');
    const id = await reply(number, from, 'Bu Ayu, sejak kapan jalannya rusak?');

    // Offline: whatsapp-web.js will not emit the answer; it waits unread in the chat.
    client.emit('disconnected', 'NAVIGATION');
    const before = client.textsTo(from).length;
    client.chats.push(new StandInChat({ _serialized: from }, false, [client.message(from, { body: 'Sudah dua minggu, makin parah kalau hujan' })]));
    await until('the answer in the thread', async () => (await thread(number)).some((m) => m.text === 'Sudah dua minggu, makin parah kalau hujan'), 20_000);
    await until('the thanks in the thread', async () => (await thread(number)).at(-1)?.direction === 'out', 20_000);
    expect((await thread(number)).slice(-3)).toEqual([
      expect.objectContaining({ id, direction: 'out', author: 'operator:admin', delivery: 'sent' }),
      expect.objectContaining({ direction: 'in', author: 'reporter', text: 'Sudah dua minggu, makin parah kalau hujan' }),
      expect.objectContaining({ direction: 'out', author: 'bot', text: 'Terima kasih, pesan Anda sudah kami teruskan ke petugas.' }),
    ]);
    await say(from, 'menu', 'Buat laporan/pengaduan');
    expect(client.textsTo(from).slice(before)).toEqual(['Terima kasih, pesan Anda sudah kami teruskan ke petugas.', expect.stringContaining('Selamat datang'), expect.stringContaining('Silakan pilih layanan:')]);
  });
});
