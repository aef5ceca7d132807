// SLA reminders and escalation over real SMTP (smtp-server as the sink), on the
// real database, through the durable mail queue: retried when the server says
// "later", failed for good when it says "no", never twice, and redone after a
// crash once the deadline's lease ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpMailer } from '../../src/notifications/mailer.js';
import { NoticeDispatcher } from '../../src/notifications/notice-dispatcher.js';
import { createLogger } from '../../src/observability/logger.js';
import { JOBS } from '../../src/scheduler/jobs.js';
import { slaSweep } from '../../src/scheduler/jobs/sla.js';
import { noticeModel } from '../../src/storage/models/notice.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { mongoSessionStore } from '../../src/storage/operator-store.js';
import { mongoReportStore } from '../../src/storage/report-store.js';
import { createRig, type Rig } from '../support/conversation.js';
import { useTestDatabase } from '../support/database.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { until } from '../support/until.js';

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

/** One instance's job context: its own mail queue dispatcher, with a short backoff. */
function instance(r: Rig) {
  const mailer = smtpMailer(r.config.channels.email);
  if (!mailer) throw new Error('SMTP is configured in this test');
  const notices = new NoticeDispatcher(r.storage.notices, mailer, r.storage.attachments, logger, { baseBackoffMs: 400, maxBackoffMs: 2_000, maxAttempts: 5 });
  const context = { config: r.config, tickets: r.tickets, router: r.router, outbox: r.outbox, mailer, notices, reports: mongoReportStore(db.connection), attachments: r.storage.attachments, sessions: mongoSessionStore(db.connection), logger };
  return { notices, context };
}

const pastDue = (number: string, ...fields: string[]) =>
  ticketModel(db.connection).updateOne({ _id: number }, { $set: Object.fromEntries(fields.map((f) => [`due.${f}`, new Date(Date.now() - 1_000)])) });
