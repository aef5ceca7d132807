// The agency's ticket notice over real SMTP, through the durable mail queue:
// sent once however often it is asked for, with the photos and the Message-ID
// the agency-reply matching relies on; kept and sent later when the mail
// server was down; queued after a crash that came between taking and queuing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendAgencyNotice } from '../../src/notifications/agency-notice.js';
import { matchThread } from '../../src/notifications/mail-threading.js';
import { smtpMailer } from '../../src/notifications/mailer.js';
import { NoticeDispatcher } from '../../src/notifications/notice-dispatcher.js';
import { createLogger } from '../../src/observability/logger.js';
import { JOBS } from '../../src/scheduler/jobs.js';
import { noticeModel } from '../../src/storage/models/notice.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { mongoSessionStore } from '../../src/storage/operator-store.js';
import { mongoReportStore } from '../../src/storage/report-store.js';
import type { AttachmentRef } from '../../src/tickets/model.js';
import { createRig, type Rig } from '../support/conversation.js';
import { useTestDatabase } from '../support/database.js';
import { fakeJpeg } from '../support/images.js';
import { SmtpSink } from '../support/smtp-sink.js';

const db = useTestDatabase(import.meta.filename);
const logger = createLogger({ level: 'silent' });
let smtp: SmtpSink;

beforeAll(async () => { smtp = await new SmtpSink().start(); });
afterAll(async () => { await smtp.stop(); });

const rig = (port: () => number, more: (c: Rig['config']) => void = () => undefined) =>
  createRig(db, {
    configure: (c) => {
      c.channels.email.smtp = { host: '127.0.0.1', port: port(), secure: false };
      c.channels.email.from = 'Aduan Kota Contoh <aduan@kotacontoh.go.id>';
      more(c);
    },
  });
function deps(r: Rig) {
  const mailer = smtpMailer(r.config.channels.email);
  if (!mailer) throw new Error('SMTP is configured in this test');
  const notices = new NoticeDispatcher(r.storage.notices, mailer, r.storage.attachments, logger, { baseBackoffMs: 60_000 });
  return { tickets: r.tickets, mailer, notices, attachments: r.storage.attachments, config: r.config, logger };
}
const jobContext = (d: ReturnType<typeof deps>, r: Rig) => ({ ...d, router: r.router, outbox: r.outbox, reports: mongoReportStore(db.connection), sessions: mongoSessionStore(db.connection) });
const report = (r: Rig, attachments: AttachmentRef[] = []) =>
  r.tickets.create({ channel: 'webchat', reporter: { name: 'Rina', phone: '+6281234500009', channelUserId: 'w9' }, category: 'sampah', description: 'Sampah menumpuk di TPS Jl. Melati sejak seminggu.', location: { latitude: -6.2, longitude: 106.8 }, attachments }, 'reporter');
const noticesAbout = (number: string) => smtp.mails.filter((m) => m.subject.includes(number) && m.to.includes('pengaduan.dlh@kotacontoh.go.id'));

