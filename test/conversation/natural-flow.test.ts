// Issue 14's natural answers and the privacy notice, through the real router
// on the real database: whole conversations as citizens type them.
import { describe, expect, it } from 'vitest';
import { NO_REASON_NOTE } from '../../src/conversation/handlers/confirmation.js';
import { createLogger } from '../../src/observability/logger.js';
import { JOBS } from '../../src/scheduler/jobs.js';
import { conversationModel } from '../../src/storage/models/conversation.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { mongoSessionStore } from '../../src/storage/operator-store.js';
import { mongoReportStore } from '../../src/storage/report-store.js';
import { createRig, PHONE_CHANNEL, type Person, type Rig, texts, TICKET_NUMBER } from '../support/conversation.js';
import { useTestDatabase } from '../support/database.js';
import { fakeJpeg } from '../support/images.js';

const db = useTestDatabase(import.meta.filename);
const PRIVACY = /Pemberitahuan privasi/;

/** A report from "halo" to its ticket number, with the answers given (a location that passes at once). */
async function report(person: Person, answers: readonly string[] = ['Jl. Sawo No. 4']): Promise<string> {
  for (const text of ['halo', '1', 'Yanti', '081288887777', 'Jl. Sawo 4', '1', 'Jalan berlubang di depan gang Sawo.', 'gak ada', ...answers]) await person.say(text);
  const number = TICKET_NUMBER.exec(texts(await person.say('iya')))?.[0];
  if (!number) throw new Error('no ticket number');
  return number;
}

async function asked(rig: Rig, person: Person): Promise<string> {
  const number = await report(person);
  await rig.tickets.transition(number, 'respond', {}, { actor: 'agency:DPUPR/budi' });
  await rig.tickets.transition(number, 'submitResult', { text: 'Lubang sudah ditambal.', attachments: [] }, { actor: 'agency:DPUPR/budi' });
  await rig.tickets.transition(number, 'validate', {}, { actor: 'operator:siti' });
  await JOBS.confirmations.run(jobContext(rig));
  await person.replies();
  return number;
}

const logger = createLogger({ level: 'silent' });
const jobContext = (rig: Rig) => ({ config: rig.config, tickets: rig.tickets, router: rig.router, outbox: rig.outbox, mailer: undefined, reports: mongoReportStore(db.connection), attachments: rig.storage.attachments, sessions: mongoSessionStore(db.connection), logger });
const ticketOf = (number: string) => ticketModel(db.connection).findById(number).lean();

describe('the privacy notice', () => {
  it('comes with the greeting at a person’s first message, once per person per channel, and is stored with the conversation', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    const first = await p.say('halo');
    expect(first).toHaveLength(2); // no message more: welcome, the notice, then the menu's question
    expect(first[0]?.text).toMatch(/^Selamat datang[^]*\n\nPemberitahuan privasi: Pemerintah Kota Contoh/);
    expect(first[1]?.choices).toHaveLength(3);
    const stored = await conversationModel(db.connection).findById(p.key).lean();
    expect(stored?.state?.privacy).toMatchObject({ version: rig.config.privacy.version });
    expect(Date.parse(stored?.state?.privacy?.at ?? '')).toBeGreaterThan(Date.now() - 60_000);

    // Not again: through a whole report, a cancel, and a report left to expire.
    await report(p);
    expect(texts(await p.say('menu'))).not.toMatch(PRIVACY);
    await p.say('1');
    expect(texts(await p.say('batal'))).not.toMatch(PRIVACY);
    await p.say('menu');
    await db.connection.collection('conversations').updateOne({ _id: p.key as never }, { $set: { expiresAt: new Date(Date.now() - 1_000) } });
    expect(await rig.router.expireIdle()).toBe(1);
    expect(texts(await p.say('halo'))).not.toMatch(PRIVACY);

    // The same person on another channel is told there too; a ticket number as the first message gets it as well.
    const telegram = await createRig(db, { channel: 'telegram' });
    expect((await telegram.person(p.id).say('halo'))[0]?.text).toMatch(PRIVACY);
    const asker = await rig.person().say('ADU-2612-99999');
    expect(asker[0]?.text).toMatch(/tidak ditemukan[^]*Pemberitahuan privasi/);
  });

  it('comes from the configuration, in the person’s language', async () => {
    const rig = await createRig(db, { configure: (c) => { c.privacy = { ...c.privacy, version: '7', url: 'https://example.go.id/p', notice: { id: 'Privasi {city}: {url}', en: 'Privacy at {city}: {url}' } }; } });
    expect((await rig.person().say('halo'))[0]?.text).toMatch(/\n\nPrivasi Pemerintah Kota Contoh: https:\/\/example.go.id\/p$/);
    const p = rig.person();
    await p.say('halo');
    await db.connection.collection('conversations').updateOne({ _id: p.key as never }, { $set: { 'state.privacy.version': '6' } });
    expect((await p.say('english'))[0]?.text).toBe('Language set to English.\n\nPrivacy at Pemerintah Kota Contoh: https://example.go.id/p');
  });
});

