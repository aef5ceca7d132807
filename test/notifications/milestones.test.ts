// Kept informed: the reporter hears each milestone of their ticket on their
// own channel (taken up, transferred, forwarded, result ready), through the
// real router on the test database: at once after the transition, once per
// transition however often the job runs, also after a crash between the
// transition and the message; nothing when switched off, and nothing for
// phone and walk-in reporters, who have no conversation.
import { describe, expect, it } from 'vitest';
import type { ConversationRouter } from '../../src/conversation/router.js';
import { createLogger } from '../../src/observability/logger.js';
import { keepReportersInformed, type MilestoneDeps, sendDueMilestones } from '../../src/notifications/milestones.js';
import { JOBS } from '../../src/scheduler/jobs.js';
import { conversationModel } from '../../src/storage/models/conversation.js';
import { messageModel } from '../../src/storage/models/message.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { mongoSessionStore } from '../../src/storage/operator-store.js';
import { mongoReportStore } from '../../src/storage/report-store.js';
import type { Channel } from '../../src/tickets/model.js';
import { createRig, type Person, type Rig, type RigOptions, texts, TICKET_NUMBER } from '../support/conversation.js';
import { useTestDatabase } from '../support/database.js';
import { until } from '../support/until.js';

const db = useTestDatabase(import.meta.filename);
const logger = createLogger({ level: 'silent' });
const DPUPR = 'Dinas Pekerjaan Umum dan Penataan Ruang';
const DLH = 'Dinas Lingkungan Hidup';

const deps = (rig: Rig): MilestoneDeps => ({ tickets: rig.tickets, router: rig.router, config: rig.config, logger });
const context = (rig: Rig) => ({ config: rig.config, tickets: rig.tickets, router: rig.router, outbox: rig.outbox, mailer: undefined, reports: mongoReportStore(db.connection), attachments: rig.storage.attachments, sessions: mongoSessionStore(db.connection), logger });
const ticketOf = (number: string) => ticketModel(db.connection).findById(number).lean();
const makeDue = (number: string) => ticketModel(db.connection).updateOne({ _id: number }, { $set: { 'due.milestone': new Date(Date.now() - 1_000) } });
const agency = { actor: 'agency:DPUPR/budi' } as const;
const operator = { actor: 'operator:siti' } as const;

/** A router whose process dies right after `notify` stored its messages. */
const dyingRouter = (router: ConversationRouter): ConversationRouter =>
  Object.assign(Object.create(router) as ConversationRouter, {
    notify: async (...args: Parameters<ConversationRouter['notify']>) => {
      await router.notify(...args);
      throw new Error('the process died');
    },
  });

/** A complaint about a road (DPUPR), as an operator or the intake records it for this reporter. */
async function complaint(rig: Rig, channelUserId: string, channel: Channel = 'webchat'): Promise<string> {
  const ticket = await rig.tickets.create({ channel, reporter: { name: 'Yanti', phone: '+6281288887777', ...(channelUserId ? { channelUserId } : {}) }, category: 'jalan_rusak', description: 'Jalan berlubang di depan gang Sawo.' }, 'operator:siti');
  return ticket.number;
}

/** The replies the fast path sends, once they are there. */
async function heard(person: Person, count = 1): Promise<string[]> {
  const got: string[] = [];
  await until(`${String(count)} milestone message(s)`, async () => {
    got.push(...(await person.replies()).map((r) => r.text));
    return got.length >= count;
  }, 5_000);
  return got;
}

async function rigWith(options: RigOptions = {}, fastPath = true): Promise<Rig> {
  const rig = await createRig(db, options);
  if (fastPath) keepReportersInformed(deps(rig));
  return rig;
}

