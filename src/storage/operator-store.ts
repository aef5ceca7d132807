// Operators and their sessions on MongoDB. Every look-up a request makes is by
// `_id`; every change is one atomic update of one document.
import type { Connection } from 'mongoose';
import { isDuplicateKeyError } from './errors.js';
import { type OperatorDoc, operatorModel } from './models/operator.js';
import { type SessionDoc, sessionModel } from './models/session.js';

export type NewOperator = Omit<OperatorDoc, 'failedLogins' | 'lockedUntil' | 'disabled' | 'updatedAt'>;

export interface OperatorStore {
  get(username: string): Promise<OperatorDoc | null>;
  list(): Promise<OperatorDoc[]>;
  /** False when the username is taken. */
  create(operator: NewOperator): Promise<boolean>;
  /** A new password also unlocks the account. False when there is no such operator. */
  setPassword(username: string, passwordHash: string, now: Date): Promise<boolean>;
  setDisabled(username: string, disabled: boolean, now: Date): Promise<boolean>;
  /** Counts a failed login; at `max` in a row the account is locked until `lockedUntil`. */
  recordFailure(username: string, max: number, lockedUntil: Date): Promise<void>;
  /**
   * A login's password was right: clears the failure count, in one update that only an enabled account takes.
   * False when the account was disabled meanwhile (while the password was being checked), so the login fails.
   */
  recordSuccess(username: string): Promise<boolean>;
}

export interface SessionStore {
  create(session: SessionDoc): Promise<void>;
  get(id: string): Promise<SessionDoc | null>;
  touch(id: string, now: Date): Promise<void>;
  delete(id: string): Promise<void>;
  /**
   * Ends every session of one operator (disabled, password reset), or only
   * those expired before `expiredBefore`, or all but the one that changed the password.
   */
  deleteFor(username: string, options?: { readonly expiredBefore?: Date; readonly except?: string }): Promise<number>;
  /** Removes every session past its lifetime or unused for `idleMs` (they are refused anyway). */
  deleteExpired(now: Date, idleMs: number): Promise<number>;
}

export function mongoOperatorStore(connection: Connection): OperatorStore {
  const operators = operatorModel(connection);
  return {
    get: (username) => operators.findById(username).lean<OperatorDoc>(),
    list: () => operators.find().sort({ _id: 1 }).lean<OperatorDoc[]>(),
    async create(operator) {
      try {
        await operators.create({ ...operator, disabled: false, failedLogins: 0, updatedAt: operator.createdAt });
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    },
    async setPassword(username, passwordHash, now) {
      const result = await operators.updateOne({ _id: username }, { $set: { passwordHash, failedLogins: 0, updatedAt: now }, $unset: { lockedUntil: 1 } });
      return result.matchedCount === 1;
    },
    async setDisabled(username, disabled, now) {
      const result = await operators.updateOne({ _id: username }, { $set: { disabled, updatedAt: now } });
      return result.matchedCount === 1;
    },
    async recordFailure(username, max, lockedUntil) {
      const after = await operators.findOneAndUpdate({ _id: username }, { $inc: { failedLogins: 1 } }, { returnDocument: 'after' }).lean<OperatorDoc>();
      if (after && after.failedLogins >= max) {
        // Only the attempt that reached the limit locks, so the lock is not pushed further by later ones.
        await operators.updateOne({ _id: username, failedLogins: after.failedLogins }, { $set: { lockedUntil, failedLogins: 0 } });
      }
    },
    async recordSuccess(username) {
      // A write, so it is ordered after an admin's disable (a read could still see the account enabled: the
      // password check takes ~100 ms, and the embedded database's reads can trail its writes).
      const result = await operators.updateOne({ _id: username, disabled: { $ne: true } }, { $set: { failedLogins: 0 } });
      return result.matchedCount === 1;
    },
  };
}

export function mongoSessionStore(connection: Connection): SessionStore {
  const sessions = sessionModel(connection);
  return {
    async create(session) {
      await sessions.create(session);
    },
    get: (id) => sessions.findById(id).lean<SessionDoc>(),
    async touch(id, now) {
      await sessions.updateOne({ _id: id }, { $set: { lastSeenAt: now } });
    },
    async delete(id) {
      await sessions.deleteOne({ _id: id });
    },
    async deleteExpired(now, idleMs) {
      return (await sessions.deleteMany({ $or: [{ expiresAt: { $lte: now } }, { lastSeenAt: { $lte: new Date(now.getTime() - idleMs) } }] })).deletedCount;
    },
    async deleteFor(username, { expiredBefore, except } = {}) {
      return (await sessions.deleteMany({ username, ...(expiredBefore ? { expiresAt: { $lt: expiredBefore } } : {}), ...(except ? { _id: { $ne: except } } : {}) })).deletedCount;
    },
  };
}