describe('natural answers in a report', () => {
  it('a bare ticket number mid-report tells the status and asks the same question again; the report goes on', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    const number = await report(p);
    for (const text of ['menu', '1', 'iya', '2']) await p.say(text);
    const status = await p.say(number.toLowerCase());
    expect(texts(status)).toContain(`Tiket ${number} (Jalan rusak)`);
    expect(status.at(-1)?.text).toContain('Ceritakan masalahnya');
    expect(texts(await p.say(`cek status ${number}`))).toContain('Status: Menunggu tanggapan');
    await p.say('Sampah tidak diangkut seminggu di TPS Jl. Kenanga.');
    expect(texts(await p.say('ADU-2612-99999'))).toContain('tidak ditemukan'); // at the photo step too
    await p.say('skip');
    await p.say('TPS Jl. Kenanga');
    expect(TICKET_NUMBER.exec(texts(await p.say('gpp')))?.[0]).toBeDefined(); // "no problem" sends the report
  });

  it('without buttons, the lists are numbered and the texts ask to choose, by number or by name', async () => {
    const rig = await createRig(db, { channel: 'whatsapp', capabilities: PHONE_CHANNEL });
    const p = rig.person('6281277776666');
    const say = (text: string) => p.send({ text, sender: { phone: '6281277776666' } });
    await say('halo');
    const retry = texts(await say('sembilan'));
    expect(retry).toContain('Silakan pilih salah satu layanan di bawah ini.\n1. Buat laporan/pengaduan');
    expect(retry).not.toMatch(/angka 1, 2, atau 3/);
    await say('buat laporan');
    await say('Rina');
    const categories = texts(await say('Jl. Kenanga 3'));
    expect(categories).toContain('3. Drainase / banjir');
    expect(texts(await say('tiga'))).toContain('Pilih salah satu jenis di bawah ini');
    expect(texts(await say('3. Drainase / banjir'))).toContain('Ceritakan masalahnya');
    const photos = texts(await say('Selokan mampet, air meluap ke jalan saat hujan.'));
    expect(photos).toContain('1. Tidak ada foto');
    expect(texts(await say('1'))).toContain('Di mana lokasi masalahnya?');
  });

  it('the photo step: a "Tidak ada foto" button, a "Selesai" button after a photo, and natural words', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    for (const text of ['halo', '1', 'Budi', '081234567890', 'Jl. Merdeka 10', '1']) await p.say(text);
    const ask = await p.say('Jalan berlubang besar di depan SDN 3, sudah dua minggu.');
    expect(ask.at(-1)?.choices?.map((c) => c.label)).toEqual(['Tidak ada foto']);
    const ref = await rig.storage.attachments.saveImage({ bytes: fakeJpeg(2_000, 3) });
    const ack = await p.send({ photos: [{ ref }] });
    expect(ack.at(-1)?.text).toContain('Foto diterima (1/5)');
    expect(ack.at(-1)?.choices?.map((c) => c.label)).toEqual(['Selesai']);
    expect(texts(await p.say('udah'))).toContain('Di mana lokasi masalahnya?');
  });

  it('a vague location gets one follow-up; the answer to it is taken, with the first words', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    for (const text of ['halo', '1', 'Siti', '085712345678', 'Perumahan Griya Asri Blok C2', '2', 'Sampah menumpuk tidak diangkut lima hari.', 'ga ada foto']) await p.say(text);
    const followUp = await p.say('dekat pasar');
    expect(followUp.at(-1)?.text).toContain('belum cukup jelas');
    expect(followUp.at(-1)).toMatchObject({ request: 'location' });
    expect(texts(await p.say('pokoknya di situ'))).toContain('Lokasi: dekat pasar; pokoknya di situ');
    const number = TICKET_NUMBER.exec(texts(await p.say('ok')))?.[0] ?? '';
    expect(await ticketOf(number)).toMatchObject({ location: { address: 'dekat pasar; pokoknya di situ' } });
  });
});

