// What the router promises its callers (channels, the inbox, the scheduler):
// what became of a message, how a notice is marked, and the error a stopping
// service answers with. Kept apart from router.ts, which is the machinery.

/** Told the ticket number whenever a person's message joins a ticket's thread (the inbox's live updates). */
export type TicketMessageListener = (ticketNumber: string) => void;

/** Marks what `notify` sends: the ticket it belongs to, and the operator who wrote it. */
export interface NotifyOptions {
  readonly ticketNumber?: string;
  readonly author?: string;
  /**
   * Makes the notice once-only (e.g. `confirmationAsk:ADU-2611-00042:v5`): the key is stored
   * with the conversation's state, and a notify with a key among the last ones kept (router.ts, NOTICE_KEYS_KEPT) sends nothing.
   */
  readonly key?: string;
}

/** What became of a message. `setAside`: no handler could place it (the channel keeps it for a person). */
export interface Handled {
  readonly id: string;
  readonly duplicate: boolean;
  readonly setAside?: string;
}

/** The service is stopping: the message was not taken (the channel keeps it and delivers it again). */
export class RouterStoppedError extends Error {
  /** A webhook answered 503 is delivered again by the platform (Meta, Telegram). */
  readonly statusCode = 503;
  constructor() {
    super('the service is stopping');
    this.name = 'RouterStoppedError';
  }
}
