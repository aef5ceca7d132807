// Whole conversations through the router on the real database.
import { describe, expect, it } from 'vitest';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { messageModel } from '../../src/storage/models/message.js';
import { createRig, PHONE_CHANNEL, type Person, type Rig, texts, TICKET_NUMBER } from '../support/conversation.js';
import { useTestDatabase } from '../support/database.js';
import { fakeJpeg } from '../support/images.js';

const db = useTestDatabase(import.meta.filename);

async function reportUntilConfirm(person: Person, rig: Rig): Promise<void> {
  await person.say('halo');
  await person.say('1');
  await person.say('Budi Santoso');
  await person.say('0812-3456-7890');
  await person.say('Jl. Merdeka No. 10, RT 02/RW 03, Sukamaju');
  await person.say('1');
  await person.say('Jalan berlubang besar di depan SDN 3, sudah dua minggu.');
  const photo = await rig.storage.attachments.saveImage({ bytes: fakeJpeg(2_000, 7) });
  await person.send({ photos: [{ ref: photo }] });
  await person.say('selesai');
}

describe('the complaint flow', () => {
  it('takes a report from greeting to ticket and answers with its number, agency and the 1×24 h promise', async () => {
    const rig = await createRig(db);
    const budi = rig.person();

    const greeting = await budi.say('halo');
    expect(greeting[0]?.text).toContain('Selamat datang di layanan pengaduan Pemerintah Kota Contoh');
    expect(greeting.at(-1)?.choices?.map((c) => c.label)).toEqual(['Buat laporan/pengaduan', 'Cek status laporan', 'Tanya informasi']);

    expect(texts(await budi.say('1'))).toContain('nama lengkap');
    expect(texts(await budi.say('Budi Santoso'))).toContain('nomor HP');
    expect(texts(await budi.say('0812-3456-7890'))).toContain('alamat');
    const categories = await budi.say('Jl. Merdeka No. 10, RT 02/RW 03, Sukamaju');
    expect(categories[0]?.choices).toHaveLength(11);
    expect(texts(await budi.say('jalan berlubang'))).toContain('Ceritakan masalahnya');
    expect(texts(await budi.say('Jalan berlubang besar di depan SDN 3, sudah dua minggu.'))).toContain('Kirim foto');

    const photos = await Promise.all([fakeJpeg(3_000, 1), fakeJpeg(4_000, 2)].map((bytes) => rig.storage.attachments.saveImage({ bytes })));
    for (const [i, ref] of photos.entries()) expect(texts(await budi.send({ photos: [{ ref }] }))).toContain(`Foto diterima (${String(i + 1)}/5)`);
    const askLocation = await budi.say('selesai');
    expect(askLocation[0]).toMatchObject({ request: 'location' });

    const summary = await budi.send({ location: { latitude: -6.2001, longitude: 106.8167 } });
    expect(texts(summary)).toContain('Nama: Budi Santoso');
    expect(texts(summary)).toContain('No. HP: +6281234567890');
    expect(texts(summary)).toContain('Kategori: Jalan rusak');
    expect(texts(summary)).toContain('Foto: 2');
    expect(texts(summary)).toContain('-6.2001, 106.8167');
    expect(summary.at(-1)?.choices?.map((c) => c.label)).toEqual(['Ya', 'Tidak']);

    const done = await budi.say('ya');
    const number = TICKET_NUMBER.exec(texts(done))?.[0];
    expect(number).toBeDefined();
    expect(texts(done)).toContain('Dinas Pekerjaan Umum dan Penataan Ruang');
    expect(texts(done)).toContain('1×24 jam');

    const ticket = await ticketModel(db.connection).findOne({ number }).lean();
    expect(ticket).toMatchObject({
      status: 'open',
      channel: 'webchat',
      category: 'jalan_rusak',
      agency: 'DPUPR',
      reporter: { name: 'Budi Santoso', phone: '+6281234567890', address: 'Jl. Merdeka No. 10, RT 02/RW 03, Sukamaju', channelUserId: budi.id },
      location: { latitude: -6.2001, longitude: 106.8167 },
      description: 'Jalan berlubang besar di depan SDN 3, sudah dua minggu.',
    });
    expect(ticket?.attachments.map((a) => a.fileId)).toEqual(photos.map((p) => p.fileId));

    // The whole thread, both directions, is found from the ticket for the operators.
    const intake = ticket?.intake;
    expect(intake).toMatchObject({ conversationKey: budi.key });
    const thread = await messageModel(db.connection).find({ conversationKey: intake?.conversationKey, session: intake?.session }).lean();
    expect(thread.filter((m) => m.direction === 'in')).toHaveLength(12);
    expect(thread.filter((m) => m.direction === 'out').length).toBeGreaterThanOrEqual(12);
  });

  it('accepts a typed address as the location and a category typed as words', async () => {
    const rig = await createRig(db);
    const siti = rig.person();
    await siti.say('menu');
    await siti.say('buat laporan/pengaduan');
    await siti.say('Siti Aminah');
    await siti.say('+62 857 1234 5678');
    await siti.say('Perumahan Griya Asri Blok C2');
    expect(texts(await siti.say('sampah menumpuk di TPS'))).toContain('Ceritakan');
    await siti.say('Sampah di TPS Jl. Kenanga tidak diangkut lima hari.');
    await siti.say('lewati');
    await siti.say('TPS Jl. Kenanga dekat pasar');
    const done = await siti.say('Ya');
    const number = TICKET_NUMBER.exec(texts(done))?.[0];
    expect(await ticketModel(db.connection).findOne({ number }).lean()).toMatchObject({
      category: 'sampah',
      agency: 'DLH',
      reporter: { name: 'Siti Aminah', phone: '+6285712345678', address: 'Perumahan Griya Asri Blok C2' },
      location: { address: 'TPS Jl. Kenanga dekat pasar' },
      attachments: [],
    });
  });

  it('forwards a complaint outside the city’s authority and says where', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    for (const text of ['halo', '1', 'Andi', '081311112222', 'Jl. Melati 5 Sukamaju']) await p.say(text);
    await p.say('listrik padam');
    await p.say('Listrik padam sejak kemarin sore di seluruh RT 04.');
    await p.say('selesai');
    await p.say('RT 04 RW 01 Kelurahan Sukamaju');
    const done = texts(await p.say('ya'));
    expect(done).toContain('di luar kewenangan');
    expect(done).toContain('SP4N-LAPOR!');
  });

  it('skips the phone question where the channel knows the number, and numbers the choices where it has no buttons', async () => {
    const rig = await createRig(db, { channel: 'whatsapp', capabilities: PHONE_CHANNEL });
    const wa = rig.person('6281299990000');
    const menu = await wa.send({ text: 'halo', sender: { phone: '6281299990000' } });
    expect(menu.at(-1)?.text).toContain('1. Buat laporan/pengaduan\n2. Cek status laporan\n3. Tanya informasi');
    expect(menu.at(-1)?.choices).toBeUndefined();
    await wa.send({ text: '1', sender: { phone: '6281299990000' } });
    expect(texts(await wa.send({ text: 'Rina', sender: { phone: '6281299990000' } }))).toContain('alamat');
  });

  it('takes the phone number from a shared contact only when it is the sender’s own', async () => {
    const rig = await createRig(db, { channel: 'telegram', capabilities: { ...PHONE_CHANNEL, knowsPhone: false, canRequestContact: true, buttons: true } });
    const p = rig.person('7001');
    await p.say('halo');
    await p.say('1');
    const ask = await p.say('Made Wirawan');
    expect(ask[0]).toMatchObject({ request: 'contact' });
    expect(ask[0]?.text).toContain('tekan tombol di bawah');
    expect(texts(await p.send({ contact: { phone: '+6281122223333', name: 'Istri', own: false } }))).toContain('Nomor HP tidak valid');
    expect(texts(await p.send({ contact: { phone: '6281199998888', own: true } }))).toContain('alamat');
    for (const text of ['Jl. Bypass Ngurah Rai 10', '1', 'Aspal mengelupas sepanjang 50 meter dekat lampu merah.', 'selesai', 'Simpang Dewa Ruci']) await p.say(text);
    const number = TICKET_NUMBER.exec(texts(await p.say('ya')))?.[0];
    expect(await ticketModel(db.connection).findById(number).lean()).toMatchObject({ channel: 'telegram', reporter: { phone: '+6281199998888', channelUserId: '7001' } });
  });

  it('offers a returning reporter their stored identity', async () => {
    const rig = await createRig(db);
    const budi = rig.person();
    await reportUntilConfirm(budi, rig);
    await budi.say('Jl. Merdeka depan SDN 3');
    await budi.say('ya');

    await budi.say('menu');
    const offer = texts(await budi.say('1'));
    expect(offer).toContain('Nama: Budi Santoso');
    expect(offer).toContain('No. HP: +6281234567890');
    expect(texts(await budi.say('ya'))).toContain('jenis masalah');
    await budi.say('2');
    await budi.say('Sampah berserakan di trotoar depan pasar.');
    await budi.say('selesai');
    await budi.say('Depan Pasar Baru');
    const number = TICKET_NUMBER.exec(texts(await budi.say('ya')))?.[0];
    expect(await ticketModel(db.connection).findOne({ number }).lean()).toMatchObject({ reporter: { name: 'Budi Santoso', phone: '+6281234567890' }, category: 'sampah' });

    await budi.say('menu');
    await budi.say('1');
    expect(texts(await budi.say('tidak'))).toContain('nama lengkap');
  });

  it('does not send the report when the summary is not confirmed', async () => {
    const rig = await createRig(db);
    const p = rig.person();
    await reportUntilConfirm(p, rig);
    await p.say('Depan SDN 3'); // "depan sekolah" alone is too vague: it gets a follow-up (natural-flow.test.ts)
    const before = await ticketModel(db.connection).countDocuments();
    expect(texts(await p.say('tidak'))).toContain('Laporan belum dikirim');
    expect(await ticketModel(db.connection).countDocuments()).toBe(before);
  });
});