describe('"Tidak" to "has the problem been solved?"', () => {
  it('asks for the reason, and reopens with it in the history', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    const number = await asked(rig, p);
    expect(texts(await p.say('Tidak'))).toContain('Apa yang masih perlu ditangani?');
    expect(await ticketOf(number)).toMatchObject({ status: 'resolved' });
    expect(texts(await p.say('Masih ada lubang di sisi kiri jalan.'))).toContain(`Laporan ${number} dibuka kembali`);
    expect((await ticketOf(number))?.history.at(-1)).toMatchObject({ action: 'reopen', actor: 'reporter', note: 'Masih ada lubang di sisi kiri jalan.' });
  });

  it('with the reason in the same message, reopens at once; "ya" after "tidak" closes', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    const number = await asked(rig, p);
    expect(texts(await p.say('nggak, masih berlubang'))).toContain('dibuka kembali');
    expect((await ticketOf(number))?.history.at(-1)).toMatchObject({ note: 'nggak, masih berlubang' });
    const q = rig.person();
    const other = await asked(rig, q);
    await q.say('blm');
    expect(texts(await q.say('eh sudah ding, ya'))).toContain('dibuka kembali'); // not a plain yes: taken as the reason
    const r = rig.person();
    const third = await asked(rig, r);
    await r.say('belum');
    expect(texts(await r.say('Ya'))).toContain(`Tiket ${third} kami tutup`);
    expect(await ticketOf(third)).toMatchObject({ status: 'closed', closeReason: 'confirmed' });
    expect(other).not.toBe(third);
  });

  it('no reason within reopenReasonTimeout: the confirmation job reopens it with a note saying so, and the next message is no reason', async () => {
    const rig = await createRig(db, { configure: (c) => { c.conversation.reopenReasonTimeout = 90_000; } });
    const p = rig.person();
    const number = await asked(rig, p);
    const before = Date.now();
    await p.say('ga');
    const due = (await ticketOf(number))?.due.reopenReason?.getTime() ?? 0;
    expect(due).toBeGreaterThanOrEqual(before + 90_000);
    expect(due).toBeLessThan(Date.now() + 90_000 + 1_000);
    expect(await JOBS.confirmations.run(jobContext(rig))).toBe(0); // not yet

    await ticketModel(db.connection).updateOne({ _id: number }, { $set: { 'due.reopenReason': new Date(Date.now() - 1_000) } });
    await db.connection.collection('conversations').updateOne({ _id: p.key as never }, { $set: { 'state.reopenReason.until': new Date(Date.now() - 1_000).toISOString() } });
    expect(await JOBS.confirmations.run(jobContext(rig))).toBe(1);
    expect(await JOBS.confirmations.run(jobContext(rig))).toBe(0);
    const ticket = await ticketOf(number);
    expect(ticket).toMatchObject({ status: 'in_progress', reopenCount: 1 });
    expect(ticket?.history.at(-1)).toMatchObject({ action: 'reopen', note: NO_REASON_NOTE });
    expect(ticket?.due.reopenReason).toBeUndefined();
    expect(texts(await p.say('halo'))).toContain('Selamat datang');
    expect((await ticketOf(number))?.history.filter((h) => h.action === 'reopen')).toHaveLength(1);
  });
});