const mailsAbout = (number: string, what = '') => smtp.mails.filter((m) => m.subject.includes(number) && m.subject.includes(what));
const notice = (id: string) => noticeModel(db.connection).findById(id).lean();
const ticketOf = (number: string) => ticketModel(db.connection).findById(number).lean();
const newTicket = (r: Rig, user: string, category = 'sampah') =>
  r.tickets.create({ channel: 'webchat', reporter: { name: 'Rina', channelUserId: user }, category, description: 'Sampah menumpuk di TPS Jl. Melati sejak seminggu.', location: { address: 'TPS Jl. Melati' } }, 'reporter');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SLA sweep', () => {
  it('reminds the agency before the 1×24 h deadline, once, even with two sweeps at once', async () => {
    const r = await rig();
    const [a, b] = [instance(r), instance(r)];
    const ticket = await newTicket(r, 'w1');
    expect(await JOBS.slaSweep.run(a.context)).toBe(0); // nothing due yet

    await pastDue(ticket.number, 'firstResponseReminder');
    await Promise.all([JOBS.slaSweep.run(a.context), JOBS.slaSweep.run(b.context)]);
    await Promise.all([a.notices.idle(), b.notices.idle()]);
    const mails = mailsAbout(ticket.number);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.to).toEqual(['pengaduan.dlh@kotacontoh.go.id']);
    expect(mails[0]?.subject).toContain('Pengingat: tanggapan pertama (1×24 jam)');
    expect(mails[0]?.raw).toContain('Auto-Submitted: auto-generated');
    expect(mails[0]?.raw).toContain('TPS Jl. Melati');
    expect(mails[0]?.raw).toMatch(/Message-ID: <aduan\.n\.adu-\d{4}-\d{5}\.[0-9a-f]{20}@kotacontoh\.go\.id>/i);
    expect(await notice(`reminder:firstResponse:${ticket.number}:v0`)).toMatchObject({ status: 'sent', attempts: 1, kind: 'slaReminder', ticketNumber: ticket.number });
    expect((await ticketOf(ticket.number))?.due.firstResponseReminder).toBeUndefined();
  });

  it('after the deadline records the breach and escalates to supervisors and central operators', async () => {
    const r = await rig();
    const { notices, context } = instance(r);
    const ticket = await newTicket(r, 'w2', 'jalan_rusak');
    await pastDue(ticket.number, 'firstResponseReminder', 'firstResponse');
    expect(await JOBS.slaSweep.run(context)).toBe(2);
    expect(await JOBS.slaSweep.run(context)).toBe(0);
    await notices.idle();
    const escalation = mailsAbout(ticket.number, 'Eskalasi')[0];
    expect(escalation?.to.sort()).toEqual(['kabid.binamarga@kotacontoh.go.id', 'kabid.sda@kotacontoh.go.id', 'pengaduan.dpupr@kotacontoh.go.id', 'pengaduan@kotacontoh.go.id']);
    expect(await ticketOf(ticket.number)).toMatchObject({ status: 'open', slaBreaches: [{ kind: 'firstResponse', agency: 'DPUPR' }] });

    // The same for the follow-up target once the agency has responded.
    await r.tickets.transition(ticket.number, 'respond', {}, { actor: 'agency:DPUPR/budi' });
    await pastDue(ticket.number, 'followUp');
    await JOBS.slaSweep.run(context);
    await notices.idle();
    expect(mailsAbout(ticket.number, 'hasil tindak lanjut (3 hari)')).toHaveLength(1);
    expect((await ticketOf(ticket.number))?.slaBreaches?.map((b) => b.kind)).toEqual(['firstResponse', 'followUp']);
  });

  it('a reminder the mail server answers "try later" (4xx) goes out on the retry timer, without waiting for a sweep, once', async () => {
    const r = await rig();
    const { notices, context } = instance(r);
    const ticket = await newTicket(r, 'w3');
    await pastDue(ticket.number, 'firstResponseReminder');
    smtp.refusals.push(451);
    const refusedBefore = smtp.refused;
    expect(await slaSweep(context)).toBe(1);
    await until('the refusal', () => smtp.refused === refusedBefore + 1);
    await notices.idle();
    const id = `reminder:firstResponse:${ticket.number}:v0`;
    const waiting = await notice(id);
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1 });
    expect(waiting?.lastError).toContain('451');
    expect(mailsAbout(ticket.number)).toHaveLength(0);
    expect((await ticketOf(ticket.number))?.due.firstResponseReminder).toBeUndefined(); // the deadline is done with: the queue owns the notice

    // No sweep runs: the dispatcher's own timer retries when the backoff (~400 ms) ends.
    await until('the retried reminder', () => mailsAbout(ticket.number).length === 1, 5_000);
    await notices.idle();
    expect(await notice(id)).toMatchObject({ status: 'sent', attempts: 2 });
    await sleep(1_000);
    expect(await notices.sweep()).toBe(0);
    expect(await slaSweep(context)).toBe(0);
    expect(mailsAbout(ticket.number)).toHaveLength(1);
    await notices.stop();
  });

  it('a reminder refused for good (5xx) is marked failed with the reason, and not retried', async () => {
    const r = await rig();
    const { notices, context } = instance(r);
    const ticket = await newTicket(r, 'w4');
    await pastDue(ticket.number, 'firstResponseReminder');
    smtp.refusals.push(550);
    expect(await slaSweep(context)).toBe(1);
    await notices.idle();
    const failed = await notice(`reminder:firstResponse:${ticket.number}:v0`);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed?.lastError).toMatch(/550 Message refused by policy/);
    await sleep(1_000); // longer than the backoff: nothing retries it
    expect(await notices.sweep()).toBe(0);
    expect(await slaSweep(context)).toBe(0);
    expect(mailsAbout(ticket.number)).toHaveLength(0);
  });

  it('an escalation the server answers 4xx is retried once it accepts, with the breach recorded once; a 5xx fails it', async () => {
    const r = await rig();
    const { notices, context } = instance(r);
    const retried = await newTicket(r, 'w5', 'jalan_rusak');
    await pastDue(retried.number, 'firstResponse');
    smtp.refusals.push(421);
    expect(await slaSweep(context)).toBe(1);
    await until('the retried escalation', () => mailsAbout(retried.number, 'Eskalasi').length === 1, 5_000);
    await notices.idle();
    expect(await notice(`escalation:firstResponse:${retried.number}:v0`)).toMatchObject({ status: 'sent', attempts: 2, kind: 'escalation' });
    expect((await ticketOf(retried.number))?.slaBreaches).toHaveLength(1);

    const refused = await newTicket(r, 'w6', 'jalan_rusak');
    await pastDue(refused.number, 'firstResponse');
    smtp.refusals.push(554);
    expect(await slaSweep(context)).toBe(1);
    await notices.idle();
    const failed = await notice(`escalation:firstResponse:${refused.number}:v0`);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed?.lastError).toContain('554');
    expect((await ticketOf(refused.number))?.slaBreaches).toHaveLength(1); // recorded whatever the mail server said
    await sleep(800);
    expect(await notices.sweep()).toBe(0);
    expect(mailsAbout(refused.number, 'Eskalasi')).toHaveLength(0);
    await notices.stop();
  });

  it('a process that dies after taking a deadline: the step is redone when the lease ends, and the notice and breach happen once', async () => {
    const r = await rig();
    const { notices, context } = instance(r);

    // Died right after the take: the deadline is leased, so nobody acts on it until the lease ends …
    const taken = await newTicket(r, 'w7');
    await pastDue(taken.number, 'firstResponseReminder');
    const leaseUntil = new Date(Date.now() + 5 * 60_000);
    expect(await r.storage.tickets.takeDue(taken.number, 'firstResponseReminder', 'open', new Date(), leaseUntil)).not.toBeNull();
    expect(await slaSweep(context)).toBe(0);
    expect((await ticketOf(taken.number))?.due.firstResponseReminder).toEqual(leaseUntil);
    // … and then the next sweep does it.
    await pastDue(taken.number, 'firstResponseReminder');
    expect(await slaSweep(context)).toBe(1);
    await notices.idle();
    expect(mailsAbout(taken.number)).toHaveLength(1);

    // Died after queuing the escalation, before clearing its deadline: redone after the lease, nothing twice.
    const queued = await newTicket(r, 'w8', 'jalan_rusak');
    await pastDue(queued.number, 'firstResponse');
    const dying = Object.assign(Object.create(notices) as NoticeDispatcher, {
      enqueue: async (n: Parameters<NoticeDispatcher['enqueue']>[0]) => {
        await notices.enqueue(n);
        throw new Error('the process died');
      },
    });
    await expect(slaSweep({ ...context, notices: dying })).rejects.toThrow('the process died');
    await notices.idle();
    expect(mailsAbout(queued.number, 'Eskalasi')).toHaveLength(1);
    const leased = await ticketOf(queued.number);
    expect(leased?.due.firstResponse?.getTime()).toBeGreaterThan(Date.now());
    expect(leased?.slaBreaches).toHaveLength(1);
    expect(leased?.version).toBe(0); // leasing is not a change of the ticket's state

    await pastDue(queued.number, 'firstResponse'); // the lease ended
    expect(await slaSweep(context)).toBe(0); // queued before: nothing new
    await notices.idle();
    const after = await ticketOf(queued.number);
    expect(after?.due.firstResponse).toBeUndefined();
    expect(after?.slaBreaches).toHaveLength(1);
    expect(mailsAbout(queued.number, 'Eskalasi')).toHaveLength(1);
  });

  it('two schedulers sweeping many tickets at once: every reminder and escalation goes out once', async () => {
    const r = await rig();
    const [a, b] = [instance(r), instance(r)];
    const tickets = await Promise.all(Array.from({ length: 8 }, (_, i) => newTicket(r, `many-${String(i)}`, i % 2 ? 'sampah' : 'jalan_rusak')));
    for (const t of tickets) await pastDue(t.number, 'firstResponseReminder', 'firstResponse');
    const [x, y] = await Promise.all([slaSweep(a.context), slaSweep(b.context)]);
    expect(x + y).toBe(16);
    await Promise.all([a.notices.idle(), b.notices.idle()]);
    for (const t of tickets) {
      expect(mailsAbout(t.number, 'Pengingat')).toHaveLength(1);
      expect(mailsAbout(t.number, 'Eskalasi')).toHaveLength(1);
      expect((await ticketOf(t.number))?.slaBreaches).toHaveLength(1);
    }
  });
});
