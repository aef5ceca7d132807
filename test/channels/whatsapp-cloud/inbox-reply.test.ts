// A reply from the inbox reaches the reporter on WhatsApp (Cloud API), the
// reporter's answer joins the ticket's thread, and WhatsApp's delivery
// reports for the reply are what the operator sees.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../../src/app/application.js';
import { TICKET_NUMBER } from '../../support/conversation.js';
import { useTestDatabase } from '../../support/database.js';
import { FakeGraphApi } from '../../support/graph-api.js';
import { ADMIN, OperatorSession, startInboxApp } from '../../support/inbox.js';
import { until } from '../../support/until.js';

const db = useTestDatabase(import.meta.filename);
const SECRET = 'app-secret-for-tests';
let graph: FakeGraphApi;
let app: RunningApplication;
let operator: OperatorSession;
let counter = 0;

beforeAll(async () => {
  graph = await new FakeGraphApi().start();
  app = await startInboxApp(db, (c) => {
    c.channels.whatsappCloud = { ...c.channels.whatsappCloud, token: graph.token, phoneNumberId: graph.phoneNumberId, verifyToken: 'verify-me', appSecret: SECRET, apiRoot: graph.url };
  });
  operator = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
});
afterAll(async () => {
  await app.stop();
  await graph.stop();
});

interface ThreadMessage { id: string; direction: string; text: string; author: string; delivery: string; error?: string }
interface Thread { thread: ThreadMessage[] }

const seconds = () => String(Math.floor(Date.now() / 1_000));

const change = (value: Record<string, unknown>) => ({
  object: 'whatsapp_business_account',
  entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: graph.phoneNumberId }, ...value } }] }],
});

