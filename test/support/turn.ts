// One handler run on one message, without a router: the real texts, flow and
// configuration; a ticket service on the test database when a handler needs
// tickets. Says what the handler did with the context and whether it passed
// the message on.
import type { Config } from '../../src/config/schema.js';
import type { Handler } from '../../src/conversation/chain.js';
import { TurnContext, type TurnServices } from '../../src/conversation/context.js';
import type { DataRequestLog } from '../../src/conversation/data-requests.js';
import { FlowEffects } from '../../src/conversation/effects.js';
import { loadFaq } from '../../src/conversation/faq.js';
import { loadFlows } from '../../src/conversation/flow.js';
import type { ChannelCapabilities, InboundMessage } from '../../src/conversation/messages.js';
import type { ConversationRecord } from '../../src/conversation/ports.js';
import { FAQ_FILE, FLOWS_DIR, LOCALES_DIR } from '../../src/conversation/setup.js';
import { type ConversationState, idleState } from '../../src/conversation/state.js';
import { loadTexts } from '../../src/conversation/texts.js';
import { createLogger } from '../../src/observability/logger.js';
import { TicketService } from '../../src/tickets/service.js';
import type { TicketStore } from '../../src/tickets/store.js';
import { defaultConfig } from './config.js';
import { WEB_CHAT } from './conversation.js';

const texts = loadTexts(LOCALES_DIR);
const flow = loadFlows(FLOWS_DIR, texts).get('complaint');

export interface TurnOptions {
  readonly state?: Partial<ConversationState>;
  readonly capabilities?: ChannelCapabilities;
  readonly conversation?: Partial<ConversationRecord>;
  readonly tickets?: TicketService;
  readonly config?: Config;
  readonly now?: Date;
}

export interface TurnResult {
  readonly ctx: TurnContext;
  /** The handler passed the message on to the rest of the chain. */
  readonly passed: boolean;
}

/** A message as a channel would hand it over (web chat by default). */
export function inbound(fields: Partial<InboundMessage>): InboundMessage {
  return { channel: 'webchat', channelUserId: 'warga-1', messageId: `m-${String(Math.random()).slice(2)}`, at: new Date(), ...fields };
}

export async function runHandler(handler: Handler, message: InboundMessage, options: TurnOptions = {}): Promise<TurnResult> {
  if (!flow) throw new Error('flows/complaint.yaml is missing');
  const config = options.config ?? defaultConfig();
  // A handler that should not touch tickets fails loudly if it does.
  const noStore = new Proxy({}, { get: () => { throw new Error('this handler was not expected to use tickets'); } }) as TicketStore;
  const tickets = options.tickets ?? new TicketService(noStore, config);
  const logger = createLogger({ level: 'silent' });
  const services: TurnServices = {
    tickets,
    texts,
    flow,
    // A handler that should not record data requests fails loudly if it does.
    dataRequests: new Proxy({}, { get: () => { throw new Error('this handler was not expected to record data requests'); } }) as DataRequestLog,
    effects: new FlowEffects({ tickets, faq: loadFaq(FAQ_FILE), texts, config, logger }),
    config,
    logger,
    capabilities: () => options.capabilities ?? WEB_CHAT,
  };
  const key = `${message.channel}:${message.channelUserId}`;
  const conversation: ConversationRecord = { key, channel: message.channel, channelUserId: message.channelUserId, session: 1, outSeq: 0, ...options.conversation };
  const state: ConversationState = { ...idleState('id'), ...options.state };
  const ctx = new TurnContext(services, { id: `in:${message.channel}:${message.messageId}`, conversationKey: key, message }, conversation, state, false, options.now ?? new Date());
  let passed = false;
  await handler(ctx, () => {
    passed = true;
    return Promise.resolve();
  });
  return { ctx, passed };
}

export const textsOf = (ctx: TurnContext): string[] => ctx.replies.map((r) => r.text);
