// Photo hygiene end to end: citizens send photos straight from their phones
// (with GPS, make and model in EXIF) over Telegram (as a file, which Telegram
// passes on untouched) and the web chat, an operator attaches one to a phone
// complaint; what is stored, what the inbox serves and what the operator's
// browser shows carry no metadata but the orientation.
import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { RunningApplication } from '../../src/app/application.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { displayedSize, drawnPhoto, launchChromium } from '../support/chromium.js';
import { FakeBotApi } from '../support/bot-api.js';
import { TICKET_NUMBER } from '../support/conversation.js';
import { useTestDatabase } from '../support/database.js';
import { jpegWithMetadata, SECRETS } from '../support/exif.js';
import { fakeJpeg } from '../support/images.js';
import { ADMIN, OperatorSession, startInboxApp } from '../support/inbox.js';
import { until } from '../support/until.js';
import { WebchatCitizen } from '../support/webchat.js';

const db = useTestDatabase(import.meta.filename);
let api: FakeBotApi;
let app: RunningApplication;
let browser: Browser;
let admin: OperatorSession;
/** A portrait photo as a phone saves it: landscape pixels, Orientation 6, and the phone's metadata. */
let fromPhone: Buffer;
let webchatTicket = '';

beforeAll(async () => {
  [api, browser] = await Promise.all([new FakeBotApi().start(), launchChromium()]);
  fromPhone = jpegWithMetadata(await drawnPhoto(browser, 320, 240), { orientation: 6 });
  app = await startInboxApp(db, (c) => {
    c.channels.telegram.botToken = api.token;
    c.channels.telegram.apiRoot = api.url;
    delete c.schedules.photoMetadata; // not by the clock here: the test runs it
    c.leases.job = 600_000; // a run takes half the lease: all of this test's photos, on a loaded machine
  });
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
});
afterAll(async () => {
  await app.stop();
  await Promise.all([api.stop(), browser.close()]);
});

const leaked = (bytes: Buffer) => Object.entries(SECRETS).filter(([, text]) => bytes.includes(Buffer.from(text, 'latin1'))).map(([name]) => name);

/** The ticket's photos as the inbox serves them to an operator. */
async function servedPhotos(number: string): Promise<Buffer[]> {
  const detail = await admin.get<{ photos: { url: string }[] }>(`/api/tickets/${number}`);
  return Promise.all(detail.body.photos.map(async ({ url }) => {
    const response = await fetch(`${app.url}${url}`, { headers: { cookie: admin.cookie ?? '' } });
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  }));
}

async function expectClean(number: string): Promise<void> {
  const ticket = await ticketModel(db.connection).findById(number).lean();
  expect(ticket?.attachments).toHaveLength(1);
  const stored = await app.storage.attachments.read(ticket?.attachments[0]?.fileId ?? '');
  expect(leaked(fromPhone)).toEqual(Object.keys(SECRETS));
  expect(stored && leaked(stored.bytes)).toEqual([]);
  const [served] = await servedPhotos(number);
  expect(served?.equals(stored?.bytes ?? Buffer.alloc(0))).toBe(true);
  // Upright in the operator's browser: 240 wide, 320 high.
  expect(await displayedSize(browser, served ?? Buffer.alloc(0), 'image/jpeg')).toEqual({ width: 240, height: 320 });
}

