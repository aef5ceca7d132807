// Idempotency keys of operator actions on MongoDB. The claim is one insert on
// `_id`, so of two identical requests arriving together exactly one acts; the
// other waits for the stored answer. Every step is a single-document update.
import type { Connection } from 'mongoose';
import { isDuplicateKeyError } from './errors.js';
import { type IdempotencyDoc, idempotencyModel } from './models/idempotency.js';

export interface StoredAnswer {
  readonly status: number;
  readonly body: string;
  readonly contentType?: string;
}

export type Claim =
  | { readonly kind: 'claimed' }
  | { readonly kind: 'pending' }
  | { readonly kind: 'done'; readonly answer: StoredAnswer }
  /** The key was first used for another request. */
  | { readonly kind: 'mismatch' };

export interface IdempotencyStore {
  /** Claims `id` for `request` until `expiresAt`, or says what the earlier use of the key came to. */
  claim(id: string, request: string, now: Date, expiresAt: Date): Promise<Claim>;
  /** Stores the answer of a claimed request. */
  complete(id: string, answer: StoredAnswer): Promise<void>;
  /** Gives a claim back (the request failed on the server's side): a repeat may act. */
  release(id: string): Promise<void>;
}

const SWEEP_EVERY_MS = 60_000;

export function mongoIdempotencyStore(connection: Connection): IdempotencyStore {
  const keys = idempotencyModel(connection);
  let lastSweep = 0;
  const sweep = async (now: Date) => {
    if (now.getTime() - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = now.getTime();
    await keys.deleteMany({ expiresAt: { $lte: now } });
  };
  const claim = async (id: string, request: string, now: Date, expiresAt: Date, retried: boolean): Promise<Claim> => {
    try {
      await keys.create({ _id: id, request, state: 'pending', createdAt: now, expiresAt });
      await sweep(now);
      return { kind: 'claimed' };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const found = await keys.findById(id).lean<IdempotencyDoc>();
    if (!found || found.expiresAt <= now) {
      // Gone or expired: remove exactly that expired one (not a fresh claim made meanwhile) and claim again, once.
      if (found) await keys.deleteOne({ _id: id, expiresAt: found.expiresAt });
      return retried ? { kind: 'pending' } : claim(id, request, now, expiresAt, true);
    }
    if (found.request !== request) return { kind: 'mismatch' };
    if (found.state === 'done' && found.status !== undefined) {
      return { kind: 'done', answer: { status: found.status, body: found.body ?? '', ...(found.contentType ? { contentType: found.contentType } : {}) } };
    }
    return { kind: 'pending' };
  };
  return {
    claim: (id, request, now, expiresAt) => claim(id, request, now, expiresAt, false),
    async complete(id, answer) {
      await keys.updateOne({ _id: id, state: 'pending' }, { $set: { state: 'done', status: answer.status, body: answer.body, ...(answer.contentType ? { contentType: answer.contentType } : {}) } });
    },
    async release(id) {
      await keys.deleteOne({ _id: id, state: 'pending' });
    },
  };
}
