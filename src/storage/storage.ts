// Everything the application keeps in MongoDB, opened on one connection.
import type { Connection } from 'mongoose';
import type { Config } from '../config/schema.js';
import type { DataRequestLog } from '../conversation/data-requests.js';
import type { ConversationStore, InboundLog } from '../conversation/ports.js';
import type { NoticeStore } from '../notifications/notice-store.js';
import type { OutboxStore } from '../outbox/store.js';
import type { TicketStore } from '../tickets/store.js';
import { type AttachmentStore, gridFsAttachmentStore } from './attachments.js';
import { mongoConversationStore } from './conversation-store.js';
import { mongoDataRequestStore } from './data-request-store.js';
import { databaseEngine } from './engine.js';
import { prepareCollection } from './indexes.js';
import { mongoInboundLog, mongoOutboxStore } from './message-store.js';
import { conversationModel } from './models/conversation.js';
import { counterModel } from './models/counter.js';
import { dataRequestModel } from './models/data-request.js';
import { geoCellModel } from './models/geo-cell.js';
import { messageModel } from './models/message.js';
import { noticeModel } from './models/notice.js';
import { ticketModel } from './models/ticket.js';
import { mongoNoticeStore } from './notice-store.js';
import { GEO_INDEX } from './ticket-followers.js';
import { mongoTicketStore } from './ticket-store.js';

export interface Storage {
  readonly connection: Connection;
  readonly tickets: TicketStore;
  readonly attachments: AttachmentStore;
  readonly conversations: ConversationStore;
  readonly inbound: InboundLog;
  readonly outbox: OutboxStore;
  /** The mail queue of notices (agency, SLA, reports). */
  readonly notices: NoticeStore;
  /** Citizens' requests about their personal data ("hapus data saya"). */
  readonly dataRequests: DataRequestLog;
  /** Creates the indexes the queries rely on; idempotent, run at start. */
  ensureIndexes(): Promise<void>;
}

export function openStorage(connection: Connection, config: Pick<Config, 'limits'> & { duplicates?: Pick<Config['duplicates'], 'radius'> }): Storage {
  const attachments = gridFsAttachmentStore(connection, config.limits);
  return {
    connection,
    tickets: mongoTicketStore(connection, config.duplicates?.radius),
    attachments,
    conversations: mongoConversationStore(connection),
    inbound: mongoInboundLog(connection),
    outbox: mongoOutboxStore(connection),
    notices: mongoNoticeStore(connection),
    dataRequests: mongoDataRequestStore(connection),
    async ensureIndexes() {
      const models = [ticketModel(connection), counterModel(connection), conversationModel(connection), messageModel(connection), noticeModel(connection), geoCellModel(connection), dataRequestModel(connection)];
      for (const model of models) await prepareCollection(model);
      await attachments.ensureIndexes();
      // The nearby-duplicates search's geo index, where the server can build one (not on FerretDB: engine.ts).
      if ((await databaseEngine(connection)) === 'mongodb') await ticketModel(connection).collection.createIndex(GEO_INDEX, { name: 'nearby_geo' }, {});
    },
  };
}
