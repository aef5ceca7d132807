// The retention job on the real database: a ticket finished long ago, reported in a real conversation (photos,
// location), with a follower, notes, history notes, mail, a merge of the reporter's identities and an abandoned
// report by someone else; and a recent ticket. After one run no document of any collection holds the old
// reporter's, follower's or abandoner's personal data; the recent ticket is untouched; statistics are unchanged;
// a second run does nothing.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { REDACTED } from '../../src/privacy/anonymise.js';
import { retentionJob } from '../../src/scheduler/jobs/retention.js';
import { mongoAuditStore } from '../../src/storage/audit-store.js';
import { mongoInboxStore } from '../../src/storage/inbox-store.js';
import { conversationModel } from '../../src/storage/models/conversation.js';
import { emailThreadModel } from '../../src/storage/models/email.js';
import { messageModel } from '../../src/storage/models/message.js';
import { noticeModel } from '../../src/storage/models/notice.js';
import { personModel } from '../../src/storage/models/person.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { mongoRetention } from '../../src/storage/retention-runs.js';
import { Person, type Rig, createRig, texts, TICKET_NUMBER } from '../support/conversation.js';
import { useTestDatabase } from '../support/database.js';
import { fakeJpeg } from '../support/images.js';

const db = useTestDatabase(import.meta.filename);
const logger = createLogger({ level: 'silent' });
const YEAR = 365 * 86_400_000;
const longAgo = () => new Date(Date.now() - 3 * YEAR);

/** A whole report through the router; returns the ticket number and the photos sent. */
async function report(rig: Rig, person: Person, facts: { name: string; phone: string; address: string; description: string; seed: number; latitude: number }) {
  await person.say('halo');
  await person.say('1');
  await person.say(facts.name);
  await person.say(facts.phone);
  await person.say(facts.address);
  await person.say('1');
  await person.say(facts.description);
  const photos = await Promise.all([fakeJpeg(2_000, facts.seed), fakeJpeg(2_500, facts.seed + 1)].map((bytes) => rig.storage.attachments.saveImage({ bytes })));
  for (const ref of photos) await person.send({ photos: [{ ref }] });
  await person.say('selesai');
  await person.send({ location: { latitude: facts.latitude, longitude: 106.8167891, address: facts.address } });
  const number = TICKET_NUMBER.exec(texts(await person.say('ya')))?.[0];
  if (!number) throw new Error('no ticket');
  return { number, photos };
}

/** Every document of every collection (GridFS files included) as text; `except` a collection. */
async function everything(except?: string): Promise<string> {
  const database = db.connection.db;
  if (!database) throw new Error('not connected');
  const parts: string[] = [];
  for (const { name } of (await database.listCollections().toArray()).sort((a, b) => a.name.localeCompare(b.name))) {
    if (name !== except) parts.push(JSON.stringify(await database.collection(name).find().toArray()));
  }
  return parts.join('\n').toLowerCase();
}

const statistics = async () =>
  (await ticketModel(db.connection).find().sort({ _id: 1 }).lean()).map((t) => ({ number: t.number, status: t.status, category: t.category, agency: t.agency, channel: t.channel, closeReason: t.closeReason, createdAt: t.createdAt, closedAt: t.closedAt, firstRespondedAt: t.firstRespondedAt, resolvedAt: t.resolvedAt, slaBreaches: t.slaBreaches, reopenCount: t.reopenCount, followerCount: t.followerCount, satisfaction: t.satisfaction?.score, historySteps: t.history.map((h) => [h.action, h.to, h.at]) }));

