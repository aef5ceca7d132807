// The email channel against Dovecot (IMAP, Debian's dovecot-imapd on a
// loopback port) and an SMTP sink, with the whole service behind it. Mail
// "arrives" by IMAP APPEND; what the bot sends is read from the sink.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../../src/app/application.js';
import type { Config } from '../../../src/config/schema.js';
import { messageModel } from '../../../src/storage/models/message.js';
import { ticketModel } from '../../../src/storage/models/ticket.js';
import { startTestApp } from '../../support/app.js';
import { useTestDatabase } from '../../support/database.js';
import { fakeJpeg } from '../../support/images.js';
import { bodyOf, header, MailServers, type TestMail } from '../../support/mail.js';
import { until } from '../../support/until.js';

const db = useTestDatabase(import.meta.filename);
const AGENCY = 'pengaduan.dpupr@kotacontoh.go.id';
const DPRKP = 'pengaduan.dprkp@kotacontoh.go.id';
let servers: MailServers;
const apps: RunningApplication[] = [];

beforeAll(async () => { servers = await new MailServers().start(); });
afterEach(async () => { while (apps.length) await apps.pop()?.stop(); });
afterAll(async () => { await servers.stop(); });

async function start(configure: (c: Config) => void = () => undefined): Promise<RunningApplication> {
  const app = await startTestApp(db, (c) => {
    servers.configure(c);
    c.schedules.outboxRetry = '* * * * * *';
    configure(c);
  });
  apps.push(app);
  return app;
}

const deliver = (m: TestMail) => servers.deliver(m);
const mailsTo = (address: string) => servers.mailsTo(address);
const nextMailTo = (address: string, after: number, containing?: string) => servers.nextMailTo(address, after, containing);

const tickets = () => ticketModel(db.connection).find({ channel: 'email' }).lean();
const ticketOf = async (email: string) => (await tickets()).find((t) => t.reporter.email === email);

