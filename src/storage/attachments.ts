// Photos and files in GridFS (bucket `attachments`). The content type is
// sniffed from the bytes, the size is limited before anything is written,
// and each file carries its sha256 so identical uploads (a redelivered
// webhook, the same photo sent twice) are stored once. Every image, whichever
// way it came in, is stored without its metadata (EXIF GPS, camera, dates:
// image-metadata/): here, in the one place every photo passes.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import mongoose, { type Connection } from 'mongoose';
import type { AttachmentRef } from '../tickets/model.js';
import { stripImageMetadata, type Removed } from './image-metadata/index.js';
import { prepareIndex } from './indexes.js';
import { IMAGE_TYPES, sniffImageType } from './sniff.js';

const { GridFSBucket, ObjectId } = mongoose.mongo;

export const ATTACHMENT_BUCKET = 'attachments';

export type AttachmentRejection = 'too_large' | 'not_an_image' | 'empty' | 'not_allowed';

export class AttachmentRejectedError extends Error {
  constructor(readonly reason: AttachmentRejection, message: string) {
    super(message);
    this.name = 'AttachmentRejectedError';
  }
}

export interface SaveAttachmentInput {
  readonly bytes: Uint8Array;
  readonly filename?: string;
  /** Where it came from, kept for the operators (e.g. "telegram", "email"). */
  readonly source?: string;
}

export interface AttachmentStore {
  saveImage(input: SaveAttachmentInput): Promise<AttachmentRef>;
  /** A document (e.g. a PDF letter) whose declared type the configuration allows; PDFs are checked by their bytes. */
  saveFile(input: SaveAttachmentInput & { readonly contentType: string }, allowedTypes: readonly string[]): Promise<AttachmentRef>;
  open(fileId: string): Promise<{ ref: AttachmentRef; stream: Readable } | null>;
  /** The whole file in memory (photos are size-limited), or null if it is not stored. */
  read(fileId: string): Promise<{ ref: AttachmentRef; bytes: Buffer } | null>;
  /**
   * Photos stored before metadata was stripped, one after another until none is left or `until` has
   * come: each gets a clean copy, served under its id from then on, and its own bytes are deleted.
   * How many were handled; one that fails is left for the next run, and does not hold up the others.
   */
  cleanStoredImages(until: Date): Promise<{ handled: number; failed: number }>;
  /** Deletes the file (and its clean copy, for a photo stored before metadata was stripped); false when it was not stored. Retention and erasure. */
  remove(fileId: string): Promise<boolean>;
  ensureIndexes(): Promise<void>;
}

interface FileMetadata {
  sha256: string;
  contentType: string;
  source?: string;
  /** On every image stored clean: what was removed before it was stored (kinds, e.g. exif, xmp; no values). */
  metadataRemoved?: Removed[];
  /** On a photo stored before metadata was stripped: its clean copy, served in its place. */
  cleanedAs?: InstanceType<typeof ObjectId>;
  /** On such a photo whose metadata could not be located (a damaged HEIC): left as it was. */
  uncleanable?: true;
}

interface FileDocument {
  _id: InstanceType<typeof ObjectId>;
  length: number;
  filename: string;
  metadata?: FileMetadata;
}

