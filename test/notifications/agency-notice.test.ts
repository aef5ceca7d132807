// The agency's ticket notice over real SMTP: sent once, and sent later by
// the agencyNotices job when the mail server was down at the time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendAgencyNotice } from '../../src/notifications/agency-notice.js';
import { smtpMailer } from '../../src/notifications/mailer.js';
import { createLogger } from '../../src/observability/logger.js';
import { JOBS } from '../../src/scheduler/jobs.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { mongoSessionStore } from '../../src/storage/operator-store.js';
import { mongoReportStore } from '../../src/storage/report-store.js';
import { createRig, type Rig } from '../support/conversation.js';
import { useTestDatabase } from '../support/database.js';
import { SmtpSink } from '../support/smtp-sink.js';

const db = useTestDatabase(import.meta.filename);
const logger = createLogger({ level: 'silent' });
let smtp: SmtpSink;

beforeAll(async () => { smtp = await new SmtpSink().start(); });
afterAll(async () => { await smtp.stop(); });

const rig = (port: () => number) =>
  createRig(db, {
    configure: (c) => {
      c.channels.email.smtp = { host: '127.0.0.1', port: port(), secure: false };
      c.channels.email.from = 'Aduan Kota Contoh <aduan@kotacontoh.go.id>';
    },
  });
const deps = (r: Rig) => ({ tickets: r.tickets, mailer: smtpMailer(r.config.channels.email), attachments: r.storage.attachments, config: r.config, logger });
const report = (r: Rig) => r.tickets.create({ channel: 'webchat', reporter: { name: 'Rina', phone: '+6281234500009', channelUserId: 'w9' }, category: 'sampah', description: 'Sampah menumpuk di TPS Jl. Melati sejak seminggu.', location: { latitude: -6.2, longitude: 106.8 } }, 'reporter');
const noticesAbout = (number: string) => smtp.mails.filter((m) => m.subject.includes(number) && m.to.includes('pengaduan.dlh@kotacontoh.go.id'));

describe('agency notice', () => {
  it('goes out once, however often it is asked for', async () => {
    const r = await rig(() => smtp.port);
    const ticket = await report(r);
    await Promise.all([sendAgencyNotice(deps(r), ticket.number), sendAgencyNotice(deps(r), ticket.number)]);
    await JOBS.agencyNotices.run({ ...deps(r), router: r.router, outbox: r.outbox, reports: mongoReportStore(db.connection), sessions: mongoSessionStore(db.connection) });
    expect(noticesAbout(ticket.number)).toHaveLength(1);
    expect(noticesAbout(ticket.number)[0]?.subject).toMatch(/^\[ADU-\d{4}-\d{5}\] Pengaduan baru: /);
  });

  it('is sent by the agencyNotices job after the mail server was down', async () => {
    const down = await rig(() => 1); // nothing listens on port 1
    const ticket = await report(down);
    await sendAgencyNotice(deps(down), ticket.number);
    const rearmed = await ticketModel(db.connection).findById(ticket.number).lean();
    expect(rearmed?.due.agencyNotice?.getTime()).toBeGreaterThan(Date.now()); // put back for later, not lost
    expect(noticesAbout(ticket.number)).toHaveLength(0);

    await ticketModel(db.connection).updateOne({ _id: ticket.number }, { $set: { 'due.agencyNotice': new Date(Date.now() - 1_000) } });
    const up = await rig(() => smtp.port);
    expect(await JOBS.agencyNotices.run({ ...deps(up), router: up.router, outbox: up.outbox, reports: mongoReportStore(db.connection), sessions: mongoSessionStore(db.connection) })).toBe(1);
    expect(noticesAbout(ticket.number)).toHaveLength(1);
  });
});
