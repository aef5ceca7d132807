// The audit trail of operator actions.
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { type AuditDoc, auditModel } from './models/audit.js';

export type AuditEntry = Omit<AuditDoc, '_id'>;

export interface AuditStore {
  record(entry: AuditEntry): Promise<void>;
  forTicket(number: string): Promise<AuditEntry[]>;
  recent(limit: number, before?: Date): Promise<AuditEntry[]>;
  /** One account's entries of these actions in [since, until), oldest first, at most `limit` (index actor+at). */
  byActor(actor: string, actions: readonly string[], since: Date, until: Date, limit: number): Promise<AuditEntry[]>;
}

export function mongoAuditStore(connection: Connection): AuditStore {
  const audit = auditModel(connection);
  const strip = (docs: AuditDoc[]): AuditEntry[] => docs.map(({ _id, ...entry }) => entry);
  return {
    async record(entry) {
      await audit.create({ ...entry, _id: `${entry.at.toISOString()}:${randomBytes(6).toString('hex')}` });
    },
    async forTicket(number) {
      return strip(await audit.find({ ticket: number }).sort({ at: 1 }).limit(1_000).lean<AuditDoc[]>());
    },
    async recent(limit, before) {
      return strip(await audit.find(before ? { at: { $lt: before } } : {}).sort({ at: -1 }).limit(limit).lean<AuditDoc[]>());
    },
    async byActor(actor, actions, since, until, limit) {
      return strip(await audit.find({ actor, action: { $in: [...actions] }, at: { $gte: since, $lt: until } }).sort({ at: 1 }).limit(limit).lean<AuditDoc[]>());
    },
  };
}
