// Photos in GridFS on the real MongoDB-protocol server.
import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { AttachmentRejectedError, gridFsAttachmentStore } from '../../src/storage/attachments.js';
import { useTestDatabase } from '../support/database.js';
import { heicWithMetadata, jpegWithMetadata, SECRETS } from '../support/exif.js';
import { fakeJpeg, fakePng } from '../support/images.js';

const db = useTestDatabase(import.meta.filename);
const LIMIT = 64 * 1024;
const store = () => gridFsAttachmentStore(db.connection, { photoMaxBytes: LIMIT });
const counts = async () => ({
  files: await db.connection.collection('attachments.files').countDocuments(),
  chunks: await db.connection.collection('attachments.chunks').countDocuments(),
});

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('GridFS attachments', () => {
  it('stores a photo and gives back the same bytes, type sniffed from the bytes and sha256', async () => {
    const bytes = fakeJpeg(300_000 % LIMIT);
    const ref = await store().saveImage({ bytes, filename: '../../etc/IMG_2041.png', source: 'telegram' });
    expect(ref).toMatchObject({
      contentType: 'image/jpeg',
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      filename: 'IMG_2041.jpg',
    });
    const opened = await store().open(ref.fileId);
    if (!opened) throw new Error('the stored photo was not found');
    expect(opened.ref).toEqual(ref);
    expect((await readAll(opened.stream)).equals(bytes)).toBe(true);
  });

  it('stores identical bytes once', async () => {
    const bytes = fakePng(5_000);
    const first = await store().saveImage({ bytes });
    const before = await counts();
    const second = await store().saveImage({ bytes, filename: 'again.png' });
    expect(second.fileId).toBe(first.fileId);
    expect(await counts()).toEqual(before);
  });

  it('rejects an oversized photo and a non-image disguised as .jpg, storing nothing', async () => {
    const before = await counts();
    const tooLarge = store().saveImage({ bytes: fakeJpeg(LIMIT + 1), filename: 'big.jpg' });
    await expect(tooLarge).rejects.toThrow(AttachmentRejectedError);
    await expect(tooLarge).rejects.toMatchObject({ reason: 'too_large' });

    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2_000, 0x20)]);
    await expect(store().saveImage({ bytes: pdf, filename: 'foto.jpg' })).rejects.toMatchObject({ reason: 'not_an_image' });
    await expect(store().saveImage({ bytes: Buffer.alloc(0), filename: 'kosong.jpg' })).rejects.toMatchObject({ reason: 'empty' });
    expect(await counts()).toEqual(before);
  });

  it('stores a photo without its metadata, sha256 and size of the stored bytes, and the same photo sent twice once', async () => {
    const sent = jpegWithMetadata(fakeJpeg(6_000, 17), { orientation: 6 });
    const ref = await store().saveImage({ bytes: sent, filename: 'IMG_20261130_074210.jpg', source: 'whatsapp' });
    const stored = await store().read(ref.fileId);
    if (!stored) throw new Error('the stored photo was not found');
    for (const secret of Object.values(SECRETS)) expect(stored.bytes.includes(Buffer.from(secret, 'latin1'))).toBe(false);
    expect(stored.bytes.length).toBeLessThan(sent.length);
    expect(ref).toMatchObject({ size: stored.bytes.length, sha256: createHash('sha256').update(stored.bytes).digest('hex') });
    const file = await db.connection.collection('attachments.files').findOne({ 'metadata.sha256': ref.sha256 });
    expect(file?.metadata).toMatchObject({ metadataRemoved: ['comment', 'exif', 'iptc', 'trailer', 'xmp'] });

    const before = await counts();
    expect((await store().saveImage({ bytes: sent })).fileId).toBe(ref.fileId);
    expect(await counts()).toEqual(before);
  });

  it('cleans an image that arrives as a document, and refuses a HEIC whose metadata it cannot find', async () => {
    const sent = jpegWithMetadata(fakeJpeg(4_000, 18));
    const ref = await store().saveFile({ bytes: sent, filename: 'lampiran.bin', contentType: 'application/octet-stream' }, ['application/octet-stream']);
    expect((await store().read(ref.fileId))?.bytes.includes(Buffer.from(SECRETS.model))).toBe(false);

    const before = await counts();
    const heic = heicWithMetadata({ brokenIloc: true }).bytes;
    await expect(store().saveImage({ bytes: heic, filename: 'IMG_0001.HEIC' })).rejects.toMatchObject({ reason: 'not_an_image' });
    expect(await counts()).toEqual(before);
  });

  it('cleans photos stored before metadata was stripped: served clean under their old id, old bytes deleted, once', async () => {
    // As an earlier version stored them: the bytes as sent, no record of cleaning.
    const database = db.connection.db;
    if (!database) throw new Error('the database is not connected');
    const legacy = async (bytes: Buffer) => {
      const upload = new mongoose.mongo.GridFSBucket(database, { bucketName: 'attachments' }).openUploadStream('IMG_0815.jpg', { metadata: { sha256: createHash('sha256').update(bytes).digest('hex'), contentType: 'image/jpeg', source: 'whatsapp' } });
      await new Promise((resolve, reject) => { upload.once('finish', resolve).once('error', reject).end(bytes); });
      return upload.id.toHexString();
    };
    const withGps = await legacy(jpegWithMetadata(fakeJpeg(7_000, 40), { orientation: 6 }));
    const clean = await legacy(fakeJpeg(7_000, 41));
    const interrupted = await legacy(jpegWithMetadata(fakeJpeg(7_000, 42)));
    // A run that stopped after making the copy and pointing to it, before deleting the old bytes.
    const copy = await store().saveImage({ bytes: jpegWithMetadata(fakeJpeg(7_000, 42)) });
    await db.connection.collection('attachments.files').updateOne({ _id: new mongoose.mongo.ObjectId(interrupted) }, { $set: { 'metadata.cleanedAs': new mongoose.mongo.ObjectId(copy.fileId) } });
    const chunksOf = (id: string) => db.connection.collection('attachments.chunks').countDocuments({ files_id: new mongoose.mongo.ObjectId(id) });
    const before = await counts();

    const soon = () => new Date(Date.now() + 60_000);
    expect(await store().cleanStoredImages(new Date(0))).toEqual({ handled: 0, failed: 0 }); // no time: nothing is started
    expect(await store().cleanStoredImages(soon())).toEqual({ handled: 3, failed: 0 });
    for (const id of [withGps, interrupted]) {
      const served = await store().read(id);
      expect(served?.ref.fileId).toBe(id);
      expect(served && Object.values(SECRETS).filter((secret) => served.bytes.includes(Buffer.from(secret, 'latin1')))).toEqual([]);
      expect(await chunksOf(id)).toBe(0);
    }
    expect((await store().read(clean))?.bytes.equals(fakeJpeg(7_000, 41))).toBe(true);
    const after = await counts();
    expect(after.files).toBe(before.files + 1); // one clean copy; the interrupted one already had its copy
    const marks = await db.connection.collection('attachments.files').find({ _id: { $in: [withGps, clean, interrupted].map((id) => new mongoose.mongo.ObjectId(id)) } }).sort({ _id: 1 }).toArray();
    expect(marks.map((f) => (f.metadata as { metadataRemoved?: string[] }).metadataRemoved)).toEqual([['comment', 'exif', 'iptc', 'trailer', 'xmp'], [], ['comment', 'exif', 'iptc', 'trailer', 'xmp']]);
    expect(await store().cleanStoredImages(soon())).toEqual({ handled: 0, failed: 0 });

    // A file that cannot be read (its chunks out of order) does not hold up the others; the next run tries it again.
    const broken = new mongoose.mongo.ObjectId();
    await db.connection.collection('attachments.files').insertOne({ _id: broken, length: 5_000, chunkSize: 261_120, uploadDate: new Date(), filename: 'rusak.jpg', metadata: { sha256: 'x', contentType: 'image/jpeg' } });
    await db.connection.collection('attachments.chunks').insertOne({ files_id: broken, n: 5, data: new mongoose.mongo.Binary(fakeJpeg(5_000)) });
    const next = await legacy(jpegWithMetadata(fakeJpeg(7_000, 43)));
    expect(await store().cleanStoredImages(soon())).toEqual({ handled: 1, failed: 1 });
    expect((await store().read(next))?.bytes.includes(Buffer.from(SECRETS.make))).toBe(false);
    expect(await store().cleanStoredImages(soon())).toEqual({ handled: 0, failed: 1 });
  });

  it('answers null for unknown or malformed file ids', async () => {
    expect(await store().open('0123456789abcdef01234567')).toBeNull();
    expect(await store().open('{"$gt":""}')).toBeNull();
  });
});
