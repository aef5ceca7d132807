// SLA reminders and escalation over real SMTP (smtp-server as the sink), on the real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

async function rig(): Promise<Rig> {
  return createRig(db, {
    configure: (c) => {
      c.channels.email.smtp = { host: '127.0.0.1', port: smtp.port, secure: false };
      c.channels.email.from = 'Aduan Kota Contoh <aduan@kotacontoh.go.id>';
    },
  });
}

const context = (r: Rig) => ({ config: r.config, tickets: r.tickets, router: r.router, outbox: r.outbox, mailer: smtpMailer(r.config.channels.email), reports: mongoReportStore(db.connection), attachments: r.storage.attachments, sessions: mongoSessionStore(db.connection), logger });
const pastDue = (number: string, ...fields: string[]) =>
  ticketModel(db.connection).updateOne({ _id: number }, { $set: Object.fromEntries(fields.map((f) => [`due.${f}`, new Date(Date.now() - 1_000)])) });
const mailsAbout = (number: string) => smtp.mails.filter((m) => m.subject.includes(number));

describe('SLA sweep', () => {
  it('reminds the agency before the 1×24 h deadline, once, even with two sweeps at once', async () => {
    const r = await rig();
    const ticket = await r.tickets.create({ channel: 'webchat', reporter: { name: 'Rina', channelUserId: 'w1' }, category: 'sampah', description: 'Sampah menumpuk di TPS Jl. Melati sejak seminggu.', location: { address: 'TPS Jl. Melati' } }, 'reporter');
    expect(await JOBS.slaSweep.run(context(r))).toBe(0); // nothing due yet

    await pastDue(ticket.number, 'firstResponseReminder');
    await Promise.all([JOBS.slaSweep.run(context(r)), JOBS.slaSweep.run(context(r))]);
    const mails = mailsAbout(ticket.number);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.to).toEqual(['pengaduan.dlh@kotacontoh.go.id']);
    expect(mails[0]?.subject).toContain('Pengingat: tanggapan pertama (1×24 jam)');
    expect(mails[0]?.raw).toContain('Auto-Submitted: auto-generated');
    expect(mails[0]?.raw).toContain('TPS Jl. Melati');
  });

  it('after the deadline records the breach and escalates to supervisors and central operators', async () => {
    const r = await rig();
    const ticket = await r.tickets.create({ channel: 'webchat', reporter: { name: 'Rina', channelUserId: 'w2' }, category: 'jalan_rusak', description: 'Jalan ambles di depan puskesmas Sukamaju.' }, 'reporter');
    await pastDue(ticket.number, 'firstResponseReminder', 'firstResponse');
    expect(await JOBS.slaSweep.run(context(r))).toBe(2);
    expect(await JOBS.slaSweep.run(context(r))).toBe(0);
    const escalation = mailsAbout(ticket.number).find((m) => m.subject.includes('Eskalasi'));
    expect(escalation?.to.sort()).toEqual(['kabid.binamarga@kotacontoh.go.id', 'kabid.sda@kotacontoh.go.id', 'pengaduan.dpupr@kotacontoh.go.id', 'pengaduan@kotacontoh.go.id']);
    expect(await ticketModel(db.connection).findById(ticket.number).lean()).toMatchObject({ status: 'open', slaBreaches: [{ kind: 'firstResponse', agency: 'DPUPR' }] });

    // The same for the follow-up target once the agency has responded.
    await r.tickets.transition(ticket.number, 'respond', {}, { actor: 'agency:DPUPR/budi' });
    await pastDue(ticket.number, 'followUp');
    await JOBS.slaSweep.run(context(r));
    expect(mailsAbout(ticket.number).filter((m) => m.subject.includes('hasil tindak lanjut (3 hari)'))).toHaveLength(1);
    expect((await ticketModel(db.connection).findById(ticket.number).lean())?.slaBreaches?.map((b) => b.kind)).toEqual(['firstResponse', 'followUp']);
  });
});
