// Grouped writes (storage/write-batch.ts) on the real embedded database: many
// writes of a moment go as few commands, and each write still succeeds or
// fails on its own; the conversation lease and save keep their conditions
// when batched, and a save never brings back an erased conversation.
import { describe, expect, it } from 'vitest';
import { conversationKey } from '../../src/conversation/messages.js';
import { idleState } from '../../src/conversation/state.js';
import { isDuplicateKeyError } from '../../src/storage/errors.js';
import { mongoConversationStore } from '../../src/storage/conversation-store.js';
import { conversationModel } from '../../src/storage/models/conversation.js';
import { WriteBatcher } from '../../src/storage/write-batch.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase(import.meta.filename);

interface Doc {
  _id: string;
  n: number;
  lock?: string;
}

describe('grouped writes', () => {
  it('sends 50 inserts of a moment as a few commands, and rejects only the duplicate among them', async () => {
    const collection = db.connection.collection<Doc>('batched_inserts');
    await collection.insertOne({ _id: 'd25', n: -1 });
    const batcher = new WriteBatcher(collection);
    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => batcher.write({ insertOne: { document: { _id: `d${String(i)}`, n: i } } })));

    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(1);
    const refused = outcomes[25];
    expect(refused?.status === 'rejected' && isDuplicateKeyError(refused.reason)).toBe(true);
    // The writes after the refused one were sent again, and stored once.
    expect(await collection.countDocuments()).toBe(50);
    expect((await collection.findOne({ _id: 'd49' }))?.n).toBe(49);
    expect((await collection.findOne({ _id: 'd25' }))?.n).toBe(-1);
    expect(batcher.counts.writes).toBe(50 + 24); // the 24 after the duplicate went twice
    expect(batcher.counts.commands).toBeLessThanOrEqual(3);
  });

  it('keeps each conditional update to itself: a failed condition refuses that write alone', async () => {
    const collection = db.connection.collection<Doc>('batched_updates');
    await collection.insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: `u${String(i)}`, n: 0, lock: i % 3 === 0 ? 'other' : 'me' })));
    const batcher = new WriteBatcher(collection);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => batcher.write({ updateOne: { filter: { _id: `u${String(i)}`, lock: 'me' }, update: { $set: { n: 1 } }, upsert: true } })),
    );
    expect(outcomes.map((o) => o.status)).toEqual(Array.from({ length: 10 }, (_, i) => (i % 3 === 0 ? 'rejected' : 'fulfilled')));
    const docs = await collection.find().sort({ _id: 1 }).toArray();
    expect(docs.map((d) => [d._id, d.n])).toEqual(Array.from({ length: 10 }, (_, i) => [`u${String(i)}`, i % 3 === 0 ? 0 : 1]));
  });

  it('tells an update that inserted its document from one that changed it', async () => {
    const collection = db.connection.collection<Doc>('batched_upserts');
    await collection.insertOne({ _id: 'there', n: 0 });
    const batcher = new WriteBatcher(collection);
    const [changed, inserted] = await Promise.all(['there', 'new'].map((id) => batcher.write({ updateOne: { filter: { _id: id }, update: { $set: { n: 1 } }, upsert: true } })));
    expect(changed).toEqual({ upserted: false });
    expect(inserted).toEqual({ upserted: true });
  });

  it('writes one document in the order its writes were made, never two of them in one command', async () => {
    const collection = db.connection.collection<Doc>('batched_order');
    const batcher = new WriteBatcher(collection);
    await Promise.all([
      batcher.write({ insertOne: { document: { _id: 'x', n: 0 } } }),
      ...Array.from({ length: 5 }, (_, i) => batcher.write({ updateOne: { filter: { _id: 'x', n: i }, update: { $set: { n: i + 1 } } } })),
    ]);
    expect((await collection.findOne({ _id: 'x' }))?.n).toBe(5);
  });
});

