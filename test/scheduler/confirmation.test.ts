// The confirmation cycle (SOP steps 12–15) end to end on the real database:
// resolved → the reporter is asked → yes closes, no reopens, silence →
// second notice → closed for no_confirmation, each notice sent once, also
// when a job is re-run after a crash at any step.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import type { ConversationRouter } from '../../src/conversation/router.js';
import { JOBS } from '../../src/scheduler/jobs.js';
import { askForConfirmation, closeUnconfirmed } from '../../src/scheduler/jobs/confirmation.js';
import { mongoJobLeases } from '../../src/storage/lease-store.js';
import { startScheduler } from '../../src/scheduler/scheduler.js';
import { conversationModel } from '../../src/storage/models/conversation.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { mongoSessionStore } from '../../src/storage/operator-store.js';
import { mongoReportStore } from '../../src/storage/report-store.js';
import { createRig, type Person, type Rig, texts, TICKET_NUMBER } from '../support/conversation.js';
import { useTestDatabase } from '../support/database.js';
import { fakeJpeg } from '../support/images.js';

const db = useTestDatabase(import.meta.filename);
const logger = createLogger({ level: 'silent' });

async function resolvedTicket(rig: Rig, person: Person): Promise<string> {
  for (const text of ['halo', '1', 'Yanti', '081288887777', 'Jl. Sawo 4', '1', 'Jalan berlubang di depan gang Sawo.', 'selesai', 'Gang Sawo']) await person.say(text);
  const number = TICKET_NUMBER.exec(texts(await person.say('ya')))?.[0] ?? '';
  const photo = await rig.storage.attachments.saveImage({ bytes: fakeJpeg(3_000, number.length) });
  await rig.tickets.transition(number, 'respond', {}, { actor: 'agency:DPUPR/budi' });
  await rig.tickets.transition(number, 'submitResult', { text: 'Lubang sudah ditambal dengan aspal panas.', attachments: [photo] }, { actor: 'agency:DPUPR/budi' });
  await rig.tickets.transition(number, 'validate', {}, { actor: 'operator:siti' });
  return number;
}

const context = (rig: Rig) => ({ config: rig.config, tickets: rig.tickets, router: rig.router, outbox: rig.outbox, mailer: undefined, reports: mongoReportStore(db.connection), attachments: rig.storage.attachments, sessions: mongoSessionStore(db.connection), logger });
const makeDue = (number: string, field: string) => ticketModel(db.connection).updateOne({ _id: number }, { $set: { [`due.${field}`]: new Date(Date.now() - 1_000) } });
const ticketOf = (number: string) => ticketModel(db.connection).findById(number).lean();
/** A router whose process dies right after `notify` stored its messages (or, with `before`, right before). */
const dyingRouter = (router: ConversationRouter, before = false): ConversationRouter =>
  Object.assign(Object.create(router) as ConversationRouter, {
    notify: async (...args: Parameters<ConversationRouter['notify']>) => {
      if (!before) await router.notify(...args);
      throw new Error('the process died');
    },
  });