async function post(payload: unknown): Promise<void> {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  const response = await fetch(`${app.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body });
  expect(response.status).toBe(200);
}

/** A message from the citizen, as Meta's webhook brings it. */
const send = (from: string, message: Record<string, unknown>) =>
  post(change({ contacts: [{ wa_id: from, profile: { name: 'Komang' } }], messages: [{ from, id: `wamid.in${String(++counter)}`, timestamp: seconds(), ...message }] }));

/** WhatsApp's report about a message the bot sent. */
const status = (to: string, id: string, value: string, errors?: { code: number; title: string }[]) =>
  post(change({ statuses: [{ id, status: value, timestamp: seconds(), recipient_id: to, ...(errors ? { errors } : {}) }] }));

async function say(from: string, text: string, expected: string): Promise<string> {
  const before = graph.textsTo(from).length;
  await send(from, { type: 'text', text: { body: text } });
  let found = '';
  await until(`"${expected}"`, () => (found = graph.textsTo(from).slice(before).find((t) => t.includes(expected)) ?? '') !== '', 20_000);
  return found;
}

/** A whole report on WhatsApp (the phone comes from WhatsApp); resolves with the ticket number. */
async function report(from: string): Promise<string> {
  await say(from, 'halo', 'Silakan pilih layanan');
  await say(from, '1', 'nama lengkap');
  await say(from, 'Komang Adi', 'alamat');
  await say(from, 'Jl. Nangka 21', 'jenis masalah');
  await say(from, 'Sampah', 'Ceritakan');
  await say(from, 'Tumpukan sampah di pinggir jalan belum diangkut seminggu.', 'Kirim foto');
  await say(from, 'selesai', 'lokasi');
  await say(from, 'Jl. Nangka 21, depan warung', 'Ringkasan');
  const number = TICKET_NUMBER.exec(await say(from, 'Ya', 'nomor tiket'))?.[0];
  if (!number) throw new Error('no ticket number');
  return number;
}

/** The operator writes; resolves with the reply's id in the thread and the wamid WhatsApp gave it. */
async function reply(number: string, to: string, text: string): Promise<{ id: string; wamid: string; sent: Record<string, unknown> }> {
  const response = await operator.post<{ id: string }>(`/api/tickets/${number}/replies`, { text });
  expect(response.status).toBe(202);
  await until('the reply on WhatsApp', () => graph.textsTo(to).some((t) => t.includes(text)), 20_000);
  const index = graph.sent.findLastIndex((m) => m.to === to);
  return { id: response.body.id, wamid: graph.sentIds[index] ?? '', sent: graph.sent[index] ?? {} };
}

const thread = async (number: string) => (await operator.get<Thread>(`/api/tickets/${number}`)).body.thread;
const deliveryOf = async (number: string, id: string) => (await thread(number)).find((m) => m.id === id)?.delivery;

describe('replies from the inbox on WhatsApp (Cloud API)', () => {
  it('reach the reporter, their answer reaches the operator, and WhatsApp\'s delivery reports show on the reply', async () => {
    const from = '6281377778888';
    const number = await report(from);
    const sent = await reply(number, from, 'Pak Komang, sampahnya di sisi kiri atau kanan jalan?');
    expect(sent.sent).toMatchObject({ messaging_product: 'whatsapp', to: from, type: 'text' });
    const body = (sent.sent.text as { body: string }).body;
    expect(body).toContain(`Pesan dari petugas tentang laporan ${number}`);
    expect(body).toContain('Pak Komang, sampahnya di sisi kiri atau kanan jalan?');

    // Accepted by the Graph API: "sent", not more, until WhatsApp says so.
    await until('the reply marked sent', async () => (await deliveryOf(number, sent.id)) === 'sent', 20_000);
    await status(from, sent.wamid, 'delivered');
    expect(await deliveryOf(number, sent.id)).toBe('delivered');

    // The citizen answers: the answer joins the thread, after the question.
    const before = graph.textsTo(from).length;
    await send(from, { type: 'text', text: { body: 'Sisi kiri, dekat tiang listrik' } });
    await until('the answer in the thread', async () => (await thread(number)).some((m) => m.text === 'Sisi kiri, dekat tiang listrik'), 20_000);
    await until('the thanks in the thread', async () => (await thread(number)).at(-1)?.direction === 'out', 20_000);
    await status(from, sent.wamid, 'read');
    expect((await thread(number)).slice(-3)).toEqual([
      expect.objectContaining({ id: sent.id, direction: 'out', author: 'operator:admin', delivery: 'read' }),
      expect.objectContaining({ direction: 'in', author: 'reporter', text: 'Sisi kiri, dekat tiang listrik', delivery: 'received' }),
      expect.objectContaining({ direction: 'out', author: 'bot', text: 'Terima kasih, pesan Anda sudah kami teruskan ke petugas.' }),
    ]);
    // Meta's webhooks come more than once and out of order: a late "delivered" does not undo "read".
    await status(from, sent.wamid, 'delivered');
    expect(await deliveryOf(number, sent.id)).toBe('read');

    // The bot thanked once and said nothing more: the next thing the citizen gets is the menu they ask for now.
    await say(from, 'menu', 'Silakan pilih layanan');
    expect(graph.textsTo(from).slice(before)).toEqual(['Terima kasih, pesan Anda sudah kami teruskan ke petugas.', expect.stringContaining('Selamat datang'), 'Silakan pilih layanan:']);
  });

  it('shows a reply WhatsApp could not deliver as failed, with the reason', async () => {
    const from = '6281377779999';
    const number = await report(from);
    const sent = await reply(number, from, 'Mohon kirim foto terbaru tumpukan sampahnya.');
    await until('the reply marked sent', async () => (await deliveryOf(number, sent.id)) === 'sent', 20_000);
    await status(from, sent.wamid, 'failed', [{ code: 131026, title: 'Message undeliverable' }]);
    expect((await thread(number)).find((m) => m.id === sent.id)).toMatchObject({ delivery: 'failed', error: '131026 Message undeliverable' });
  });
});