describe('conversation leases through grouped writes', () => {
  const target = (user: string) => ({ channel: 'telegram' as const, channelUserId: user });
  const soon = () => new Date(Date.now() + 30_000);
  const changes = (text: string, outSeq: number) => ({ state: { ...idleState('id'), data: { description: text } }, session: 1, outSeq, lastActivityAt: new Date(), expiresAt: null });

  it('gives a conversation to one of two instances asking at once', async () => {
    const [a, b] = [mongoConversationStore(db.connection), mongoConversationStore(db.connection)];
    const now = new Date();
    const got = await Promise.all([a.acquire(target('race'), 'A', soon(), now), b.acquire(target('race'), 'B', soon(), now)]);
    expect(got.filter((r) => r !== null)).toHaveLength(1);
    const holder = got[0] ? 'A' : 'B';
    expect(await (holder === 'A' ? b : a).saveAndRelease(conversationKey('telegram', 'race'), holder === 'A' ? 'B' : 'A', changes('not mine', 1))).toBe(false);
    expect(await (holder === 'A' ? a : b).saveAndRelease(conversationKey('telegram', 'race'), holder, changes('mine', 1))).toBe(true);
    expect((await conversationModel(db.connection).findById(conversationKey('telegram', 'race')).lean())?.state?.data.description).toBe('mine');
  });

  it('serves what another instance saved since', async () => {
    const [a, b] = [mongoConversationStore(db.connection), mongoConversationStore(db.connection)];
    const key = conversationKey('telegram', 'two-instances');
    await a.acquire(target('two-instances'), 'A', soon(), new Date());
    expect(await a.saveAndRelease(key, 'A', changes('from A', 2))).toBe(true);
    expect((await a.acquire(target('two-instances'), 'A', soon(), new Date()))?.state?.data.description).toBe('from A');
    await a.release(key, 'A');

    expect((await b.acquire(target('two-instances'), 'B', soon(), new Date()))?.state?.data.description).toBe('from A');
    expect(await b.saveAndRelease(key, 'B', changes('from B', 5))).toBe(true);
    const again = await a.acquire(target('two-instances'), 'A', soon(), new Date());
    expect(again?.state?.data.description).toBe('from B');
    expect(again?.outSeq).toBe(5);
  });

  it('reports a save done when its command failed on another write and it went again on its own', async () => {
    const store = mongoConversationStore(db.connection);
    await store.acquire(target('first'), 'A', soon(), new Date());
    await store.acquire(target('second'), 'B', soon(), new Date());
    // One command: the first save is done, the second is refused (not its lease); FerretDB does not say which, so
    // both go again one by one, and the first, repeated, must still count as done.
    const saved = await Promise.all([
      store.saveAndRelease(conversationKey('telegram', 'first'), 'A', changes('first, saved', 1)),
      store.saveAndRelease(conversationKey('telegram', 'second'), 'not B', changes('second, not saved', 1)),
    ]);
    expect(saved).toEqual([true, false]);
    const docs = await conversationModel(db.connection).find({ _id: { $in: ['telegram:first', 'telegram:second'] } }).sort({ _id: 1 }).lean();
    expect(docs.map((d) => [d.state?.data.description, d.lock?.owner])).toEqual([['first, saved', undefined], [undefined, 'B']]);
  });

  it('does not bring back a conversation erased while it was being processed', async () => {
    const store = mongoConversationStore(db.connection);
    const key = conversationKey('telegram', 'erased');
    await store.acquire(target('erased'), 'A', soon(), new Date());
    expect(await store.saveAndRelease(key, 'A', changes('personal story', 1))).toBe(true);
    await store.acquire(target('erased'), 'A', soon(), new Date());
    await conversationModel(db.connection).deleteOne({ _id: key }); // the data protection officer erases the person meanwhile
    expect(await store.saveAndRelease(key, 'A', changes('personal story, continued', 2))).toBe(false);
    expect(await conversationModel(db.connection).findById(key).lean()).toBeNull();

    // Erased after a save: their next message starts afresh.
    await store.acquire(target('erased'), 'A', soon(), new Date());
    expect(await store.saveAndRelease(key, 'A', changes('a new report', 1))).toBe(true);
    await conversationModel(db.connection).deleteOne({ _id: key });
    const fresh = await store.acquire(target('erased'), 'A', soon(), new Date());
    expect(fresh?.state).toBeUndefined();
    expect(fresh?.outSeq).toBe(0);
  });
});
