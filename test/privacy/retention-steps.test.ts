// The retention job's steps one by one on the real database: photos go before the personal data (a ticket
// finished between the two periods keeps its reporter, loses its photos); a run that meets its batch size
// says it is incomplete and the next continues; a run that died after deleting a ticket's thread is finished
// by the next.
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/observability/logger.js';
import { REDACTED } from '../../src/privacy/anonymise.js';
import { JOBS } from '../../src/scheduler/jobs.js';
import { retentionJob } from '../../src/scheduler/jobs/retention.js';
import { mongoSessionStore } from '../../src/storage/operator-store.js';
import { mongoReportStore } from '../../src/storage/report-store.js';
import { conversationModel } from '../../src/storage/models/conversation.js';
import { messageModel } from '../../src/storage/models/message.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { mongoRetention } from '../../src/storage/retention-runs.js';
import { createRig, type Rig } from '../support/conversation.js';
import { useTestDatabase } from '../support/database.js';
import { fakeJpeg } from '../support/images.js';

const db = useTestDatabase(import.meta.filename);
const logger = createLogger({ level: 'silent' });
const DAY = 86_400_000;

async function finishedTicket(rig: Rig, name: string, daysAgo: number, seed: number) {
  const photo = await rig.storage.attachments.saveImage({ bytes: fakeJpeg(2_000, seed) });
  const ticket = await rig.tickets.create({ channel: 'webchat', reporter: { name, channelUserId: `wc-${name}` }, category: 'sampah', description: `Sampah menumpuk, lapor ${name}`, attachments: [photo] }, 'reporter');
  const at = new Date(Date.now() - daysAgo * DAY);
  await ticketModel(db.connection).updateOne({ _id: ticket.number }, { $set: { status: 'closed', closeReason: 'confirmed', closedAt: at, updatedAt: at } });
  // A message of the thread carrying the photo, as the conversation stores it.
  await messageModel(db.connection).create({ _id: `in:webchat:m-${name}`, conversationKey: `webchat:wc-${name}`, channel: 'webchat', channelUserId: `wc-${name}`, direction: 'in', messageId: `m-${name}`, session: 0, at, photos: [photo], ticketNumber: ticket.number, status: 'processed' });
  return { number: ticket.number, photo };
}

const run = (rig: Rig, config: Config = rig.config) => retentionJob({ config, retention: mongoRetention(db.connection, rig.storage.attachments), logger });

describe('retention steps', () => {
  it('deletes the photos of a ticket past the photo period but within the personal-data period, keeping the rest', async () => {
    const rig = await createRig(db);
    const { number, photo } = await finishedTicket(rig, 'Rina', 400, 41);
    expect(await run(rig)).toBeGreaterThan(0);
    const ticket = await ticketModel(db.connection).findById(number).lean();
    expect(ticket?.reporter.name).toBe('Rina');
    expect(ticket?.description).toBe('Sampah menumpuk, lapor Rina');
    expect(ticket?.attachments).toEqual([]);
    expect(ticket?.photosRemovedAt).toBeInstanceOf(Date);
    expect(ticket?.anonymisedAt).toBeUndefined();
    expect(await rig.storage.attachments.read(photo.fileId)).toBeNull();
    const message = await messageModel(db.connection).findById(`in:webchat:m-Rina`).lean();
    expect(message?.photos).toBeUndefined();
    expect((await mongoRetention(db.connection, rig.storage.attachments).runs.last())?.counts).toMatchObject({ tickets: 0, ticketPhotos: 1, photos: 1 });
    expect(await run(rig)).toBe(0);
  });

  it('stops at its batch size and says so; the next run continues', async () => {
    const rig = await createRig(db);
    const a = await finishedTicket(rig, 'Ani', 800, 51);
    const b = await finishedTicket(rig, 'Bayu', 900, 61);
    const small = { ...rig.config, retention: { ...rig.config.retention, batch: 1 } };
    const retention = mongoRetention(db.connection, rig.storage.attachments);
    await run(rig, small);
    expect((await retention.runs.last())).toMatchObject({ complete: false, counts: { tickets: 1 } });
    // Oldest first.
    expect((await ticketModel(db.connection).findById(b.number).lean())?.anonymisedAt).toBeInstanceOf(Date);
    expect((await ticketModel(db.connection).findById(a.number).lean())?.anonymisedAt).toBeUndefined();
    await run(rig, small);
    expect((await ticketModel(db.connection).findById(a.number).lean())?.description).toBe(REDACTED);
    await run(rig, small);
    expect((await retention.runs.last())).toMatchObject({ complete: true, counts: { tickets: 0 } });
  });

  it('finishes a ticket whose anonymisation died after its thread was deleted', async () => {
    const rig = await createRig(db);
    const { number, photo } = await finishedTicket(rig, 'Citra', 1_000, 71);
    // What a crash right after the thread's deletion leaves: no messages, the ticket and its photo as they were.
    await messageModel(db.connection).deleteMany({ ticketNumber: number });
    await run(rig);
    const ticket = await ticketModel(db.connection).findById(number).lean();
    expect(ticket).toMatchObject({ reporter: {}, description: REDACTED, attachments: [] });
    expect(await rig.storage.attachments.read(photo.fileId)).toBeNull();
  });

  it('goes on past idle people who still have a live ticket, so those after them are not kept waiting', async () => {
    const rig = await createRig(db);
    const conversations = conversationModel(db.connection);
    const long = new Date(Date.now() - 200 * DAY);
    const conversation = (id: string) => conversations.create({ _id: `webchat:${id}`, channel: 'webchat', channelUserId: id, session: 0, outSeq: 0, lastActivityAt: long, createdAt: long, updatedAt: long, state: { data: {}, retries: 0, locale: 'id', profile: { name: `Nama ${id}` } } });
    await rig.tickets.create({ channel: 'webchat', reporter: { name: 'Ayu', channelUserId: 'aa-live' }, category: 'sampah', description: 'Sampah belum diangkut' }, 'reporter');
    await conversation('aa-live');
    await conversation('bb-idle');
    const small = { ...rig.config, retention: { ...rig.config.retention, batch: 1 } };
    await run(rig, small);
    expect(await conversations.exists({ _id: 'webchat:bb-idle' })).not.toBeNull(); // one per run: the live one was looked at
    await run(rig, small);
    expect(await conversations.exists({ _id: 'webchat:bb-idle' })).toBeNull();
    expect(await conversations.exists({ _id: 'webchat:aa-live' })).not.toBeNull();
  });

  it('runs as the scheduler\'s job `retention`, and does nothing without its stores', async () => {
    const rig = await createRig(db);
    const { number } = await finishedTicket(rig, 'Dodi', 1_000, 81);
    const context = { config: rig.config, tickets: rig.tickets, router: rig.router, outbox: rig.outbox, mailer: undefined, reports: mongoReportStore(db.connection), attachments: rig.storage.attachments, sessions: mongoSessionStore(db.connection), logger };
    expect(await JOBS.retention.run(context)).toBe(0);
    expect((await ticketModel(db.connection).findById(number).lean())?.reporter.name).toBe('Dodi');
    expect(await JOBS.retention.run({ ...context, retention: mongoRetention(db.connection, rig.storage.attachments) })).toBeGreaterThan(0);
    expect((await ticketModel(db.connection).findById(number).lean())?.reporter).toEqual({});
  });
});