describe('milestones: the reporter is kept informed', () => {
  it('a report made in the chat: taken up, transferred with the new agency, taken up there, result ready — each at once, once', async () => {
    const rig = await rigWith();
    const p = rig.person();
    for (const text of ['halo', '1', 'Yanti', '081288887777', 'Jl. Sawo 4', '1', 'Jalan berlubang di depan gang Sawo.', 'selesai']) await p.say(text);
    await p.send({ location: { latitude: -6.2, longitude: 106.8 } });
    const number = TICKET_NUMBER.exec(texts(await p.say('ya')))?.[0] ?? '';
    expect(number).not.toBe('');

    await rig.tickets.transition(number, 'respond', {}, agency);
    const [takenUp] = await heard(p);
    // Each ends with the ticket's public status link (src/public/).
    const link = `\nLihat perkembangannya di: http://localhost:3000/t/${number}?k=${(await ticketOf(number))?.publicToken ?? '?'}`;
    expect(takenUp).toBe(`Kabar laporan ${number}: laporan Anda sudah diterima ${DPUPR} dan sedang ditindaklanjuti. Ketik STATUS ${number} untuk mengecek perkembangannya.${link}`);

    await rig.tickets.transition(number, 'route', { agency: 'DLH' }, { ...operator, note: 'wewenang DLH' });
    expect(await heard(p)).toEqual([`Kabar laporan ${number}: laporan Anda dialihkan ke ${DLH}, yang berwenang menanganinya.${link}`]);
    await rig.tickets.transition(number, 'respond', {}, { actor: 'agency:DLH/ani' });
    expect((await heard(p))[0]).toContain(`sudah diterima ${DLH}`); // a new transition: a new message

    await rig.tickets.transition(number, 'submitResult', { text: 'Lubang sudah ditambal.' }, { actor: 'agency:DLH/ani' });
    const [ready] = await heard(p);
    expect(ready).toContain(`${DLH} sudah menyampaikan hasil tindak lanjutnya`);
    expect(ready).not.toContain('Lubang sudah ditambal'); // the result itself comes with the confirmation question, once validated

    // Validation is no milestone: the confirmation question tells it, and the job owes nothing.
    await rig.tickets.transition(number, 'validate', {}, operator);
    expect((await ticketOf(number))?.due.milestone).toBeUndefined();
    expect(await JOBS.milestones.run(context(rig))).toBe(0);
    expect(await JOBS.confirmations.run(context(rig))).toBe(1);
    expect(texts(await p.replies())).toContain(`Laporan ${number} telah ditindaklanjuti oleh ${DLH}`);
    expect(await p.replies()).toEqual([]);

    // In the ticket's thread, for the operators; marked for the template outside WhatsApp's window.
    const sent = await messageModel(db.connection).find({ conversationKey: p.key, ticketNumber: number, 'notice.kind': 'milestone' }).sort({ seq: 1 }).lean();
    expect(sent).toHaveLength(4);
    expect(sent[0]?.notice).toEqual({ kind: 'milestone', params: [number, `sudah diterima ${DPUPR} dan sedang ditindaklanjuti`] });
  });

  it('forwarded to SP4N-LAPOR!: with its link', async () => {
    const rig = await rigWith();
    const p = rig.person();
    const number = await complaint(rig, p.id);
    await rig.tickets.transition(number, 'forward', { forwardTo: 'sp4n_lapor' }, operator);
    const [forwarded] = await heard(p);
    expect(forwarded).toContain(`Kabar laporan ${number}: masalah ini di luar kewenangan pemerintah kota, sehingga laporan Anda kami teruskan ke SP4N-LAPOR!`);
    expect(forwarded).toContain('https://www.lapor.go.id');
  });

  it('a transfer to the agency the ticket already has (a category corrected) is no milestone', async () => {
    const rig = await rigWith();
    const p = rig.person();
    const number = await complaint(rig, p.id);
    await rig.tickets.transition(number, 'route', { agency: 'DPUPR', category: 'drainase_banjir' }, operator);
    expect((await ticketOf(number))?.due.milestone).toBeUndefined();
    expect(await sendDueMilestones(deps(rig))).toBe(0);
    expect(await p.replies()).toEqual([]);
  });

  it('the process dies right after the transition: the job sends it, once, however often and however many run it', async () => {
    const rig = await rigWith({}, false); // no fast path: as if the process died before its listener ran
    const p = rig.person();
    const number = await complaint(rig, p.id);
    await rig.tickets.transition(number, 'respond', {}, agency);
    expect((await ticketOf(number))?.due.milestone).toBeDefined(); // owed, in the transition's own update
    expect(await p.replies()).toEqual([]);

    const runs = await Promise.all([JOBS.milestones.run(context(rig)), JOBS.milestones.run(context(rig))]);
    expect(runs[0] + runs[1]).toBe(1);
    expect(texts(await p.replies()).match(/sedang ditindaklanjuti/g)).toHaveLength(1);
    expect((await ticketOf(number))?.due.milestone).toBeUndefined();
    expect(await JOBS.milestones.run(context(rig))).toBe(0);
    expect(await p.replies()).toEqual([]);
  });

  it('the process dies between storing the message and clearing the deadline: the re-run after the lease sends nothing twice', async () => {
    const rig = await rigWith({}, false);
    const p = rig.person();
    const number = await complaint(rig, p.id);
    await rig.tickets.transition(number, 'respond', {}, agency);
    await expect(sendDueMilestones({ ...deps(rig), router: dyingRouter(rig.router) })).rejects.toThrow('the process died');
    expect(texts(await p.replies()).match(/sedang ditindaklanjuti/g)).toHaveLength(1);
    const version = (await ticketOf(number))?.version ?? -1;
    expect((await conversationModel(db.connection).findById(p.key).lean())?.noticeKeys).toEqual([`milestone:takenUp:${number}:v${String(version)}`]);

    await makeDue(number); // the lease ended
    expect(await JOBS.milestones.run(context(rig))).toBe(0);
    expect(await p.replies()).toEqual([]);
    expect((await ticketOf(number))?.due.milestone).toBeUndefined();
  });

  it('a milestone still unsent when the next transition comes is replaced by the newer one', async () => {
    const rig = await rigWith({}, false);
    const p = rig.person();
    const number = await complaint(rig, p.id);
    await rig.tickets.transition(number, 'respond', {}, agency);
    await rig.tickets.transition(number, 'submitResult', { text: 'Sudah ditambal.' }, agency);
    expect(await JOBS.milestones.run(context(rig))).toBe(1);
    const told = texts(await p.replies());
    expect(told).toContain('sudah menyampaikan hasil tindak lanjutnya');
    expect(told).not.toContain('sedang ditindaklanjuti');
  });

  it('switched off in the configuration: nothing is sent, and nothing stays owed', async () => {
    const rig = await rigWith({ configure: (c) => { c.milestones = { takenUp: false, transferred: false, forwarded: false, resultReady: true }; } });
    const p = rig.person();
    const number = await complaint(rig, p.id);
    await rig.tickets.transition(number, 'respond', {}, agency);
    await rig.tickets.transition(number, 'route', { agency: 'DLH' }, operator);
    await until('the fast path done', async () => (await ticketOf(number))?.due.milestone === undefined, 5_000);
    expect(await JOBS.milestones.run(context(rig))).toBe(0);
    expect(await p.replies()).toEqual([]);
    const other = await complaint(rig, rig.person().id);
    await rig.tickets.transition(other, 'forward', { forwardTo: 'sp4n_lapor' }, operator);
    await until('the fast path done', async () => (await ticketOf(other))?.due.milestone === undefined, 5_000);
    expect(await messageModel(db.connection).countDocuments({ ticketNumber: { $in: [number, other] }, direction: 'out' })).toBe(0);
  });

  it('phone and walk-in complaints: nobody to tell, nothing sent, nothing owed', async () => {
    const rig = await rigWith({}, false);
    const numbers = [await complaint(rig, '', 'phone'), await complaint(rig, '', 'walk_in')];
    for (const number of numbers) {
      await rig.tickets.transition(number, 'respond', {}, agency);
      await rig.tickets.transition(number, 'submitResult', { text: 'Sudah ditambal.' }, agency);
    }
    expect(await JOBS.milestones.run(context(rig))).toBe(0);
    for (const number of numbers) expect((await ticketOf(number))?.due.milestone).toBeUndefined();
    expect(await messageModel(db.connection).countDocuments({ ticketNumber: { $in: numbers }, direction: 'out' })).toBe(0);
  });
});
