// Restarts, redeliveries, crashes and concurrency, on the real database.
import { describe, expect, it } from 'vitest';
import { conversationKey } from '../../src/conversation/messages.js';
import { messageModel } from '../../src/storage/models/message.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { createRig, texts, TICKET_NUMBER } from '../support/conversation.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase(import.meta.filename);

describe('reliability', () => {
  it('resumes at the same step after a restart (a new process on the same database)', async () => {
    const first = await createRig(db);
    const p = first.person();
    await p.say('halo');
    await p.say('1');
    await p.say('Rudi Hartono');

    const second = await createRig(db);
    const again = second.person(p.id);
    await again.replies(); // what was already delivered before the restart
    expect(texts(await again.say('081355556666'))).toContain('alamat');
    for (const text of ['Jl. Cempaka 12', '4', 'Lampu jalan mati sepanjang 200 meter sejak seminggu.', 'selesai', 'Jl. Cempaka ujung utara']) await again.say(text);
    const number = TICKET_NUMBER.exec(texts(await again.say('ya')))?.[0];
    expect(await ticketModel(db.connection).findOne({ number }).lean()).toMatchObject({ reporter: { name: 'Rudi Hartono', phone: '+6281355556666' }, category: 'penerangan_jalan', agency: 'DPRKP' });
  });

  it('processes a redelivered message once', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    await p.send({ text: 'halo' }, 'wamid.1');
    const first = await p.send({ text: '1' }, 'wamid.2');
    expect(texts(first)).toContain('nama lengkap');
    const duplicate = await rig.router.handle({ channel: 'webchat', channelUserId: p.id, messageId: 'wamid.2', at: new Date(), text: '1' });
    expect(duplicate.duplicate).toBe(true);
    expect(await p.replies()).toEqual([]);
    expect(await messageModel(db.connection).countDocuments({ conversationKey: p.key, direction: 'in' })).toBe(2);
  });

  it('recovers a message recorded before a crash and never processed', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    await p.say('halo');
    // The process dies right after writing the inbound log.
    const orphan = { channel: 'webchat' as const, channelUserId: p.id, messageId: 'crash-1', at: new Date(), text: '1' };
    await rig.storage.inbound.record(orphan, conversationKey('webchat', p.id), new Date());

    const restarted = await createRig(db);
    expect(await restarted.router.recover()).toBe(1);
    expect(texts(await p.replies())).toContain('nama lengkap');
    expect(await restarted.router.recover()).toBe(0);
    expect(await messageModel(db.connection).findOne({ messageId: 'crash-1' }).lean()).toMatchObject({ status: 'processed' });
  });

  it('processes at once a redelivery of a message an instance recorded and died on (no restart there, no 60 s wait for the sweep)', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    await p.say('halo');
    // Instance A writes the inbound log and is killed; the platform delivers again, to instance B.
    const message = { channel: 'webchat' as const, channelUserId: p.id, messageId: 'killed-1', at: new Date(), text: '1' };
    await rig.storage.inbound.record(message, conversationKey('webchat', p.id), new Date());
    const otherInstance = await createRig(db);
    expect((await otherInstance.router.handle(message)).duplicate).toBe(true);
    expect(texts(await p.replies())).toContain('nama lengkap');
    expect(await messageModel(db.connection).findOne({ messageId: 'killed-1' }).lean()).toMatchObject({ status: 'processed' });
    // A third delivery finds it processed: nothing more is said.
    await otherInstance.router.handle(message);
    expect(await p.replies()).toEqual([]);
    expect(await rig.router.recover()).toBe(0);
  });

  it('tells the inbox again of a ticket whose process died right after opening it (the live update died with it)', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    for (const text of ['halo', '1', 'Rudi Hartono', '081355556666', 'Jl. Cempaka 12', '4', 'Lampu jalan mati sepanjang 200 meter sejak seminggu.', 'selesai', 'Jl. Cempaka ujung utara']) await p.say(text);
    // Instance A records the "ya", opens the ticket and is killed before anything else (its live update included).
    const message = { channel: 'webchat' as const, channelUserId: p.id, messageId: 'killed-ya', at: new Date(), text: 'ya' };
    const { id } = await rig.storage.inbound.record(message, conversationKey('webchat', p.id), new Date());
    const opened = await rig.tickets.create({ channel: 'webchat', intake: { messageId: id, conversationKey: p.key, session: 1 }, reporter: { name: 'Rudi Hartono', channelUserId: p.id }, category: 'penerangan_jalan', description: 'Lampu jalan mati', attachments: [] }, 'reporter');
    const otherInstance = await createRig(db);
    const heard: string[] = [];
    otherInstance.tickets.onEvent((event) => { heard.push(`${event.type} ${event.ticket.number}`); });
    await otherInstance.router.handle(message);
    expect(texts(await p.replies())).toContain(opened.number);
    expect(heard).toEqual([`recovered ${opened.number}`]);
    expect(await ticketModel(db.connection).countDocuments({ 'intake.messageId': id })).toBe(1);
  });

  it('leaves alone a message old by its sender\'s clock that was only just recorded (a catch-up, an old email)', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    await p.say('halo');
    const yesterday = new Date(Date.now() - 86_400_000);
    await rig.storage.inbound.record({ channel: 'webchat', channelUserId: p.id, messageId: 'late-1', at: yesterday, text: '1' }, conversationKey('webchat', p.id), new Date());
    // The scheduler's sweep takes only what was recorded minutes ago and never finished.
    expect(await rig.router.recover(5 * 60_000)).toBe(0);
    expect(await messageModel(db.connection).findOne({ messageId: 'late-1' }).lean()).toMatchObject({ status: 'received' });
    expect(await rig.router.recover()).toBe(1);
  });

  it('runs 100 concurrent conversations to 100 correct tickets', async () => {
    const rig = await createRig(db);
    const people = Array.from({ length: 100 }, (_, i) => ({ person: rig.person(`c${String(i)}`), i }));
    const numbers = await Promise.all(
      people.map(async ({ person, i }) => {
        const script = ['halo', '1', `Warga Nomor ${String.fromCharCode(65 + (i % 26))}`, `0812000${String(10_000 + i)}`, `Jl. Uji ${String(i)}`, String((i % 9) + 1), `Laporan nomor ${String(i)} tentang masalah di lingkungan.`, 'selesai', `Lokasi uji ${String(i)}`];
        for (const text of script) await person.say(text);
        return TICKET_NUMBER.exec(texts(await person.say('ya')))?.[0];
      }),
    );
    const issued = numbers.filter((n): n is string => n !== undefined);
    expect(new Set(issued).size).toBe(100);
    const tickets = await ticketModel(db.connection).find({ _id: { $in: issued } }).lean();
    expect(tickets).toHaveLength(100);
    for (const ticket of tickets) {
      const i = Number(ticket.reporter.channelUserId?.slice(1));
      expect(ticket.description).toBe(`Laporan nomor ${String(i)} tentang masalah di lingkungan.`);
      expect(ticket.reporter.phone).toBe(`+62812000${String(10_000 + i)}`);
      expect(ticket.category).toBe(rig.config.categories[i % 9]?.code);
    }
  });

  it('serialises messages of one conversation sent at once, in order', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    await p.say('halo');
    await Promise.all(['1', 'Tono', '081244443333'].map((text, i) => rig.router.handle({ channel: 'webchat', channelUserId: p.id, messageId: `burst-${String(i)}`, at: new Date(), text })));
    expect(texts(await p.replies())).toContain('alamat');
  });
});
