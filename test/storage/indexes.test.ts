// Indexes where the database uses them: all of a schema's on MongoDB; on the embedded FerretDB 1.x only the
// unique ones, which keep a rule, and a database from an earlier version loses the others it can never use.
import { describe, expect, it } from 'vitest';
import { secondaryIndexesServe } from '../../src/storage/engine.js';
import { prepareCollection, prepareIndex } from '../../src/storage/indexes.js';
import { messageModel } from '../../src/storage/models/message.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase(import.meta.filename);

const namesOf = async (collection: string) => (await db.connection.collection(collection).indexes()).map((i) => i.name ?? '').sort();

describe('indexes', () => {
  it('are what the engine can use, keep tickets unique by number, and those an earlier version made go', async () => {
    const tickets = ticketModel(db.connection);
    const messages = messageModel(db.connection);
    // A database from before: every declared index, as `createIndexes` made them.
    for (const model of [tickets, messages]) {
      await model.createCollection();
      await model.createIndexes();
    }
    const declared = await namesOf('messages');
    expect(declared).toEqual(expect.arrayContaining(['_id_', 'status_1_nextAttemptAt_1', 'conversationKey_1_session_1']));

    await prepareCollection(tickets);
    await prepareCollection(messages);
    await prepareCollection(messages); // every start runs it: a second run changes nothing

    if (await secondaryIndexesServe(db.connection)) {
      expect(await namesOf('messages')).toEqual(declared);
      expect((await namesOf('tickets')).length).toBeGreaterThan(10);
    } else {
      expect(await namesOf('messages')).toEqual(['_id_']);
      expect(await namesOf('tickets')).toEqual(['_id_', 'number_1']);
    }
    const ticket = { status: 'open', number: 'ADU-2612-00001', createdAt: new Date() };
    await db.connection.collection('tickets').insertOne({ _id: 'a' as never, ...ticket });
    await expect(db.connection.collection('tickets').insertOne({ _id: 'b' as never, ...ticket })).rejects.toMatchObject({ code: 11000 });
  });

  it('on a collection without a schema (photos by checksum) follow the same rule', async () => {
    await db.connection.createCollection('attachments.files').catch(() => undefined);
    await db.connection.collection('attachments.files').createIndex({ 'metadata.sha256': 1 }, {}, {});
    await prepareIndex(db.connection, 'attachments.files', { 'metadata.sha256': 1 });
    expect(await namesOf('attachments.files')).toEqual((await secondaryIndexesServe(db.connection)) ? ['_id_', 'metadata.sha256_1'] : ['_id_']);
  });
});
