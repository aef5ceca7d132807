// A conversation rig on the real database: the real router, flows, texts
// and ticket service, and a channel whose capabilities a test chooses.
// People send messages and get back the replies their message produced.
import { randomBytes } from 'node:crypto';
import type { Config } from '../../src/config/schema.js';
import { type ChannelCapabilities, conversationKey, type InboundMessage, type OutboundMessage } from '../../src/conversation/messages.js';
import { type ConversationSetup, setUpConversation } from '../../src/conversation/setup.js';
import { createLogger } from '../../src/observability/logger.js';
import type { ChannelSender } from '../../src/outbox/sender.js';
import { openStorage, type Storage } from '../../src/storage/storage.js';
import type { Channel } from '../../src/tickets/model.js';
import { TicketService } from '../../src/tickets/service.js';
import { defaultConfig } from './config.js';
import type { TestDatabase } from './database.js';

export const WEB_CHAT: ChannelCapabilities = { knowsPhone: false, canRequestContact: false, canRequestLocation: true, buttons: true, oneShot: false };
export const PHONE_CHANNEL: ChannelCapabilities = { knowsPhone: true, canRequestContact: false, canRequestLocation: false, buttons: false, oneShot: false };

export interface Rig extends ConversationSetup {
  readonly config: Config;
  readonly storage: Storage;
  readonly tickets: TicketService;
  person(id?: string): Person;
}

export interface RigOptions {
  readonly channel?: Channel;
  readonly capabilities?: ChannelCapabilities;
  readonly configure?: (config: Config) => void;
  readonly clock?: () => Date;
}

export async function createRig(db: TestDatabase, options: RigOptions = {}): Promise<Rig> {
  const config = defaultConfig(options.configure);
  const storage = openStorage(db.connection, config);
  await storage.ensureIndexes();
  const tickets = new TicketService(storage.tickets, config, options.clock);
  const setup = setUpConversation(config, storage, tickets, createLogger({ level: 'silent' }));
  const channel = options.channel ?? 'webchat';
  // Pull delivery: replies are read back from the outbox, as the web chat's browser does.
  const sender: ChannelSender = { channel, capabilities: options.capabilities ?? WEB_CHAT, delivery: 'pull', send: () => Promise.resolve({}) };
  setup.outbox.register(sender);
  const rig: Rig = { ...setup, config, storage, tickets, person: (id = randomBytes(4).toString('hex')) => new Person(rig, channel, id) };
  return rig;
}

export class Person {
  private seq = 0;
  private count = 0;
  readonly key: string;

  constructor(private readonly rig: Rig, readonly channel: Channel, readonly id: string) {
    this.key = conversationKey(channel, id);
  }

  /** Sends a message and returns the replies it produced. */
  async send(message: Partial<InboundMessage>, messageId = `${this.id}-${String(++this.count)}-${randomBytes(3).toString('hex')}`): Promise<OutboundMessage[]> {
    await this.rig.router.handle({ channel: this.channel, channelUserId: this.id, messageId, at: new Date(), ...message });
    return this.replies();
  }

  say(text: string): Promise<OutboundMessage[]> {
    return this.send({ text });
  }

  /** Replies that arrived since the last look (also those produced by jobs such as expiry). */
  async replies(): Promise<OutboundMessage[]> {
    const records = await this.rig.storage.outbox.after(this.key, this.seq, 1_000);
    this.seq = records.at(-1)?.seq ?? this.seq;
    return records.map((r) => r.message);
  }
}

export const texts = (replies: readonly OutboundMessage[]): string => replies.map((r) => r.text).join('\n---\n');

export const TICKET_NUMBER = /ADU-\d{4}-\d{5}/;