describe('email channel', () => {
  it('opens a ticket with both photos from a complete email and answers in its thread; the agency gets the ticket with its photos', async () => {
    await start();
    const reporter = 'siti.rahma@warga.example';
    const before = mailsTo(reporter).length;
    await deliver({
      from: 'Siti Rahmawati <Siti.Rahma@warga.example>',
      subject: 'Jalan berlubang di Jl. Merdeka',
      messageId: '<laporan-1@warga.example>',
      text:
        'Selamat pagi,\n\nAda jalan berlubang besar di depan SD Negeri 3, sudah dua minggu dan membahayakan pengendara motor.\n\n' +
        'Telepon: 0812-3456-7001\nAlamat: Jl. Kenanga No. 5, RT 02/RW 03, Kel. Sukamaju\nLokasi: Jl. Merdeka depan SD Negeri 3\n\n-- \nSiti Rahmawati\nGuru SD',
      attachments: [
        { filename: 'lubang-1.jpg', content: fakeJpeg(20_000, 1), contentType: 'image/jpeg' },
        { filename: 'lubang-2.jpg', content: fakeJpeg(20_000, 2), contentType: 'image/jpeg' },
      ],
    });
    const reply = await nextMailTo(reporter, before, 'ADU-');
    const ticket = await ticketOf(reporter);
    expect(ticket).toMatchObject({
      status: 'open',
      category: 'jalan_rusak',
      agency: 'DPUPR',
      reporter: { name: 'Siti Rahmawati', phone: '+6281234567001', email: reporter, address: 'Jl. Kenanga No. 5, RT 02/RW 03, Kel. Sukamaju' },
      location: { address: 'Jl. Merdeka depan SD Negeri 3' },
    });
    expect(ticket?.attachments).toHaveLength(2);
    expect(ticket?.description).toContain('Jalan berlubang di Jl. Merdeka');
    expect(ticket?.description).not.toContain('Guru SD'); // the signature is not the report

    expect(bodyOf(reply)).toContain(ticket?.number);
    expect(mailsTo(reporter).slice(before)).toHaveLength(1); // one reply, not one per sentence
    expect(header(reply, 'In-Reply-To')).toBe('<laporan-1@warga.example>');
    expect(header(reply, 'Subject')).toBe(`Re: [${String(ticket?.number)}] Jalan berlubang di Jl. Merdeka`);
    expect(header(reply, 'Auto-Submitted')).toBe('auto-replied');
    expect(reply.raw).toMatch(/Content-Type: text\/html/);

    const notice = await nextMailTo(AGENCY, 0, String(ticket?.number));
    expect(notice.subject).toContain(`[${String(ticket?.number)}]`);
    expect(bodyOf(notice)).toContain('+6281234567001');
    expect(notice.raw.match(/Content-Disposition: attachment/g)).toHaveLength(2);

    const flags = await servers.dovecot.flags(servers.bot);
    expect([...flags.values()].every((f) => f.has('\\Seen'))).toBe(true);
  });

  it('asks for the missing phone and address in one reply and opens the ticket when the reporter answers', async () => {
    await start();
    const reporter = 'budi@warga.example';
    const before = mailsTo(reporter).length;
    await deliver({
      from: 'Budi Santoso <budi@warga.example>',
      subject: 'Sampah menumpuk',
      messageId: '<laporan-2@warga.example>',
      text: 'Sampah menumpuk di TPS Jl. Melati sudah seminggu tidak diangkut, baunya sampai ke rumah warga.\nLokasi: TPS Jl. Melati, Kel. Sukamaju',
    });
    const question = await nextMailTo(reporter, before);
    const asked = bodyOf(question);
    expect(asked).toContain('Telepon:');
    expect(asked).toContain('Alamat:');
    expect(asked).not.toContain('Nama:');
    expect(asked).not.toContain('Kategori:');
    expect(mailsTo(reporter).slice(before)).toHaveLength(1);
    expect(await ticketOf(reporter)).toBeUndefined();

    await deliver({
      from: 'Budi Santoso <budi@warga.example>',
      subject: String(header(question, 'Subject')),
      messageId: '<balasan-2@warga.example>',
      inReplyTo: String(header(question, 'Message-ID')),
      references: `<laporan-2@warga.example> ${String(header(question, 'Message-ID'))}`,
      text: `Telepon: 0813 1111 2222\nAlamat: Jl. Anggrek 7, Kel. Sukamaju\n\nPada 24 Nov 2026, Aduan menulis:\n> ${asked.split('\n').join('\n> ')}`,
    });
    const confirmation = await nextMailTo(reporter, before + 1, 'ADU-');
    const ticket = await ticketOf(reporter);
    expect(ticket).toMatchObject({ category: 'sampah', reporter: { phone: '+6281311112222', address: 'Jl. Anggrek 7, Kel. Sukamaju', name: 'Budi Santoso' }, location: { address: 'TPS Jl. Melati, Kel. Sukamaju' } });
    expect(bodyOf(confirmation)).toContain(ticket?.number);
    expect(header(confirmation, 'In-Reply-To')).toBe('<balasan-2@warga.example>');
  });

  it("puts the reporter's reply in the ticket thread and records the agency's emailed reply as its first response", async () => {
    await start();
    const reporter = 'dewi@warga.example';
    const before = mailsTo(reporter).length;
    await deliver({
      from: 'Dewi Lestari <dewi@warga.example>',
      subject: 'Lampu jalan mati',
      messageId: '<laporan-3@warga.example>',
      text: 'Lampu penerangan jalan mati total di Jl. Cempaka sejak tiga hari, gelap dan rawan.\nTelepon: 081277778888\nAlamat: Jl. Cempaka 1\nLokasi: -6.2001, 106.8167',
    });
    const created = await nextMailTo(reporter, before, 'ADU-');
    const ticket = await ticketOf(reporter);
    const number = String(ticket?.number);
    expect(ticket?.location).toMatchObject({ latitude: -6.2001, longitude: 106.8167 });

    // Outlook dropped In-Reply-To; the number in the subject still threads it.
    await deliver({ from: 'Dewi Lestari <dewi@warga.example>', subject: `RE: [${number}] Lampu jalan mati`, messageId: '<tambahan-3@warga.example>', text: 'Tambahan: tiangnya juga miring, mohon segera dicek.' });
    await nextMailTo(reporter, before + 1, number);
    const thread = await messageModel(db.connection).find({ ticketNumber: number, direction: 'in' }).lean();
    expect(thread.map((m) => m.text)).toContain('Tambahan: tiangnya juga miring, mohon segera dicek.');
    expect((await tickets()).filter((t) => t.reporter.email === reporter)).toHaveLength(1);

    expect(ticket?.agency).toBe('DPRKP');
    const agency = 'DPRKP';
    const notice = await nextMailTo(DPRKP, 0, number);
    await deliver({
      from: `Bidang PJU <${DPRKP}>`,
      subject: `Re: ${notice.subject}`,
      messageId: '<tanggapan-3@kotacontoh.go.id>',
      inReplyTo: String(header(notice, 'Message-ID')),
      text: `Siap, petugas kami cek besok pagi.\n\n-----Original Message-----\nFrom: Aduan\n${bodyOf(notice)}`,
    });
    await until('the agency response', async () => (await ticketOf(reporter))?.status === 'in_progress');
    const responded = await ticketOf(reporter);
    expect(responded?.history.at(-1)).toMatchObject({ action: 'respond', actor: `agency:${agency}/email`, note: 'Siap, petugas kami cek besok pagi.' });
    // The message joins the thread when its turn is committed, just after the transition it caused.
    await until('the agency reply in the thread', async () => (await messageModel(db.connection).countDocuments({ ticketNumber: number, agency })) > 0);
    const agencyMessage = await messageModel(db.connection).findOne({ ticketNumber: number, agency }).lean();
    expect(agencyMessage?.text).toBe('Siap, petugas kami cek besok pagi.');
    expect(created).toBeDefined();
  });

  it('processes every mail exactly once across a restart while mail keeps arriving', async () => {
    const NAMES = ['Ani', 'Bayu', 'Citra', 'Dimas', 'Eka', 'Fajar'];
    const senders = Array.from({ length: 6 }, (_, i) => `restart${String(i)}@warga.example`);
    const mail = (i: number): TestMail => ({
      from: `${NAMES[i] ?? 'Warga'} <${senders[i] ?? ''}>`,
      subject: `Got mampet nomor ${String(i)}`,
      messageId: `<restart-${String(i)}@warga.example>`,
      text: `Saluran air tersumbat dan meluap ke jalan setiap hujan deras di gang nomor ${String(i)}.\nTelepon: 0812000000${String(10 + i)}\nAlamat: Gg. Mawar ${String(i)}\nLokasi: Gg. Mawar ${String(i)}\nKategori: drainase`,
    });
    await deliver(mail(0));
    await deliver(mail(1));
    const first = await start();
    await deliver(mail(2));
    await until('the first tickets', async () => (await tickets()).filter((t) => t.reporter.email?.startsWith('restart')).length >= 1);
    await first.stop();
    apps.length = 0;
    await deliver(mail(3));
    await deliver(mail(4));
    await start();
    await deliver(mail(5));
    await until('six tickets', async () => (await tickets()).filter((t) => t.reporter.email?.startsWith('restart')).length === 6, 30_000);
    for (const sender of senders) await nextMailTo(sender, 0, 'ADU-');
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // room for any duplicate to show up
    for (const sender of senders) {
      expect(mailsTo(sender), sender).toHaveLength(1);
      expect((await tickets()).filter((t) => t.reporter.email === sender), sender).toHaveLength(1);
    }
    // A mail in hand when the bot stopped is marked read too, not left looking new.
    await servers.untilEveryMailHandled();
  });

  it('survives broken and hostile mail: nothing crashes, nothing is lost, no loop', async () => {
    const app = await start((c) => { c.limits.photoMaxBytes = 5 * 1_048_576; });
    // An out-of-office reply to one of our mails: never answered.
    await deliver({ from: 'Kepala Seksi <kasi@warga.example>', subject: 'Automatic reply: [ADU-2611-00001] Jalan berlubang', messageId: '<ooo@warga.example>', headers: { 'Auto-Submitted': 'auto-replied' }, text: 'Saya sedang cuti sampai 1 Desember.' });
    // A bounce and a mailing list.
    await deliver({ from: 'Mail Delivery System <MAILER-DAEMON@warga.example>', subject: 'Undelivered Mail Returned to Sender', messageId: '<bounce@warga.example>', text: 'This is the mail system.' });
    await deliver({ from: 'Buletin <buletin@lists.example>', subject: 'Buletin mingguan', messageId: '<list@lists.example>', headers: { 'List-Id': '<buletin.lists.example>' }, text: 'Berita minggu ini.' });
    // Malformed MIME: a multipart without its boundary, a header line without a colon.
    await servers.dovecot.deliver(servers.bot, 'From: Rusak <rusak@warga.example>\r\nSubject: Laporan rusak\r\nMessage-ID: <rusak@warga.example>\r\nContent-Type: multipart/mixed; boundary="tidak-ada"\r\nini bukan header\r\n\r\nJalan rusak parah di Jl. Kamboja, banyak lubang besar.\r\n');
    // An unknown charset.
    await servers.dovecot.deliver(servers.bot, 'From: Charset <charset@warga.example>\r\nSubject: Banjir\r\nMessage-ID: <charset@warga.example>\r\nContent-Type: text/plain; charset="x-tidak-dikenal"\r\n\r\nBanjir setinggi lutut di Jl. Teratai setiap hujan, air tidak surut berjam-jam.\r\n');
    // A 30 MB photo: over the photo limit, under the mail size limit.
    const huge = fakeJpeg(30 * 1_048_576, 9);
    await deliver({ from: 'Foto Besar <besar@warga.example>', subject: 'Pohon tumbang', messageId: '<besar@warga.example>', text: 'Pohon tumbang menutup jalan di Jl. Flamboyan sejak tadi pagi, kendaraan tidak bisa lewat.', attachments: [{ filename: 'pohon.jpg', content: huge, contentType: 'image/jpeg' }] });

    const tooLarge = await nextMailTo('besar@warga.example', 0);
    expect(bodyOf(tooLarge)).toContain('foto terlalu besar');
    expect(bodyOf(await nextMailTo('charset@warga.example', 0))).toContain('Telepon:');
    await nextMailTo('rusak@warga.example', 0);
    await servers.untilEveryMailHandled();
    for (const ignored of ['kasi@warga.example', 'MAILER-DAEMON@warga.example', 'mailer-daemon@warga.example', 'buletin@lists.example']) expect(mailsTo(ignored), ignored).toHaveLength(0);
    const health = await (await fetch(`${app.url}/healthz`)).json() as { channels: { email?: { status: string } } };
    expect(health.channels.email?.status).toBe('up');
  });
});