describe('photos from phones are stored without their metadata', () => {
  it('on Telegram, a photo sent as a file', async () => {
    const user = 7101;
    const say = async (content: Record<string, unknown>, expected: string) => {
      const before = api.textsTo(user).length;
      api.push(api.message(user, content));
      let found = '';
      await until(`"${expected}"`, () => (found = api.textsTo(user).slice(before).find((t) => t.includes(expected)) ?? '') !== '');
      return found;
    };
    await say({ text: 'halo' }, 'Silakan pilih layanan');
    await say({ text: 'Buat laporan/pengaduan' }, 'nama lengkap');
    await say({ text: 'Nyoman Sudarsana' }, 'nomor HP');
    await say({ text: '081234500071' }, 'alamat');
    await say({ text: 'Jl. Diponegoro 7' }, 'jenis masalah');
    await say({ text: 'Jalan rusak' }, 'Ceritakan');
    await say({ text: 'Jalan berlubang di depan rumah saya.' }, 'Kirim foto');
    api.addFile('exif-photo', fromPhone);
    await say({ document: { file_id: 'exif-photo', file_unique_id: 'e1', file_name: 'IMG_20261130_074210.jpg', mime_type: 'image/jpeg', file_size: fromPhone.length } }, 'Foto diterima (1/5)');
    await say({ text: 'selesai' }, 'lokasi');
    await say({ text: 'Depan rumah no. 7' }, 'Ringkasan laporan');
    const number = TICKET_NUMBER.exec(await say({ text: 'Ya' }, 'nomor tiket'))?.[0] ?? '';
    await expectClean(number);
  });

  it('on the web chat', async () => {
    const citizen = new WebchatCitizen(app.url);
    for (const answer of ['halo', '1', 'Wayan Sari', '081234500072', 'Jl. Teuku Umar 9', 'Sampah', 'Sampah menumpuk di pinggir jalan.']) await citizen.say(answer);
    expect((await citizen.photo(fromPhone, 'IMG_20261130_074210.jpg')).status).toBe(202);
    expect((await citizen.poll()).map((m) => m.text).join()).toContain('Foto diterima (1/5)');
    await citizen.say('selesai');
    await citizen.say('Depan toko bangunan');
    const number = TICKET_NUMBER.exec(await citizen.say('Ya'))?.[0] ?? '';
    await expectClean(number);
    webchatTicket = number;
  });

  it('in a phone complaint an operator types into the inbox', async () => {
    const form = new FormData();
    form.append('complaint', JSON.stringify({ channel: 'phone', reporter: { name: 'Made Wirawan', phone: '081234500073', email: '' }, category: 'jalan_rusak', description: 'Jalan amblas, foto dikirim warga lewat HP', location: { latitude: -8.65, longitude: 115.22, address: 'Jl. Gajah Mada 3' } }));
    form.append('photo', new Blob([new Uint8Array(fromPhone)], { type: 'image/jpeg' }), 'dari-warga.jpg');
    const response = await fetch(`${app.url}/api/intake`, { method: 'POST', headers: { cookie: admin.cookie ?? '', 'x-csrf-token': admin.csrf ?? '' }, body: form });
    expect(response.status).toBe(201);
    await expectClean(((await response.json()) as { number: string }).number);
  });

  it('stored by an earlier version, they are cleaned by the photoMetadata job and served clean under the same id', async () => {
    // As an earlier version stored photos: the bytes as sent, no record of cleaning.
    const database = db.connection.db;
    if (!database) throw new Error('the database is not connected');
    const legacy = async (bytes: Buffer) => {
      const upload = new mongoose.mongo.GridFSBucket(database, { bucketName: 'attachments' }).openUploadStream('IMG_0815.jpg', { metadata: { sha256: createHash('sha256').update(bytes).digest('hex'), contentType: 'image/jpeg', source: 'webchat' } });
      await new Promise((resolve, reject) => { upload.once('finish', resolve).once('error', reject).end(bytes); });
      return upload.id.toHexString();
    };
    const fileId = await legacy(fromPhone);
    await ticketModel(db.connection).updateOne({ _id: webchatTicket }, { $set: { 'attachments.0.fileId': fileId } });
    // More than one page of the store's.
    for (let i = 0; i < 60; i++) await legacy(jpegWithMetadata(fakeJpeg(1_500, i)));
    const [before] = await servedPhotos(webchatTicket);
    expect(before && leaked(before)).toEqual(Object.keys(SECRETS));

    expect(await app.scheduler.runNow('photoMetadata')).toEqual({ ran: true, handled: 61 });
    expect((await ticketModel(db.connection).findById(webchatTicket).lean())?.attachments[0]?.fileId).toBe(fileId);
    await expectClean(webchatTicket);
    expect(await app.scheduler.runNow('photoMetadata')).toEqual({ ran: true, handled: 0 });
  });
});
