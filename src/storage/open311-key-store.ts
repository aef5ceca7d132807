// Open311 API keys on MongoDB. A key is checked and its last use recorded in
// one conditional update by `_id` (the key's hash) that skips revoked keys.
import { createHash, randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { prepareCollection } from './indexes.js';
import { type Open311KeyDoc, open311KeyModel } from './models/open311-key.js';

export interface Open311Key {
  readonly id: string;
  readonly label: string;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly revokedAt?: Date;
  readonly revokedBy?: string;
  readonly lastUsedAt?: Date;
}

export interface Open311KeyStore {
  /** Issues a key: the secret is returned once, only its hash is kept. */
  issue(label: string, createdBy: string, now: Date): Promise<{ key: Open311Key; secret: string }>;
  list(): Promise<Open311Key[]>;
  /** Revokes a key; false when there is no such key or it was revoked before. */
  revoke(id: string, by: string, now: Date): Promise<boolean>;
  /** The key a client presented, when it exists and is not revoked (its last use is recorded on the way). */
  use(secret: string, now: Date): Promise<Open311Key | null>;
  ensureIndexes(): Promise<void>;
}

/** Keys look like `o311_` + 43 url-safe characters (256 bits): recognisable in a leaked log, unguessable. */
const PREFIX = 'o311_';

export const hashOpen311Key = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** A client's last use is written at most this often, so a busy client does not write on every request. */
const LAST_USED_EVERY_MS = 60_000;

export function mongoOpen311KeyStore(connection: Connection): Open311KeyStore {
  const keys = open311KeyModel(connection);
  const toKey = ({ _id, ...key }: Open311KeyDoc): Open311Key => key;
  return {
    async issue(label, createdBy, now) {
      const secret = `${PREFIX}${randomBytes(32).toString('base64url')}`;
      const doc: Open311KeyDoc = { _id: hashOpen311Key(secret), id: randomBytes(6).toString('hex'), label, createdBy, createdAt: now };
      await keys.create(doc);
      return { key: toKey(doc), secret };
    },
    async list() {
      return (await keys.find({}).sort({ createdAt: -1 }).limit(1_000).lean<Open311KeyDoc[]>()).map(toKey);
    },
    async revoke(id, by, now) {
      const result = await keys.updateOne({ id, revokedAt: { $exists: false } }, { $set: { revokedAt: now, revokedBy: by } });
      return result.modifiedCount === 1;
    },
    async use(secret, now) {
      if (!secret.startsWith(PREFIX) || secret.length > 100) return null;
      const _id = hashOpen311Key(secret);
      const found = await keys.findById(_id).lean<Open311KeyDoc>();
      if (!found || found.revokedAt) return null;
      if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() >= LAST_USED_EVERY_MS) {
        // Only while not revoked: a revocation between the read and this write still wins for the next request.
        await keys.updateOne({ _id, revokedAt: { $exists: false } }, { $set: { lastUsedAt: now } });
      }
      return toKey(found);
    },
    async ensureIndexes() {
      await prepareCollection(keys);
    },
  };
}
