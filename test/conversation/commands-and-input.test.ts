// Anytime commands, FAQ, expiry and bad input, through the router on the real database.
import { describe, expect, it } from 'vitest';
import { messageModel } from '../../src/storage/models/message.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { createRig, type Person, texts, TICKET_NUMBER } from '../support/conversation.js';
import { useTestDatabase } from '../support/database.js';
import { fakeJpeg } from '../support/images.js';

const db = useTestDatabase(import.meta.filename);

async function openTicket(person: Person): Promise<string> {
  for (const text of ['halo', '1', 'Dewi Lestari', '081377778888', 'Jl. Anggrek 7 Sukamaju', '3', 'Selokan mampet, air meluap ke jalan saat hujan.', 'selesai', 'Jl. Anggrek depan no. 7']) {
    await person.say(text);
  }
  const number = TICKET_NUMBER.exec(texts(await person.say('ya')))?.[0];
  if (!number) throw new Error('no ticket number');
  return number;
}

describe('anytime commands', () => {
  it('cancels a report half-way and starts again on MENU', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    await p.say('halo');
    await p.say('1');
    await p.say('Joko');
    expect(texts(await p.say('batal'))).toContain('laporan dibatalkan');
    const menu = await p.say('MENU');
    expect(texts(menu)).toContain('Selamat datang');
    expect(texts(await p.say('1'))).toContain('nama lengkap');
  });

  it('matches commands only as whole messages, never inside an answer', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    await p.say('halo');
    await p.say('1');
    await p.say('Joko');
    await p.say('081200001111');
    await p.say('Jl. Mawar 1');
    await p.say('1');
    const reply = texts(await p.say('Saya mau membatalkan parkir liar yang menutup menu jalan, status jalan rusak'));
    expect(reply).toContain('Kirim foto');
  });

  it('tells the status of the reporter’s own ticket and nothing about someone else’s', async () => {
    const rig = await createRig(db);
    const dewi = rig.person();
    const number = await openTicket(dewi);

    const own = texts(await dewi.say(`status ${number.toLowerCase()}`));
    expect(own).toContain(`Tiket ${number} (Drainase / banjir)`);
    expect(own).toContain('Status: Menunggu tanggapan');
    expect(own).toContain('Ditangani oleh: Dinas Pekerjaan Umum dan Penataan Ruang');

    await rig.tickets.transition(number, 'respond', {}, { actor: 'agency:DPUPR/budi' });
    expect(texts(await dewi.say(`/status ${number}`))).toContain('Status: Sedang ditindaklanjuti');

    const stranger = rig.person();
    const other = texts(await stranger.say(`STATUS ${number}`));
    expect(other).toContain(`Tiket ${number} tidak ditemukan`);
    expect(other).not.toContain('Drainase');

    // Through the menu as well.
    await dewi.say('menu');
    await dewi.say('2');
    expect(texts(await dewi.say(number))).toContain('Status: Sedang ditindaklanjuti');
    expect(texts(await dewi.say('STATUS ADU-2611-99999'))).toContain('tidak ditemukan');
  });

  it('helps, switches language, and answers unknown commands politely', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    await p.say('halo');
    await p.say('1');
    const help = texts(await p.say('bantuan'));
    expect(help).toContain('MENU — kembali ke menu utama');
    expect(help).toContain('nama lengkap'); // and the question again
    expect(texts(await p.say('/hapus'))).toContain('Perintah tidak dikenal');
    const english = texts(await p.say('english'));
    expect(english).toContain('Language set to English');
    expect(english).toContain('What is your full name?');
    expect(texts(await p.say('help'))).toContain('MENU — back to the main menu');
  });
});

describe('questions', () => {
  it('answers from the FAQ before any ticket is needed', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    await p.say('halo');
    expect(texts(await p.say('3'))).toContain('tulis pertanyaan');
    const answer = texts(await p.say('Bagaimana cara cetak ulang KTP yang hilang?'));
    expect(answer).toContain('KTP-el hilang atau rusak dapat dicetak ulang di Disdukcapil');
    await p.say('menu');
    await p.say('3');
    expect(texts(await p.say('Apakah boleh memelihara burung hantu di rumah dinas?'))).toContain('belum menemukan jawaban');
    expect(await ticketModel(db.connection).countDocuments({ 'reporter.channelUserId': p.id })).toBe(0);
  });
});