describe('agency notice', () => {
  it('goes out once, however often it is asked for, with the photos and a Message-ID that names the ticket', async () => {
    const r = await rig(() => smtp.port);
    const photo = await r.storage.attachments.saveImage({ bytes: fakeJpeg(4_000, 7), filename: 'lubang.jpg' });
    const ticket = await report(r, [photo]);
    const [a, b] = [deps(r), deps(r)];
    await Promise.all([sendAgencyNotice(a, ticket.number), sendAgencyNotice(b, ticket.number)]);
    expect(await JOBS.agencyNotices.run(jobContext(a, r))).toBe(0);
    await Promise.all([a.notices.idle(), b.notices.idle()]);
    const mails = noticesAbout(ticket.number);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toMatch(/^\[ADU-\d{4}-\d{5}\] Pengaduan baru: /);
    expect(mails[0]?.raw).toContain('filename=lubang.jpg');
    expect(mails[0]?.raw).toContain('Content-Type: image/jpeg');
    const messageId = /^Message-ID: (<[^>]+>)/im.exec(mails[0]?.raw ?? '')?.[1];
    expect(matchThread({ inReplyTo: messageId ?? '' }, 'kotacontoh.go.id')).toEqual({ kind: 'a', ticketNumber: ticket.number });

    // The queue holds the photo by reference, not its bytes.
    const stored = await noticeModel(db.connection).findById(`agencyNotice:${ticket.number}:v0`).lean();
    expect(stored).toMatchObject({ status: 'sent', kind: 'agencyNotice', mail: { attachments: [{ fileId: photo.fileId, filename: 'lubang.jpg', contentType: 'image/jpeg' }] } });
    expect(JSON.stringify(stored).length).toBeLessThan(4_000);
  });

  it('is kept while the mail server is down and sent by the next sweep, once', async () => {
    const down = await rig(() => 1); // nothing listens on port 1
    const ticket = await report(down);
    const first = deps(down);
    await sendAgencyNotice(first, ticket.number);
    await first.notices.stop(); // this instance goes away before its retry
    const id = `agencyNotice:${ticket.number}:v0`;
    const waiting = await noticeModel(db.connection).findById(id).lean();
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1 });
    expect(waiting?.lastError).toMatch(/ECONNREFUSED|connect/);
    expect((await ticketModel(db.connection).findById(ticket.number).lean())?.due.agencyNotice).toBeUndefined();
    expect(noticesAbout(ticket.number)).toHaveLength(0);

    await noticeModel(db.connection).updateOne({ _id: id }, { $set: { nextAttemptAt: new Date(Date.now() - 1) } }); // its backoff is over
    const up = await rig(() => smtp.port);
    const second = deps(up);
    expect(await JOBS.outboxRetry.run(jobContext(second, up))).toBe(1);
    await second.notices.idle();
    expect(noticesAbout(ticket.number)).toHaveLength(1);
    expect(await noticeModel(db.connection).findById(id).lean()).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await JOBS.outboxRetry.run(jobContext(second, up))).toBe(0);
  });

  it('a crash between taking the deadline and queuing the notice: the job queues it when the lease ends', async () => {
    const r = await rig(() => smtp.port);
    const ticket = await report(r);
    expect(await r.storage.tickets.takeDue(ticket.number, 'agencyNotice', 'open', new Date(), new Date(Date.now() + 300_000))).not.toBeNull();
    const d = deps(r);
    expect(await JOBS.agencyNotices.run(jobContext(d, r))).toBe(0); // leased: not yet
    await ticketModel(db.connection).updateOne({ _id: ticket.number }, { $set: { 'due.agencyNotice': new Date(Date.now() - 1) } }); // the lease ended
    expect(await JOBS.agencyNotices.run(jobContext(d, r))).toBe(1);
    await d.notices.idle();
    expect(noticesAbout(ticket.number)).toHaveLength(1);
  });

  it("carries the reporter's contact in full by default, masked with privacy.agencyMail: masked (issue 17 item 4)", async () => {
    // The text part as the agency reads it (quoted-printable undone).
    const textOf = (raw: string) => Buffer.from(raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
    const full = await rig(() => smtp.port);
    const plain = await report(full);
    const fullDeps = deps(full);
    await sendAgencyNotice(fullDeps, plain.number);
    await fullDeps.notices.idle();
    expect(textOf(noticesAbout(plain.number)[0]?.raw ?? '')).toContain('Pelapor: Rina, +6281234500009');

    const masked = await rig(() => smtp.port, (c) => { c.privacy.agencyMail = 'masked'; });
    const hidden = await report(masked);
    const maskedDeps = deps(masked);
    await sendAgencyNotice(maskedDeps, hidden.number);
    await maskedDeps.notices.idle();
    const text = textOf(noticesAbout(hidden.number)[0]?.raw ?? '');
    expect(text).toContain('Pelapor: Rina, 0812•••••009');
    expect(text).toContain('Kontak pelapor disamarkan');
    expect(text).not.toContain('1234500009');
  });

  it('a transfer is a new notice (a new version), to the new agency', async () => {
    const r = await rig(() => smtp.port);
    const ticket = await report(r);
    const d = deps(r);
    await sendAgencyNotice(d, ticket.number);
    const moved = await r.tickets.transition(ticket.number, 'route', { agency: 'DPUPR' }, { actor: 'operator:siti' });
    await sendAgencyNotice(d, ticket.number);
    await d.notices.idle();
    expect(noticesAbout(ticket.number)).toHaveLength(1);
    expect(smtp.mails.filter((m) => m.subject.includes(ticket.number) && m.to.includes('pengaduan.dpupr@kotacontoh.go.id'))).toHaveLength(1);
    expect(await noticeModel(db.connection).findById(`agencyNotice:${ticket.number}:v${String(moved.version)}`).lean()).toMatchObject({ status: 'sent' });
  });
});
