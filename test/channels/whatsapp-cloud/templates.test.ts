// Late messages outside WhatsApp's 24-hour window, through the real service
// and a local Graph API that answers 131047: each kind goes as its own
// configured template with its parameters (milestone, operator reply,
// confirmation question, second notice); a kind without a template goes as
// the follow-up template with the text; a photo cannot go at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../../src/app/application.js';
import { operatorMessage } from '../../../src/conversation/handlers/operator-chat.js';
import { messageModel } from '../../../src/storage/models/message.js';
import { ticketModel } from '../../../src/storage/models/ticket.js';
import { startTestApp } from '../../support/app.js';
import { useTestDatabase } from '../../support/database.js';
import { FakeGraphApi } from '../../support/graph-api.js';
import { fakeJpeg } from '../../support/images.js';
import { until } from '../../support/until.js';

const db = useTestDatabase(import.meta.filename);
const DPUPR = 'Dinas Pekerjaan Umum dan Penataan Ruang';
let graph: FakeGraphApi;
let app: RunningApplication;

beforeAll(async () => {
  graph = await new FakeGraphApi().start();
  app = await startTestApp(db, (c) => {
    c.channels.whatsappCloud = {
      ...c.channels.whatsappCloud,
      token: graph.token,
      phoneNumberId: graph.phoneNumberId,
      verifyToken: 'verify-me',
      appSecret: 'app-secret-for-tests',
      apiRoot: graph.url,
      followUpTemplate: { name: 'aduan_tindak_lanjut', language: 'id' },
      // No autoClosed: it goes as the follow-up template.
      templates: {
        confirmationRequest: { name: 'aduan_konfirmasi', language: 'id' },
        confirmationReminder: { name: 'aduan_pengingat_konfirmasi', language: 'id' },
        milestone: { name: 'aduan_perkembangan', language: 'id' },
        operatorReply: { name: 'aduan_pesan_petugas', language: 'en_US' },
      },
    };
    c.schedules = { outboxRetry: '* * * * * *' }; // the jobs run when the test says
    c.outbox.retryBase = 200;
  });
});
afterAll(async () => {
  await app.stop();
  await graph.stop();
});

const OUTSIDE_WINDOW = { status: 400, body: { error: { code: 131047, message: 'Re-engagement message' } } };
const makeDue = (number: string, field: string) => ticketModel(db.connection).updateOne({ _id: number }, { $set: { [`due.${field}`]: new Date(Date.now() - 1_000) } });

interface SentTemplate { name: string; language: { code: string }; components: { type: string; parameters: { type: string; text: string }[] }[] }

/** The template sent to `to` after the first `before` sends, once it is there. */
async function templateSent(to: string, before: number): Promise<SentTemplate> {
  let found: SentTemplate | undefined;
  await until('a template', () => (found = graph.sent.slice(before).find((m) => m.to === to && m.type === 'template')?.template as SentTemplate | undefined) !== undefined, 10_000);
  if (!found) throw new Error('no template');
  return found;
}
const params = (template: SentTemplate) => template.components.flatMap((c) => c.parameters.map((p) => p.text));

describe('WhatsApp Cloud API: late messages as templates', () => {
  it('each kind of late message goes as its template, with its parameters', async () => {
    const from = '6281344445555';
    const target = { channel: 'whatsapp' as const, channelUserId: from };
    const { number } = await app.tickets.create({ channel: 'whatsapp', reporter: { name: 'Komang', phone: '+6281344445555', channelUserId: from }, category: 'jalan_rusak', description: 'Jalan berlubang di depan SD 2.' }, 'operator:siti');

    // A milestone, sent the moment the agency takes the ticket up.
    let before = graph.sent.length;
    graph.failSends(OUTSIDE_WINDOW);
    await app.tickets.transition(number, 'respond', {}, { actor: 'agency:DPUPR/budi' });
    const milestone = await templateSent(from, before);
    expect(milestone).toMatchObject({ name: 'aduan_perkembangan', language: { code: 'id' } });
    expect(params(milestone)).toEqual([number, `sudah diterima ${DPUPR} dan sedang ditindaklanjuti`]);

    // An operator's reply: a parameter never carries a line break (Meta refuses it).
    before = graph.sent.length;
    graph.failSends(OUTSIDE_WINDOW);
    await app.router.notify(target, operatorMessage(number, 'Pak, lubangnya sebesar apa?\n\nMohon kirim foto.', new Date(Date.now() + 60_000)), { ticketNumber: number, author: 'operator:siti' });
    const reply = await templateSent(from, before);
    expect(reply).toMatchObject({ name: 'aduan_pesan_petugas', language: { code: 'en_US' } });
    expect(params(reply)).toEqual([number, 'Pak, lubangnya sebesar apa? Mohon kirim foto.']);

    // The confirmation question a week later, with a photo: the photo cannot go, the question goes as its template.
    const photo = await app.storage.attachments.saveImage({ bytes: fakeJpeg(3_000, 5) });
    await app.tickets.transition(number, 'submitResult', { text: 'Lubang sudah ditambal\ndengan aspal panas.', attachments: [photo] }, { actor: 'agency:DPUPR/budi' });
    await until('the result-ready milestone (inside the window: a text)', () => graph.textsTo(from).some((t) => t.includes('sudah menyampaikan hasil')));
    await app.tickets.transition(number, 'validate', {}, { actor: 'operator:siti' });
    before = graph.sent.length;
    graph.failSends(OUTSIDE_WINDOW, OUTSIDE_WINDOW);
    await app.scheduler.runNow('confirmations');
    const question = await templateSent(from, before);
    expect(question).toMatchObject({ name: 'aduan_konfirmasi', language: { code: 'id' } });
    expect(params(question)).toEqual([number, DPUPR, 'Lubang sudah ditambal dengan aspal panas.']);
    expect(graph.sent.slice(before).filter((m) => m.type === 'image')).toEqual([]);
    expect(await messageModel(db.connection).findOne({ conversationKey: `whatsapp:${from}`, 'photos.0': { $exists: true } }).lean()).toMatchObject({ status: 'failed', lastError: expect.stringContaining('a photo cannot go as a template') as unknown });

    // The second notice.
    await makeDue(number, 'confirmationReminder');
    before = graph.sent.length;
    graph.failSends(OUTSIDE_WINDOW);
    await app.scheduler.runNow('confirmations');
    const reminder = await templateSent(from, before);
    expect(reminder).toMatchObject({ name: 'aduan_pengingat_konfirmasi', language: { code: 'id' } });
    expect(params(reminder)).toEqual([number, '7']);

    // The auto-close message has no template of its own here: the follow-up template carries its text.
    await makeDue(number, 'autoClose');
    before = graph.sent.length;
    graph.failSends(OUTSIDE_WINDOW);
    await app.scheduler.runNow('confirmations');
    const closed = await templateSent(from, before);
    expect(closed).toMatchObject({ name: 'aduan_tindak_lanjut', language: { code: 'id' } });
    expect(params(closed)).toEqual([`Tiket ${number} kami tutup karena tidak ada konfirmasi dari Anda. Jika masalahnya muncul lagi, silakan buat laporan baru (ketik MENU).`]);
  });
});
