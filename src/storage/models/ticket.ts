// The `tickets` collection (contract in DESIGN.md) and the indexes behind the
// queries of the scheduler (status + due dates), the agency inbox (agency +
// status), the conversation (reporter channel id) and look-ups by number.
import { type Connection, type Model, Schema } from 'mongoose';
import { CHANNELS, CLOSE_REASONS, DUE_FIELDS, TICKET_STATUSES, type Ticket } from '../../tickets/model.js';

const attachment = new Schema(
  {
    fileId: { type: String, required: true },
    sha256: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    filename: String,
    public: { type: new Schema({ fileId: String, at: Date, by: String }, { _id: false }), default: undefined },
  },
  { _id: false },
);

const historyEntry = new Schema(
  {
    at: { type: Date, required: true },
    actor: { type: String, required: true },
    action: { type: String, required: true },
    from: { type: String, enum: [...TICKET_STATUSES, null] },
    to: { type: String, enum: TICKET_STATUSES, required: true },
    note: String,
    agency: String,
    fromAgency: String,
    ticket: String,
  },
  { _id: false },
);

const follower = new Schema(
  {
    channel: { type: String, enum: CHANNELS, required: true },
    channelUserId: String,
    name: String,
    phone: String,
    email: String,
    address: String,
    at: { type: Date, required: true },
    via: { type: String, enum: ['nearby', 'merge'], required: true },
    description: String,
    attachments: { type: [attachment], default: undefined },
    location: { type: new Schema({ latitude: Number, longitude: Number, address: String }, { _id: false }), default: undefined },
    intake: { type: new Schema({ messageId: String, conversationKey: String, session: Number }, { _id: false }), default: undefined },
    fromTicket: String,
  },
  { _id: false },
);

const dueFields = DUE_FIELDS;

// `_id` is the ticket number, so every look-up and conditional update goes by key.
export const ticketSchema = new Schema<Ticket & { _id: string }>(
  {
    _id: { type: String, required: true },
    number: { type: String, required: true },
    status: { type: String, enum: TICKET_STATUSES, required: true },
    channel: { type: String, enum: CHANNELS, required: true },
    reporter: {
      name: String,
      phone: String,
      email: String,
      address: String,
      channelUserId: String,
    },
    category: { type: String, required: true },
    agency: String,
    forwardedTo: String,
    owner: String,
    intake: { type: new Schema({ messageId: String, conversationKey: String, session: Number }, { _id: false }), default: undefined },
    description: { type: String, required: true },
    attachments: { type: [attachment], default: [] },
    location: { latitude: Number, longitude: Number, address: String },
    result: {
      type: new Schema({ text: String, attachments: [attachment], at: Date, by: String }, { _id: false }),
      default: undefined,
    },
    closeReason: { type: String, enum: CLOSE_REASONS },
    due: Object.fromEntries(dueFields.map((f) => [f, Date])),
    deadline: { type: new Schema({ kind: String, start: Date, at: Date }, { _id: false }), default: undefined },
    firstRespondedAt: Date,
    resolvedAt: Date,
    closedAt: Date,
    reopenCount: { type: Number, default: 0 },
    slaBreaches: { type: [new Schema({ kind: String, at: Date, agency: String, key: String }, { _id: false })], default: undefined },
    history: { type: [historyEntry], default: [] },
    notes: { type: [new Schema({ at: Date, author: String, text: String }, { _id: false })], default: undefined },
    labels: { type: [String], default: undefined },
    followers: { type: [follower], default: undefined },
    followerCount: Number,
    mergedInto: String,
    publicToken: String,
    geo: { type: new Schema({ type: { type: String, enum: ['Point'] }, coordinates: [Number] }, { _id: false }), default: undefined },
    satisfaction: { type: new Schema({ score: Number, at: Date, by: String }, { _id: false }), default: undefined },
    anonymisedAt: Date,
    photosRemovedAt: Date,
    version: { type: Number, required: true, default: 0 },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'tickets', versionKey: false, minimize: true },
);

ticketSchema.index({ number: 1 }, { unique: true });
for (const field of dueFields) ticketSchema.index({ status: 1, [`due.${field}`]: 1 });
ticketSchema.index({ agency: 1, status: 1, createdAt: -1 });
ticketSchema.index({ 'reporter.channelUserId': 1, channel: 1, createdAt: -1 });
ticketSchema.index({ status: 1, createdAt: -1 });
ticketSchema.index({ createdAt: -1 });
ticketSchema.index({ 'deadline.at': 1, _id: 1 });
ticketSchema.index({ owner: 1, createdAt: -1 });
ticketSchema.index({ labels: 1, createdAt: -1 });
ticketSchema.index({ 'intake.messageId': 1 });
// The inbox list sorted by agency (newest first within one), and the reporter's phone and email a search or a caller
// lookup names (a search's unanchored regex scans these keys instead of the documents on MongoDB; FerretDB scans).
ticketSchema.index({ agency: 1, createdAt: -1, _id: -1 });
// The inbox list sorted by how many citizens reported the problem (reporter and followers), the most first.
ticketSchema.index({ followerCount: -1, createdAt: -1, _id: -1 });
ticketSchema.index({ 'reporter.phone': 1 });
ticketSchema.index({ 'reporter.email': 1 });
// Ratings given in a period, per agency (the dashboard's and the monev report's satisfaction).
ticketSchema.index({ 'satisfaction.at': 1, agency: 1 });

// The retention job's sweep: finished tickets by when they finished (src/storage/retention-store.ts).
ticketSchema.index({ status: 1, closedAt: 1 });

export type TicketModel = Model<Ticket & { _id: string }>;

export function ticketModel(connection: Connection): TicketModel {
  return connection.models.Ticket as TicketModel | undefined ?? connection.model<Ticket & { _id: string }>('Ticket', ticketSchema);
}
