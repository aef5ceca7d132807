// The context of one inbound message as the handlers see it (grammY's
// Context is the model): the message, read-only; the conversation's state,
// which handlers replace; the channel's capabilities; `reply()` and
// `linkTicket()`; and the services a handler may call. The router builds
// it, runs the chain over it and commits what it holds.
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { TicketService } from '../tickets/service.js';
import { type Command, parseCommand } from './commands.js';
import type { DataRequestLog } from './data-requests.js';
import type { FlowEffects } from './effects.js';
import { type EngineContext, FlowEngine } from './engine.js';
import type { Flow } from './flow.js';
import type { ChannelCapabilities, InboundMessage, OutboundMessage } from './messages.js';
import { normalisePhone } from './phone.js';
import type { ConversationRecord, RecordedInbound } from './ports.js';
import type { ConversationState, FlowData } from './state.js';
import type { Texts, TextVars } from './texts.js';

export type RouterConfig = Pick<Config, 'city' | 'categories' | 'agencies' | 'forwarding' | 'limits' | 'conversation' | 'ticketNumber' | 'leases' | 'privacy' | 'duplicates' | 'public' | 'server'>;

/** What handlers may use besides the message: built once by the router. */
export interface TurnServices {
  readonly tickets: TicketService;
  readonly texts: Texts;
  readonly flow: Flow;
  readonly dataRequests: DataRequestLog;
  readonly effects: FlowEffects;
  readonly config: RouterConfig;
  readonly logger: Logger;
  capabilities(channel: InboundMessage['channel']): ChannelCapabilities;
}

/** Texts in the conversation's language and what the channel can do: what a notice needs to compose itself. */
export interface NoticeView {
  t(key: string, vars?: TextVars): string;
  readonly capabilities: ChannelCapabilities;
}

/**
 * A message nobody's message asked for (a job's question, an operator's
 * reply): its replies and the state it leaves. Each is written by the
 * handler that owns the part of the state it changes.
 */
export type Notice = (state: ConversationState, view: NoticeView) => { readonly replies: OutboundMessage[]; readonly state: ConversationState };

export class TurnContext implements NoticeView {
  readonly replies: OutboundMessage[] = [];
  /** Parsed once; several handlers ask. Undefined when the message is not a whole command. */
  readonly command: Command | undefined;
  readonly capabilities: ChannelCapabilities;
  readonly now: Date;
  state: ConversationState;
  /** Numbers the reports of this conversation; a new report starts a new session. */
  session: number;
  /** The ticket whose thread this message joins, if any. */
  ticketNumber: string | undefined;
  private aside: string | undefined;
  private flowEngine: FlowEngine | undefined;

  constructor(
    readonly services: TurnServices,
    readonly recorded: RecordedInbound,
    readonly conversation: ConversationRecord,
    state: ConversationState,
    /** The message is processed again after a crash: what it did may be done already. */
    readonly recovering: boolean,
    now: Date,
  ) {
    this.now = now;
    this.state = state;
    this.session = conversation.session;
    this.ticketNumber = conversation.ticketNumber;
    this.capabilities = services.capabilities(recorded.message.channel);
    this.command = recorded.message.unsupported === undefined ? parseCommand(recorded.message.text) : undefined;
  }

  get message(): InboundMessage {
    return this.recorded.message;
  }

  reply(...messages: OutboundMessage[]): void {
    this.replies.push(...messages);
  }

  /** This message belongs to the ticket's thread (the operators read it there). */
  linkTicket(number: string): void {
    this.ticketNumber = number;
  }

  /** A new report starts: its messages are a session of their own and belong to no ticket yet. */
  startSession(): void {
    this.session++;
    this.ticketNumber = undefined;
  }

  /** No handler could place the message (an agency mail about an unknown ticket): the channel keeps it for a person. */
  setAside(reason: string): void {
    this.aside = reason;
  }

  get setAsideReason(): string | undefined {
    return this.aside;
  }

  t(key: string, vars?: TextVars): string {
    return this.services.texts.t(this.state.locale, key, vars);
  }

  /** What the channel already knows about the sender, so the flow need not ask. */
  get known(): Partial<FlowData> {
    const { sender } = this.message;
    const phone = this.capabilities.knowsPhone && sender?.phone ? normalisePhone(sender.phone) : undefined;
    return { ...(phone ? { phone } : {}), ...(sender?.email ? { email: sender.email } : {}) };
  }

  get engine(): FlowEngine {
    this.flowEngine ??= new FlowEngine(this.services.flow, engineContext(this.services.config, this.services.texts, this.capabilities));
    return this.flowEngine;
  }
}

export function engineContext(config: RouterConfig, texts: Texts, capabilities: ChannelCapabilities): EngineContext {
  return {
    texts,
    capabilities,
    categories: config.categories,
    limits: { ...config.limits, joinWindowMs: config.conversation.joinWindow },
    cityName: config.city.name,
    exampleTicketNumber: `${config.ticketNumber.prefix}-2611-00042`,
  };
}
