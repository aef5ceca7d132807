// A RemoteAuth store for whatsapp-web.js on GridFS (bucket `whatsapp_sessions`),
// so containers without a persistent disk keep the WhatsApp session in MongoDB.
// RemoteAuth zips the session to <dataPath>/<session>.zip and calls save();
// extract() writes it back to the path it names.
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import mongoose, { type Connection } from 'mongoose';

const BUCKET = 'whatsapp_sessions';

export interface SessionStore {
  sessionExists(options: { session: string }): Promise<boolean>;
  save(options: { session: string }): Promise<void>;
  extract(options: { session: string; path: string }): Promise<void>;
  delete(options: { session: string }): Promise<void>;
}

export function gridFsSessionStore(connection: Connection, dataPath: string): SessionStore {
  const bucket = () => {
    if (!connection.db) throw new Error('the database connection is not open');
    return new mongoose.mongo.GridFSBucket(connection.db, { bucketName: BUCKET });
  };
  const versions = async (session: string) => bucket().find({ filename: `${session}.zip` }).sort({ uploadDate: -1 }).toArray();
  return {
    async sessionExists({ session }) {
      return (await versions(session)).length > 0;
    },
    async save({ session }) {
      const older = await versions(session);
      await pipeline(createReadStream(join(dataPath, `${session}.zip`)), bucket().openUploadStream(`${session}.zip`));
      // Only after the new copy is stored completely are the old ones removed.
      for (const file of older) await bucket().delete(file._id);
    },
    async extract({ session, path }) {
      const [latest] = await versions(session);
      if (!latest) return;
      await pipeline(bucket().openDownloadStream(latest._id), createWriteStream(path));
    },
    async delete({ session }) {
      for (const file of await versions(session)) await bucket().delete(file._id);
    },
  };
}
