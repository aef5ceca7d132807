// Builds the conversation side of the service from configuration and
// storage: texts, flows, FAQ, outbox dispatcher and router.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import { type DispatcherOptions, OutboxDispatcher } from '../outbox/dispatcher.js';
import type { Storage } from '../storage/storage.js';
import type { TicketService } from '../tickets/service.js';
import { loadFaq } from './faq.js';
import { loadFlows } from './flow.js';
import type { ChannelCapabilities } from './messages.js';
import { ConversationRouter } from './router.js';
import { loadTexts } from './texts.js';

const ROOT = new URL('../../', import.meta.url);
export const FLOWS_DIR = fileURLToPath(new URL('flows/', ROOT));
export const LOCALES_DIR = fileURLToPath(new URL('flows/locales/', ROOT));
export const FAQ_FILE = fileURLToPath(new URL('config/faq.yaml', ROOT));

/** A channel nobody registered a sender for yet (e.g. operator-entered phone complaints): plain text. */
const TEXT_ONLY: ChannelCapabilities = { knowsPhone: false, canRequestContact: false, canRequestLocation: false, buttons: false, oneShot: false };

export interface ConversationSetup {
  readonly router: ConversationRouter;
  readonly outbox: OutboxDispatcher;
}

export interface ConversationOptions {
  readonly outbox?: DispatcherOptions;
  readonly onProcessed?: (milliseconds: number) => void;
  readonly maxConcurrent?: number;
}

export function setUpConversation(config: Config, storage: Storage, tickets: TicketService, logger: Logger, options: ConversationOptions = {}): ConversationSetup {
  const texts = loadTexts(LOCALES_DIR);
  const flow = loadFlows(FLOWS_DIR, texts).get('complaint');
  if (!flow) throw new Error(`${FLOWS_DIR}complaint.yaml is missing`);
  const outbox = new OutboxDispatcher(storage.outbox, logger, {
    baseBackoffMs: config.outbox.retryBase,
    maxBackoffMs: config.outbox.retryMax,
    maxAttempts: config.outbox.maxAttempts,
    claimMs: config.leases.outboxClaim,
    settleMs: config.conversation.settleWindow,
    onUndeliverable: (record, reason) => storage.conversations.markUnreachable(record.conversationKey, reason, new Date()),
    ...options.outbox,
  });
  const router = new ConversationRouter({
    inbound: storage.inbound,
    conversations: storage.conversations,
    outbox,
    tickets,
    faq: loadFaq(FAQ_FILE),
    texts,
    flow,
    dataRequests: storage.dataRequests,
    config,
    capabilities: (channel) => outbox.sender(channel)?.capabilities ?? TEXT_ONLY,
    logger,
    instanceId: `${hostname()}:${String(process.pid)}:${randomBytes(3).toString('hex')}`,
    ...(options.onProcessed ? { onProcessed: options.onProcessed } : {}),
    maxConcurrent: options.maxConcurrent ?? config.conversation.maxConcurrent,
  });
  return { router, outbox };
}