describe('confirmation cycle', () => {
  it('asks the reporter with the result; "ya" closes the ticket as confirmed', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    const number = await resolvedTicket(rig, p);
    expect(await JOBS.confirmations.run(context(rig))).toBe(1);
    const asked = await p.replies();
    expect(asked[0]?.photo).toBeDefined();
    expect(texts(asked)).toContain(`Laporan ${number} telah ditindaklanjuti oleh Dinas Pekerjaan Umum dan Penataan Ruang`);
    expect(texts(asked)).toContain('Lubang sudah ditambal dengan aspal panas.');
    expect(asked.at(-1)?.choices?.map((c) => c.label)).toEqual(['Ya', 'Tidak']);
    expect(await JOBS.confirmations.run(context(rig))).toBe(0); // asked once

    expect(texts(await p.say('Ya'))).toContain(`Tiket ${number} kami tutup`);
    expect(await ticketModel(db.connection).findById(number).lean()).toMatchObject({ status: 'closed', closeReason: 'confirmed', due: {} });
    expect(texts(await p.say('halo'))).toContain('Selamat datang'); // and the conversation goes on normally
  });

  it('"belum, masih rusak" reopens the ticket to the agency with the reporter’s words', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    const number = await resolvedTicket(rig, p);
    await JOBS.confirmations.run(context(rig));
    await p.replies();
    expect(texts(await p.say('belum, masih rusak'))).toContain(`Laporan ${number} dibuka kembali`);
    const ticket = await ticketModel(db.connection).findById(number).lean();
    expect(ticket).toMatchObject({ status: 'in_progress', reopenCount: 1 });
    expect(ticket?.history.at(-1)).toMatchObject({ action: 'reopen', actor: 'reporter', note: 'belum, masih rusak' });
  });

  it('silence: a second notice once, then closed with no_confirmation and the reporter told', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    const number = await resolvedTicket(rig, p);
    await JOBS.confirmations.run(context(rig));
    await p.replies();

    await makeDue(number, 'confirmationReminder');
    await Promise.all([JOBS.confirmations.run(context(rig)), JOBS.confirmations.run(context(rig))]);
    const reminder = texts(await p.replies());
    expect(reminder.match(/Pengingat/g)).toHaveLength(1);
    expect(reminder).toContain('ditutup dalam 7 hari');

    await makeDue(number, 'autoClose');
    expect(await JOBS.confirmations.run(context(rig))).toBe(1);
    expect(texts(await p.replies())).toContain(`Tiket ${number} kami tutup karena tidak ada konfirmasi`);
    expect(await ticketModel(db.connection).findById(number).lean()).toMatchObject({ status: 'closed', closeReason: 'no_confirmation' });
    expect(texts(await p.say('ya'))).toContain('Selamat datang'); // no longer a pending confirmation
  });

  it('a crash between telling the reporter and clearing the deadline: the re-run after the lease does not ask again', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    const number = await resolvedTicket(rig, p);
    await expect(askForConfirmation({ ...context(rig), router: dyingRouter(rig.router) })).rejects.toThrow('the process died');
    expect(texts(await p.replies()).match(/telah ditindaklanjuti/g)).toHaveLength(1);
    expect((await ticketOf(number))?.due.confirmationRequest?.getTime()).toBeGreaterThan(Date.now()); // leased, not cleared

    await makeDue(number, 'confirmationRequest'); // the lease ended
    expect(await JOBS.confirmations.run(context(rig))).toBe(0);
    expect(await p.replies()).toEqual([]);
    expect((await ticketOf(number))?.due.confirmationRequest).toBeUndefined();
    expect(texts(await p.say('ya'))).toContain(`Tiket ${number} kami tutup`); // still awaiting the answer
  });

  it('a crash between storing the question and saving the conversation: the re-run stores nothing twice', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    const number = await resolvedTicket(rig, p);
    const conversations = rig.storage.conversations;
    const save = conversations.saveAndRelease.bind(conversations);
    conversations.saveAndRelease = async (key, owner) => {
      conversations.saveAndRelease = save;
      await conversations.release(key, owner); // as if its lease had run out
      throw new Error('the process died');
    };
    await expect(JOBS.confirmations.run(context(rig))).rejects.toThrow('the process died');
    expect(texts(await p.replies()).match(/telah ditindaklanjuti/g)).toHaveLength(1); // in the outbox already
    expect((await conversationModel(db.connection).findById(p.key).lean())?.noticeKeys).toBeUndefined();

    await makeDue(number, 'confirmationRequest');
    await JOBS.confirmations.run(context(rig));
    expect(await p.replies()).toEqual([]); // the same outbox entries: not stored again
    expect((await conversationModel(db.connection).findById(p.key).lean())?.noticeKeys).toEqual([`confirmationAsk:${number}:v${String((await ticketOf(number))?.version)}`]);
    expect(texts(await p.say('ya'))).toContain(`Tiket ${number} kami tutup`);
  });

  it('a crash right after the auto-close: the reporter is still told, once', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    const number = await resolvedTicket(rig, p);
    await JOBS.confirmations.run(context(rig));
    await p.replies();
    await makeDue(number, 'autoClose');
    await expect(closeUnconfirmed({ ...context(rig), router: dyingRouter(rig.router, true) })).rejects.toThrow('the process died');
    const closed = await ticketOf(number);
    expect(closed).toMatchObject({ status: 'closed', closeReason: 'no_confirmation' });
    expect(closed?.due.closeNotice?.getTime()).toBeGreaterThan(Date.now()); // the notice is still owed
    expect(await p.replies()).toEqual([]);

    await makeDue(number, 'closeNotice');
    expect(await JOBS.confirmations.run(context(rig))).toBe(1);
    expect(texts(await p.replies())).toContain(`Tiket ${number} kami tutup karena tidak ada konfirmasi`);
    expect((await ticketOf(number))?.due).toEqual({});
    await makeDue(number, 'closeNotice'); // even if the deadline came back, nothing is sent twice
    expect(await JOBS.confirmations.run(context(rig))).toBe(0);
    expect(await p.replies()).toEqual([]);
  });

  it('two schedulers at once: every notice sent once, and only one holds the lease', async () => {
    const rig = await createRig(db);
    const people = [rig.person(), rig.person(), rig.person()];
    for (const p of people) await resolvedTicket(rig, p);
    const leases = mongoJobLeases(db.connection);
    const first = startScheduler({ ...context(rig), config: { ...rig.config, schedules: {} } }, leases, 'instance-a');
    const second = startScheduler({ ...context(rig), config: { ...rig.config, schedules: {} } }, leases, 'instance-b');
    const runs = await Promise.all([first.runNow('confirmations'), second.runNow('confirmations')]);
    const again = await second.runNow('confirmations');
    expect(runs.reduce((sum, r) => sum + r.handled, 0) + again.handled).toBe(3);
    for (const p of people) expect(texts(await p.replies()).match(/telah ditindaklanjuti/g)).toHaveLength(1);
    await Promise.all([first.stop(), second.stop()]);
  });
});
