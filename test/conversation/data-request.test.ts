// "hapus data saya" (UU PDP 27/2022, issue 17 item 2): the words that ask, as the whole message only; and the
// request through the real router on the embedded database: the reply, the question again, one stored request
// and one audit entry even when the same message is redelivered or processed again after a crash.
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/conversation/commands.js';
import { auditModel } from '../../src/storage/models/audit.js';
import { conversationModel } from '../../src/storage/models/conversation.js';
import { dataRequestModel } from '../../src/storage/models/data-request.js';
import { messageModel } from '../../src/storage/models/message.js';
import { createRig, texts } from '../support/conversation.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase(import.meta.filename);
const REFERENCE = /PD-[2-9A-HJKMNP-Z]{6}/;

describe('the words that ask to delete one\'s data', () => {
  it('match as the whole message, Indonesian colloquial and English, with slash commands', () => {
    for (const text of ['hapus data saya', 'Hapus data pribadi saya', 'tolong hapus data saya', 'Tolong, hapus data saya!', 'hapus semua data saya', 'mohon hapus data pribadi saya', 'hapus data aku dong', '  HAPUS   DATA SAYA. ', '/hapusdata', '/HapusData@AduanBot', 'delete my data', 'Erase my data.', 'please delete all my personal data', '/deletedata']) {
      expect(parseCommand(text), text).toEqual({ type: 'dataRequest' });
    }
  });

  it('never match inside a story or another request', () => {
    for (const text of ['kemarin petugas bilang hapus data saya saja', 'hapus data saya kalau laporan sudah selesai ya pak', 'jangan hapus data saya', 'hapus data', 'data saya salah', 'I want to know if you delete my data after a year', 'hapus']) {
      expect(parseCommand(text), text).toBeUndefined();
    }
  });
});

describe('a citizen asks to delete their data', () => {
  it('records the request, says its reference and who handles it, then asks the question again', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    await p.say('halo');
    await p.say('1');
    const replies = await p.say('hapus data saya');
    const said = texts(replies);
    expect(said).toMatch(new RegExp(`Permintaan hapus data Anda sudah kami catat dengan nomor ${REFERENCE.source}`));
    expect(said).toContain('Petugas pelindungan data pribadi');
    expect(said).toContain('laporan Anda yang masih berjalan tetap kami proses');
    // Then the question the person was at: the flow's name question, unchanged.
    expect(said).toContain('nama lengkap');
    expect(replies.length).toBeGreaterThan(1);
    const reference = REFERENCE.exec(said)?.[0];

    const stored = await dataRequestModel(db.connection).find({ conversationKey: p.key }).lean();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ channel: 'webchat', channelUserId: p.id, kind: 'erase', status: 'open', reference });
    const audit = await auditModel(db.connection).find({ action: 'data_request', 'detail.reference': reference }).lean();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'system:conversation', detail: { kind: 'erase', channel: 'webchat', reference } });
    expect(JSON.stringify(audit[0])).not.toContain(p.id);

    // The same words inside an answer are the answer: the name question takes them, nothing more is recorded.
    const story = texts(await p.say('kemarin petugas bilang hapus data saya saja'));
    expect(story).not.toMatch(REFERENCE);
    expect(await dataRequestModel(db.connection).countDocuments({ conversationKey: p.key })).toBe(1);
  });

  it('answers in English in an English conversation', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    await p.say('english');
    const said = texts(await p.say('/deletedata'));
    expect(said).toMatch(new RegExp(`We have recorded your request to delete your data, reference ${REFERENCE.source}`));
    expect(said).toContain('data protection officer');
  });

  it('stores nothing twice when the same message is redelivered or processed again after a crash', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    const first = texts(await p.send({ text: 'tolong hapus data saya' }, 'erase-1'));
    const reference = REFERENCE.exec(first)?.[0];
    expect(reference).toBeDefined();
    // The channel delivers it again: the inbound log knows it.
    expect((await rig.router.handle({ channel: 'webchat', channelUserId: p.id, messageId: 'erase-1', at: new Date(), text: 'tolong hapus data saya' })).duplicate).toBe(true);
    // The process died after the request was stored but before the turn was: the message is processed again.
    await messageModel(db.connection).updateOne({ conversationKey: p.key, messageId: 'erase-1' }, { $set: { status: 'received' } });
    await conversationModel(db.connection).updateOne({ _id: p.key }, { $unset: { lastInboundId: 1 } });
    const restarted = await createRig(db);
    expect(await restarted.router.recover()).toBe(1);
    expect(texts(await p.replies())).toContain(reference);

    expect(await dataRequestModel(db.connection).countDocuments({ conversationKey: p.key })).toBe(1);
    expect(await auditModel(db.connection).countDocuments({ action: 'data_request', 'detail.reference': reference })).toBe(1);
  });
});