describe('expiry', () => {
  it('ends a flow left waiting, tells the person, and keeps nothing half-done', async () => {
    const rig = await createRig(db, { configure: (c) => { c.conversation.inactivityTimeout = 60_000; } });
    const p = rig.person();
    await p.say('halo');
    await p.say('1');
    await p.say('Joko');
    expect(await rig.router.expireIdle()).toBe(0);

    // Move the deadline into the past (as a minute of silence would): the sweep expires it once.
    await db.connection.collection('conversations').updateOne({ _id: p.key as never }, { $set: { expiresAt: new Date(Date.now() - 1_000) } });
    expect(await rig.router.expireIdle()).toBe(1);
    expect(await rig.router.expireIdle()).toBe(0);
    expect(texts(await p.replies())).toContain('Sesi percakapan berakhir karena tidak ada balasan selama 1 menit');
    expect(texts(await p.say('halo'))).toContain('Selamat datang');
  });
});

describe('bad input gets a polite Indonesian answer and loses nothing', () => {
  it('handles long, empty, emoji, invalid and unsupported input', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    await p.say('halo');
    await p.say('1');
    expect(texts(await p.say('   '))).toContain('Pesan Anda kosong');
    expect(texts(await p.say('😀😀😀'))).toContain('Mohon tuliskan nama dengan huruf');
    await p.say('Ani Wijaya');
    expect(texts(await p.say('12345'))).toContain('Nomor HP tidak valid');
    await p.say('081299998888');
    await p.say('Jl. Dahlia 3');
    await p.say('1');
    const long = 'a'.repeat(10_000);
    expect(texts(await p.say(long))).toContain('Pesan terlalu panjang (10000 karakter). Mohon ringkas menjadi paling banyak 4000 karakter.');
    expect(texts(await p.say('Jalan retak 😢 dan berlubang di tikungan, berbahaya malam hari.'))).toContain('Kirim foto');
    expect(texts(await p.send({ photos: [{ rejected: 'not_an_image' }] }))).toContain('bukan foto');
    expect(texts(await p.send({ photos: [{ rejected: 'too_large' }] }))).toContain('foto terlalu besar (maksimal 10 MB)');
    expect(texts(await p.send({ unsupported: 'sticker' }))).toContain('Stiker belum dapat kami proses');
    await p.say('selesai');
    expect(texts(await p.send({ location: { latitude: 123.4, longitude: 500 } }))).toContain('Koordinat lokasi tidak valid');
    expect(texts(await p.say('/hapus semua'))).toContain('Perintah tidak dikenal');
    const summary = texts(await p.send({ location: { latitude: -6.9, longitude: 107.6 } }));
    expect(summary).toContain('Uraian: Jalan retak 😢 dan berlubang');

    // Every message, including the rejected ones, is in the thread.
    const inbound = await messageModel(db.connection).find({ conversationKey: p.key, direction: 'in' }).lean();
    expect(inbound.map((m) => m.text ?? m.unsupported ?? (m.photoRejections ?? m.location ? 'media' : ''))).toContain(long);
    expect(inbound).toHaveLength(18);
    expect(inbound.every((m) => m.status === 'processed')).toBe(true);
  });

  it('keeps at most the configured number of photos and says so', async () => {
    const rig = await createRig(db, { configure: (c) => { c.limits.photosPerTicket = 2; } });
    const p = rig.person();
    for (const text of ['halo', '1', 'Ani', '081299998888', 'Jl. Dahlia 3', '1', 'Jalan berlubang di depan rumah nomor tiga.']) await p.say(text);
    const refs = await Promise.all([1, 2, 3].map((seed) => rig.storage.attachments.saveImage({ bytes: fakeJpeg(1_000 + seed, seed + 20) })));
    const reply = texts(await p.send({ photos: refs.map((ref) => ({ ref })) }));
    expect(reply).toContain('sudah 2 foto; foto tambahan tidak disimpan');
    expect(reply).toContain('Batas jumlah foto tercapai');
    expect(reply).toContain('Di mana lokasi masalahnya?');
  });

  it('after repeated wrong answers, offers help instead of the same correction', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    await p.say('halo');
    await p.say('9');
    await p.say('sembilan');
    const third = texts(await p.say('xyz'));
    expect(third).toContain('Ketik BATAL untuk membatalkan, MENU untuk kembali ke menu, atau BANTUAN');
    expect(third).toContain('Silakan pilih layanan');
  });
});
