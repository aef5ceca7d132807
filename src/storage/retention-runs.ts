// What the last retention run did (counts per kind, no personal data), for the admins' page: one document
// `_id: 'last'` in `retention_runs`, replaced by each run.
import type { Connection } from 'mongoose';
import type { AttachmentStore } from './attachments.js';
import { mongoRetentionSweeps, type RetentionSweeps } from './retention-sweeps.js';
import { mongoTicketRetention, type TicketRetention } from './retention-store.js';

export const RETENTION_KINDS = ['tickets', 'ticketPhotos', 'photos', 'messages', 'conversations', 'people', 'notices', 'audit'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];
export type RetentionCounts = Record<RetentionKind, number>;

export interface RetentionRun {
  startedAt: Date;
  finishedAt: Date;
  /** False when the run stopped at its time limit or batch size with work left for the next run. */
  complete: boolean;
  counts: RetentionCounts;
}

export interface RetentionRuns {
  save(run: RetentionRun): Promise<void>;
  last(): Promise<RetentionRun | null>;
}

interface RunDoc extends RetentionRun {
  _id: string;
}

export function mongoRetentionRuns(connection: Connection): RetentionRuns {
  const runs = () => {
    if (!connection.db) throw new Error('the database connection is not open');
    return connection.db.collection<RunDoc>('retention_runs');
  };
  return {
    async save(run) {
      await runs().replaceOne({ _id: 'last' }, { ...run }, { upsert: true });
    },
    async last() {
      const doc = await runs().findOne({ _id: 'last' });
      if (!doc) return null;
      const { _id, ...run } = doc;
      return run;
    },
  };
}

/** Everything the retention job uses, on one connection. */
export interface RetentionPorts {
  readonly tickets: TicketRetention;
  readonly sweeps: RetentionSweeps;
  readonly runs: RetentionRuns;
}

export function mongoRetention(connection: Connection, attachments: Pick<AttachmentStore, 'remove'>): RetentionPorts {
  return { tickets: mongoTicketRetention(connection, attachments), sweeps: mongoRetentionSweeps(connection, attachments), runs: mongoRetentionRuns(connection) };
}
