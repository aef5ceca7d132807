// Everything the application keeps in MongoDB, opened on one connection.
import type { Connection } from 'mongoose';
import type { Config } from '../config/schema.js';
import type { TicketStore } from '../tickets/store.js';
import { type AttachmentStore, gridFsAttachmentStore } from './attachments.js';
import { counterModel } from './models/counter.js';
import { ticketModel } from './models/ticket.js';
import { mongoTicketStore } from './ticket-store.js';

export interface Storage {
  readonly connection: Connection;
  readonly tickets: TicketStore;
  readonly attachments: AttachmentStore;
  /** Creates the indexes the queries rely on; idempotent, run at start. */
  ensureIndexes(): Promise<void>;
}

export function openStorage(connection: Connection, config: Pick<Config, 'limits'>): Storage {
  const attachments = gridFsAttachmentStore(connection, config.limits);
  return {
    connection,
    tickets: mongoTicketStore(connection),
    attachments,
    async ensureIndexes() {
      await ticketModel(connection).createCollection().catch(ignoreExists);
      await counterModel(connection).createCollection().catch(ignoreExists);
      await ticketModel(connection).createIndexes();
      await attachments.ensureIndexes();
    },
  };
}

const NAMESPACE_EXISTS = 48;

function ignoreExists(error: unknown): void {
  if ((error as { code?: number }).code !== NAMESPACE_EXISTS) throw error;
}