export function gridFsAttachmentStore(connection: Connection, limits: { readonly photoMaxBytes: number }): AttachmentStore {
  const db = () => {
    if (!connection.db) throw new Error('the database connection is not open');
    return connection.db;
  };
  const bucket = () => new GridFSBucket(db(), { bucketName: ATTACHMENT_BUCKET });
  const chunks = () => db().collection(`${ATTACHMENT_BUCKET}.chunks`);
  const files = () => db().collection<FileDocument>(`${ATTACHMENT_BUCKET}.files`);

  const toRef = (file: FileDocument): AttachmentRef => ({
    fileId: file._id.toHexString(),
    sha256: file.metadata?.sha256 ?? '',
    contentType: file.metadata?.contentType ?? 'application/octet-stream',
    size: file.length,
    filename: file.filename,
  });

  const checkSize = (bytes: Uint8Array) => {
    if (bytes.byteLength === 0) throw new AttachmentRejectedError('empty', 'the file is empty');
    if (bytes.byteLength > limits.photoMaxBytes) {
      throw new AttachmentRejectedError('too_large', `the file has ${bytes.byteLength} bytes, more than the limit of ${limits.photoMaxBytes}`);
    }
  };

  const store = async (received: Uint8Array, contentType: string, filename: string | undefined, source: string | undefined): Promise<AttachmentRef> => {
    // Whatever the declared type, bytes that are an image are stored clean; sha256
    // and size describe the stored bytes, so the same photo sent twice is still one file.
    const imageType = sniffImageType(received);
    const stripped = imageType ? stripImageMetadata(received, imageType) : { bytes: received, removed: [] };
    if ('unreadable' in stripped) throw new AttachmentRejectedError('not_an_image', 'the image\'s metadata could not be located to be removed');
    const { bytes, removed } = stripped;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const existing = await files().findOne({ 'metadata.sha256': sha256, length: bytes.byteLength });
    if (existing) return toRef(existing);

    const name = safeFilename(filename, contentType);
    const metadata: FileMetadata = { sha256, contentType, ...(source ? { source } : {}), ...(imageType ? { metadataRemoved: [...removed] } : {}) };
    const upload = bucket().openUploadStream(name, { metadata });
    await new Promise<void>((resolve, reject) => {
      upload.once('finish', () => { resolve(); });
      upload.once('error', reject);
      upload.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    });
    return { fileId: upload.id.toHexString(), sha256, contentType, size: bytes.byteLength, filename: name };
  };

  /**
   * One photo stored before metadata was stripped, in steps that may each be repeated after a crash:
   * the clean copy (stored once, by its sha256); the redirect to it (one conditional update: from then
   * on only the copy is served); the old chunks deleted (deleting them again deletes nothing); the file
   * marked done (one conditional update). Jobs run under a lease, so one instance does this.
   */
  const cleanStored = async (file: FileDocument) => {
    const marked = (set: Partial<Record<`metadata.${keyof FileMetadata}`, unknown>>) => files().updateOne({ _id: file._id, 'metadata.metadataRemoved': { $exists: false } }, { $set: set });
    let cleanedAs = file.metadata?.cleanedAs;
    if (!cleanedAs) {
      const original = await bytesOf(bucket().openDownloadStream(file._id));
      const type = sniffImageType(original);
      const stripped = type ? stripImageMetadata(original, type) : undefined;
      if (!stripped || 'unreadable' in stripped || stripped.removed.length === 0) {
        await marked(stripped && !('unreadable' in stripped) ? { 'metadata.metadataRemoved': [] } : { 'metadata.uncleanable': true });
        return;
      }
      const copy = await store(original, file.metadata?.contentType ?? type ?? 'application/octet-stream', file.filename, file.metadata?.source);
      cleanedAs = new ObjectId(copy.fileId);
      await files().updateOne({ _id: file._id, 'metadata.cleanedAs': { $exists: false } }, { $set: { 'metadata.cleanedAs': cleanedAs } });
    }
    const copy = await files().findOne({ _id: cleanedAs });
    await chunks().deleteMany({ files_id: file._id });
    await marked({ 'metadata.metadataRemoved': copy?.metadata?.metadataRemoved ?? [] });
  };

  return {
    async saveImage({ bytes, filename, source }) {
      checkSize(bytes);
      const contentType = sniffImageType(bytes);
      if (!contentType) throw new AttachmentRejectedError('not_an_image', 'the file is not a JPEG, PNG, GIF, WebP or HEIC image');
      return store(bytes, contentType, filename, source);
    },

    async saveFile({ bytes, filename, source, contentType }, allowedTypes) {
      checkSize(bytes);
      const type = contentType.toLowerCase().split(';')[0]?.trim() ?? '';
      if (!allowedTypes.includes(type)) throw new AttachmentRejectedError('not_allowed', `files of type ${type} are not accepted`);
      if (type === 'application/pdf' && Buffer.from(bytes.subarray(0, 5)).toString('latin1') !== '%PDF-') {
        throw new AttachmentRejectedError('not_allowed', 'the file claims to be a PDF but is not one');
      }
      return store(bytes, type, filename, source);
    },

    async open(fileId) {
      if (!ObjectId.isValid(fileId) || !/^[0-9a-f]{24}$/i.test(fileId)) return null;
      const file = await files().findOne({ _id: new ObjectId(fileId) });
      const cleanedAs = file?.metadata?.cleanedAs;
      const served = cleanedAs ? await files().findOne({ _id: cleanedAs }) : file;
      if (!served) return null;
      // Under the id asked for: tickets and messages keep referring to the photo by it.
      return { ref: { ...toRef(served), fileId }, stream: bucket().openDownloadStream(served._id) };
    },

    async read(fileId) {
      const opened = await this.open(fileId);
      return opened ? { ref: opened.ref, bytes: await bytesOf(opened.stream) } : null;
    },

    async cleanStoredImages(until) {
      const failed: InstanceType<typeof ObjectId>[] = [];
      let handled = 0;
      for (;;) {
        const legacy = await files()
          .find({ _id: { $nin: failed }, 'metadata.contentType': { $in: [...IMAGE_TYPES] }, 'metadata.metadataRemoved': { $exists: false }, 'metadata.uncleanable': { $exists: false } })
          .limit(CLEANING_BATCH)
          .toArray();
        for (const file of legacy) {
          if (Date.now() >= until.getTime()) return { handled, failed: failed.length };
          try {
            await cleanStored(file);
            handled++;
          } catch {
            failed.push(file._id);
          }
        }
        if (legacy.length < CLEANING_BATCH) return { handled, failed: failed.length };
      }
    },

    async remove(fileId) {
      if (!ObjectId.isValid(fileId) || !/^[0-9a-f]{24}$/i.test(fileId)) return false;
      const file = await files().findOne({ _id: new ObjectId(fileId) });
      if (!file) return false;
      // Chunks first: a crash in between leaves a file entry whose next removal finishes the work.
      for (const id of [file.metadata?.cleanedAs, file._id]) {
        if (!id) continue;
        await chunks().deleteMany({ files_id: id });
        await files().deleteOne({ _id: id });
      }
      return true;
    },

    async ensureIndexes() {
      await prepareIndex(connection, `${ATTACHMENT_BUCKET}.files`, { 'metadata.sha256': 1 });
    },
  };
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** Photos stored before metadata was stripped, read a page at a time. */
const CLEANING_BATCH = 50;

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/msword': 'doc',
};

/** A filename that is safe to show and serve: no path, no control characters, the real extension. */
function safeFilename(filename: string | undefined, contentType: string): string {
  const extension = EXTENSIONS[contentType] ?? 'bin';
  const base = (filename ?? '')
    .split(/[\\/]/)
    .pop()
    ?.replace(/\.[^.]*$/, '')
    .replace(/[^\p{L}\p{N} ._-]/gu, '')
    .trim()
    .slice(0, 100);
  return `${base === undefined || base === '' ? (contentType.startsWith('image/') ? 'photo' : 'file') : base}.${extension}`;
}