describe('the retention job', () => {
  it('leaves nothing of an old report anywhere in the database, keeps the recent one and the statistics, and is a no-op the second time', async () => {
    const rig = await createRig(db);
    const tickets = ticketModel(db.connection);
    const messages = messageModel(db.connection);
    const conversations = conversationModel(db.connection);

    // The old report (Siti, web chat), a follower's conversation on Telegram, an abandoned report (Dewi).
    const siti = rig.person('siti-wc-4711');
    const old = await report(rig, siti, { name: 'Siti Rahmawati', phone: '0812-9876-5432', address: 'Jl. Kenanga No. 7, RT 01/RW 02', description: 'Selokan mampet depan rumah, bau menyengat sekali', seed: 11, latitude: -6.2001234 });
    const andi = new Person(rig, 'telegram', 'tg-55501234');
    await andi.say('halo');
    await andi.say('got ini juga terjadi di gang kami');
    const andiSession = (await conversations.findById(andi.key).lean())?.session ?? 0;
    const dewi = rig.person('dewi-wc-8080');
    await dewi.say('halo');
    await dewi.say('1');
    await dewi.say('Dewi Lestari');

    // The recent report (Budi), still open.
    const budi = rig.person('budi-wc-1234');
    const recent = await report(rig, budi, { name: 'Budi Santoso', phone: '0813-1111-2222', address: 'Jl. Merdeka No. 10', description: 'Lampu jalan padam di perempatan', seed: 31, latitude: -6.3 }); // far away: no nearby report offered

    // The old ticket's life: a follower, an operator's note and a reopen note quoting the reporter, one photo
    // made public, a rating, closed three years ago; mail about it, an identity merge, the email thread.
    const closedAt = longAgo();
    const [first, second] = old.photos;
    if (!first || !second) throw new Error('two photos');
    await mongoInboxStore(db.connection).addNote(old.number, { at: closedAt, author: 'rina', text: 'Bu Siti Rahmawati menelepon lagi dari 0812-9876-5432' });
    await tickets.updateOne({ _id: old.number }, {
      $set: {
        status: 'closed', closeReason: 'confirmed', closedAt, resolvedAt: closedAt, firstRespondedAt: closedAt, updatedAt: closedAt,
        'attachments.1.public': { fileId: second.fileId, at: closedAt, by: 'operator:rina' },
        followers: [{ channel: 'telegram', channelUserId: 'tg-55501234', name: 'Andi Wijaya', phone: '+6285511112222', email: 'andi.w@example.com', address: 'Gg. Mawar 3', at: closedAt, via: 'nearby', description: 'Got ini juga mampet', intake: { messageId: 'x', conversationKey: andi.key, session: andiSession } }],
        followerCount: 1,
        satisfaction: { score: 4, at: closedAt, by: 'follower:tg-55501234' },
        result: { text: 'Saluran telah dibersihkan oleh petugas', attachments: [], at: closedAt, by: 'agency:DPUPR' },
      },
      $push: { history: { at: closedAt, actor: 'operator:rina', action: 'reopen', from: 'resolved', to: 'in_progress', note: 'Kata Siti Rahmawati masih bau' } },
    });
    await noticeModel(db.connection).create({ _id: "test-old", kind: 'agency', ticketNumber: old.number, mail: { to: ['dpupr@kotacontoh.go.id'], subject: old.number, text: 'Pelapor: Siti Rahmawati, Jl. Kenanga No. 7', messageId: '<a@b>', attachments: [] }, status: 'sent', attempts: 1, createdAt: closedAt, sentAt: closedAt });
    await noticeModel(db.connection).create({ _id: "test-recent", kind: 'agency', ticketNumber: recent.number, mail: { to: ['dpupr@kotacontoh.go.id'], subject: recent.number, text: 'Pelapor: Budi Santoso', messageId: '<c@d>', attachments: [] }, status: 'sent', attempts: 1, createdAt: new Date() });
    await personModel(db.connection).create({ _id: 'p1', identities: [{ channel: 'webchat', channelUserId: siti.id }, { channel: 'email', channelUserId: 'siti.r@example.com' }], keys: [siti.key, 'email:siti.r@example.com'], createdAt: closedAt, updatedAt: closedAt, updatedBy: 'operator:rina' });
    await emailThreadModel(db.connection).create({ _id: `ticket:${old.number}`, subject: 'Selokan mampet Jl. Kenanga', messageId: '<e@f>', references: ['<e@f>'], updatedAt: closedAt });
    const audit = mongoAuditStore(db.connection);
    await audit.record({ at: new Date(Date.now() - 6 * YEAR), actor: 'operator:rina', action: 'note', ticket: 'ADU-2001-00001' });
    await audit.record({ at: new Date(), actor: 'operator:rina', action: 'note', ticket: recent.number });
    // Everything the old people said, said long ago.
    for (const p of [siti, andi, dewi]) {
      await messages.updateMany({ conversationKey: p.key }, { $set: { at: closedAt, receivedAt: closedAt } });
      await conversations.updateOne({ _id: p.key }, { $set: { lastActivityAt: closedAt, updatedAt: closedAt } });
    }

    const oldWords = ['-6.2001234', 'Siti Rahmawati', '81298765432', 'siti.r@example.com', 'Kenanga', siti.id, 'Selokan mampet', 'menyengat', 'Andi Wijaya', '85511112222', 'andi.w@example.com', 'Gg. Mawar', 'tg-55501234', 'ini juga terjadi', 'Dewi Lestari', dewi.id];
    const before = await everything();
    for (const word of oldWords) expect(before, `present before: ${word}`).toContain(word.toLowerCase());
    const stats = await statistics();
    const recentTicket = await tickets.findById(recent.number).lean();
    const recentMessages = await messages.countDocuments({ conversationKey: budi.key });

    const retention = mongoRetention(db.connection, rig.storage.attachments);
    const handled = await retentionJob({ config: rig.config, retention, logger });
    expect(handled).toBeGreaterThan(0);

    const after = await everything();
    for (const word of oldWords) expect(after.includes(word.toLowerCase()) ? after.slice(after.indexOf(word.toLowerCase()) - 300, after.indexOf(word.toLowerCase()) + 50) : "", `left after: ${word}`).toBe("");

    // The old ticket stays for statistics, anonymised; its public photo stays, the other is deleted.
    const anonymised = await tickets.findById(old.number).lean();
    expect(anonymised).toMatchObject({ description: REDACTED, category: 'jalan_rusak', status: 'closed', location: { latitude: -6.2, longitude: 106.817 } });
    expect(anonymised?.anonymisedAt).toBeInstanceOf(Date);
    expect(anonymised?.result?.text).toBe('Saluran telah dibersihkan oleh petugas');
    expect(await rig.storage.attachments.read(first.fileId)).toBeNull();
    expect(await rig.storage.attachments.read(second.fileId)).not.toBeNull();
    expect(await statistics()).toEqual(stats);

    // The recent report is untouched, with its thread, conversation, photos and mail.
    expect(await tickets.findById(recent.number).lean()).toEqual(recentTicket);
    expect(await messages.countDocuments({ conversationKey: budi.key })).toBe(recentMessages);
    expect(await conversations.exists({ _id: budi.key })).not.toBeNull();
    for (const ref of recent.photos) expect(await rig.storage.attachments.read(ref.fileId)).not.toBeNull();
    expect(after).toContain('budi santoso');
    expect(await noticeModel(db.connection).countDocuments()).toBe(1);
    expect((await audit.recent(10)).map((e) => e.ticket)).toEqual([recent.number]);

    // What admins see, and a second run that finds nothing to do.
    const run = await retention.runs.last();
    expect(run).toMatchObject({ complete: true, counts: { tickets: 1, conversations: 3, people: 1, notices: 1, audit: 1 } });
    expect(run?.counts.photos).toBe(1);
    expect(run?.counts.messages).toBeGreaterThan(20);
    const settled = await everything('retention_runs');
    expect(await retentionJob({ config: rig.config, retention, logger })).toBe(0);
    expect(await everything('retention_runs')).toBe(settled);
  });
});
