// Followers hear their ticket (issue #16): a citizen who joined a nearby ticket
// gets its milestones and its confirmation question on their own channel, like
// the reporter, each once however often the jobs run; their answer counts (the
// first answer decides), and the reminder and the closing notice reach them too.
// Through the real router, jobs and database.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { keepReportersInformed } from '../../src/notifications/milestones.js';
import { JOBS } from '../../src/scheduler/jobs.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { mongoSessionStore } from '../../src/storage/operator-store.js';
import { mongoReportStore } from '../../src/storage/report-store.js';
import { ticketAudience } from '../../src/tickets/reporter.js';
import { createRig, type Person, type Rig, texts, TICKET_NUMBER } from '../support/conversation.js';
import { useTestDatabase } from '../support/database.js';
import { until } from '../support/until.js';

const db = useTestDatabase(import.meta.filename);
const logger = createLogger({ level: 'silent' });
const DPUPR = 'Dinas Pekerjaan Umum dan Penataan Ruang';
const context = (rig: Rig) => ({ config: rig.config, tickets: rig.tickets, router: rig.router, outbox: rig.outbox, mailer: undefined, reports: mongoReportStore(db.connection), attachments: rig.storage.attachments, sessions: mongoSessionStore(db.connection), logger });
const ticketOf = (number: string) => ticketModel(db.connection).findById(number).lean();
const makeDue = (number: string, field: string) => ticketModel(db.connection).updateOne({ _id: number }, { $set: { [`due.${field}`]: new Date(Date.now() - 1_000) } });
const agency = { actor: 'agency:DPUPR/budi' } as const;

let spots = 0;
async function report(person: Person, name: string, latitude: number): Promise<string> {
  for (const text of ['halo', '1', name, '081277778888', 'Jl. Melati 3', '1', 'Lubang besar di tengah jalan depan pos ronda.', 'selesai']) await person.say(text);
  return texts(await person.send({ location: { latitude, longitude: 110.4 } }));
}

/** Yanti reports; Rina, 20 m away, joins her ticket. */
async function reporterAndFollower(rig: Rig): Promise<{ yanti: Person; rina: Person; number: string }> {
  const latitude = -7 - 0.02 * ++spots;
  const yanti = rig.person();
  await report(yanti, 'Yanti', latitude);
  const number = TICKET_NUMBER.exec(texts(await yanti.say('ya')))?.[0] ?? '';
  const rina = rig.person();
  expect(await report(rina, 'Rina', latitude + 0.00018)).toContain(number);
  expect(texts(await rina.say('ya'))).toContain(`gabungkan ke tiket ${number}`);
  return { yanti, rina, number };
}

async function heard(person: Person): Promise<string> {
  let got = '';
  await until('a message', async () => {
    got += texts(await person.replies());
    return got !== '';
  }, 5_000);
  return got;
}

async function resolve(rig: Rig, number: string): Promise<void> {
  await rig.tickets.transition(number, 'respond', {}, agency);
  await rig.tickets.transition(number, 'submitResult', { text: 'Lubang sudah ditambal.' }, agency);
  await rig.tickets.transition(number, 'validate', {}, { actor: 'operator:siti' });
}

describe('followers hear their ticket', () => {
  it('a milestone reaches the reporter and the follower, each once', async () => {
    const rig = await createRig(db);
    keepReportersInformed({ tickets: rig.tickets, router: rig.router, config: rig.config, logger });
    const { yanti, rina, number } = await reporterAndFollower(rig);
    await rig.tickets.transition(number, 'respond', {}, agency);
    const expected = `Kabar laporan ${number}: laporan Anda sudah diterima ${DPUPR} dan sedang ditindaklanjuti.`;
    expect(await heard(yanti)).toContain(expected);
    expect(await heard(rina)).toContain(expected);
    await makeDue(number, 'milestone');
    expect(await JOBS.milestones.run(context(rig))).toBe(0); // both had it: the key is kept per conversation
    expect(await rina.replies()).toEqual([]);
  });

  it('the confirmation question reaches both; the follower\'s "sudah" closes the ticket, and the reporter\'s late answer is told so', async () => {
    const rig = await createRig(db);
    const { yanti, rina, number } = await reporterAndFollower(rig);
    await resolve(rig, number);
    expect(await JOBS.confirmations.run(context(rig))).toBe(2);
    expect(await JOBS.confirmations.run(context(rig))).toBe(0);
    const asked = `Laporan ${number} telah ditindaklanjuti oleh ${DPUPR}`;
    expect(texts(await yanti.replies())).toContain(asked);
    const rinaAsked = await rina.replies();
    expect(texts(rinaAsked)).toContain(asked);
    expect(texts(rinaAsked)).toContain('Lubang sudah ditambal.');
    expect(rinaAsked.at(-1)?.choices?.map((c) => c.label)).toEqual(['Ya', 'Tidak']);

    expect(texts(await rina.say('sudah'))).toContain(`Tiket ${number} kami tutup`);
    expect(await ticketOf(number)).toMatchObject({ status: 'closed', closeReason: 'confirmed' });
    expect(texts(await yanti.say('ya'))).toContain(`Tiket ${number} sudah tidak menunggu konfirmasi`);
  });

  it('a follower\'s "belum, masih bolong" reopens it with their words', async () => {
    const rig = await createRig(db);
    const { rina, number } = await reporterAndFollower(rig);
    await resolve(rig, number);
    await JOBS.confirmations.run(context(rig));
    await rina.replies();
    expect(texts(await rina.say('belum, masih bolong'))).toContain(`Laporan ${number} dibuka kembali`);
    expect(await ticketOf(number)).toMatchObject({ status: 'in_progress', reopenCount: 1 });
  });

  it('silence: the reminder and the closing notice reach the follower too', async () => {
    const rig = await createRig(db);
    const { yanti, rina, number } = await reporterAndFollower(rig);
    await resolve(rig, number);
    await JOBS.confirmations.run(context(rig));
    await yanti.replies();
    await rina.replies();
    await makeDue(number, 'confirmationReminder');
    await JOBS.confirmations.run(context(rig));
    expect(texts(await rina.replies())).toContain(`Pengingat: kami belum menerima jawaban Anda untuk laporan ${number}`);
    await makeDue(number, 'autoClose');
    await JOBS.confirmations.run(context(rig));
    expect(texts(await rina.replies())).toContain(`Tiket ${number} kami tutup karena tidak ada konfirmasi`);
    expect(texts(await yanti.replies())).toContain(`Tiket ${number} kami tutup karena tidak ada konfirmasi`);
  });

  it('the audience: reporter first, each person once, nobody without a conversation', () => {
    const follower = (channel: 'webchat' | 'phone', channelUserId?: string) => ({ channel, ...(channelUserId ? { channelUserId } : {}), at: new Date(), via: 'nearby' as const });
    expect(ticketAudience({ channel: 'webchat', reporter: { channelUserId: 'a' }, followers: [follower('webchat', 'b'), follower('webchat', 'a'), follower('webchat', 'b'), follower('phone', 'c'), follower('webchat')] })).toEqual([
      { channel: 'webchat', channelUserId: 'a' },
      { channel: 'webchat', channelUserId: 'b' },
    ]);
    expect(ticketAudience({ channel: 'phone', reporter: { phone: '+6281' }, followers: [follower('webchat', 'b')] })).toEqual([{ channel: 'webchat', channelUserId: 'b' }]);
  });
});
