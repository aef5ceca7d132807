// The conversation router: every channel hands its messages here. A message
// is written to the inbound log first (a redelivery stops there), then
// processed under the conversation's lease: commands, the flow engine, the
// effects it asks for, the replies into the outbox, the new state.
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { OutboxDispatcher } from '../outbox/dispatcher.js';
import type { NewOutbound } from '../outbox/store.js';
import type { TicketService } from '../tickets/service.js';
import { answerConfirm } from './answers.js';
import { parseCommand } from './commands.js';
import { FlowEffects } from './effects.js';
import { type EngineContext, FlowEngine, type Outcome } from './engine.js';
import type { Faq } from './faq.js';
import type { Flow } from './flow.js';
import { type ChannelCapabilities, conversationKey, type InboundMessage, inboundMessageSchema, type OutboundMessage } from './messages.js';
import { KeyedQueue } from './keyed-queue.js';
import { Semaphore } from './semaphore.js';
import { normalisePhone } from './phone.js';
import type { ConversationRecord, ConversationStore, InboundLog, RecordedInbound } from './ports.js';
import { type ConversationState, type FlowData, idleState } from './state.js';
import type { Texts, TextVars } from './texts.js';

export type RouterConfig = Pick<Config, 'city' | 'categories' | 'agencies' | 'forwarding' | 'limits' | 'conversation' | 'ticketNumber' | 'leases'>;

export interface RouterDeps {
  readonly inbound: InboundLog;
  readonly conversations: ConversationStore;
  readonly outbox: OutboxDispatcher;
  readonly tickets: TicketService;
  readonly faq: Faq;
  readonly texts: Texts;
  readonly flow: Flow;
  readonly config: RouterConfig;
  readonly capabilities: (channel: InboundMessage['channel']) => ChannelCapabilities;
  readonly logger: Logger;
  /** Names this process in conversation leases. */
  readonly instanceId: string;
  readonly clock?: () => Date;
  /** Messages processed at once in this process (default 8); more wait their turn. */
  readonly maxConcurrent?: number;
  /** Told how long each message took to process, from taking its turn to its replies being stored. */
  readonly onProcessed?: (milliseconds: number) => void;
}

const LEASE_WAIT_MS = 25;

/** What one turn produces before it is stored. */
interface Turn {
  state: ConversationState;
  replies: OutboundMessage[];
  session: number;
  ticketNumber: string | undefined;
}

/** Told the ticket number whenever a person's message joins a ticket's thread (the inbox's live updates). */
export type TicketMessageListener = (ticketNumber: string) => void;

/** Marks what `notify` sends: the ticket it belongs to, and the operator who wrote it. */
export interface NotifyOptions {
  readonly ticketNumber?: string;
  readonly author?: string;
  /**
   * Makes the notice once-only (e.g. `confirmationAsk:ADU-2611-00042:v5`): the key is stored
   * with the conversation's state, and a notify with a key among the last NOTICE_KEYS_KEPT sends nothing.
   */
  readonly key?: string;
}

/** How many notice keys a conversation remembers. */
const NOTICE_KEYS_KEPT = 50;

/** The service is stopping: the message was not taken (the channel keeps it and delivers it again). */
export class RouterStoppedError extends Error {
  /** A webhook answered 503 is delivered again by the platform (Meta, Telegram). */
  readonly statusCode = 503;
  constructor() {
    super('the service is stopping');
    this.name = 'RouterStoppedError';
  }
}

export class ConversationRouter {
  private readonly ticketMessageListeners: TicketMessageListener[] = [];
  private readonly active = new Set<Promise<unknown>>();
  private stopping = false;
  private readonly queue = new KeyedQueue();
  private readonly slots: Semaphore;
  private readonly clock: () => Date;
  private readonly effects: FlowEffects;

  constructor(private readonly deps: RouterDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.effects = new FlowEffects(deps);
    this.slots = new Semaphore(deps.maxConcurrent ?? 8);
  }

  /**
   * Records and processes one message; resolves once its replies are in the
   * outbox. Messages of one conversation are taken in the order of the calls.
   */
  handle(input: InboundMessage): Promise<{ id: string; duplicate: boolean }> {
    if (this.stopping) return Promise.reject(new RouterStoppedError());
    const message = inboundMessageSchema.parse(input) as InboundMessage;
    const key = conversationKey(message.channel, message.channelUserId);
    return this.track(this.queue.run(key, () =>
      this.slots.run(async () => {
        const started = performance.now();
        const recorded = await this.deps.inbound.record(message, key, this.clock());
        if (recorded.duplicate) {
          this.deps.logger.info({ channel: message.channel }, 'duplicate inbound message ignored');
          return recorded;
        }
        await this.process({ id: recorded.id, conversationKey: key, message });
        this.deps.onProcessed?.(performance.now() - started);
        return recorded;
      }),
    ));
  }

  /**
   * Shutdown: takes no new message or notice and waits for those taken (the
   * caller bounds the wait). A message recorded but not finished is recovered
   * by the next start.
   */
  async drain(): Promise<void> {
    this.stopping = true;
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.active.add(work);
    void work.then(() => this.active.delete(work), () => this.active.delete(work));
    return work;
  }

  /** Processes messages that were recorded but never processed (the process died in between). */
  async recover(olderThanMs = 0): Promise<number> {
    const pending = await this.deps.inbound.unprocessed(new Date(this.clock().getTime() - olderThanMs), 1_000);
    await Promise.all(pending.map((r) => this.queue.run(r.conversationKey, () => this.slots.run(() => this.process(r, true)))));
    if (pending.length > 0) this.deps.logger.info({ count: pending.length }, 'recovered unprocessed inbound messages');
    return pending.length;
  }

  /** Ends flows that have waited too long for an answer, telling the person. */
  async expireIdle(): Promise<number> {
    const expired = await this.deps.conversations.expired(this.clock(), 500);
    let count = 0;
    await Promise.all(
      expired.map(({ channel, channelUserId }) =>
        this.queue.run(conversationKey(channel, channelUserId), async () => {
          if (await this.expireOne(channel, channelUserId)) count++;
        }),
      ),
    );
    return count;
  }

  /**
   * Sends messages that no inbound message asked for (a job telling the
   * reporter about their ticket), in the conversation's order and under its
   * lease; `compose` gives the replies and the new state (e.g. awaiting a confirmation).
   * Resolves with the outbox ids of the messages.
   */
  notify(target: { channel: InboundMessage['channel']; channelUserId: string }, compose: (state: ConversationState) => { replies: OutboundMessage[]; state: ConversationState }, options: NotifyOptions = {}): Promise<string[]> {
    if (this.stopping) return Promise.reject(new RouterStoppedError());
    const key = conversationKey(target.channel, target.channelUserId);
    return this.track(this.queue.run(key, () =>
      this.slots.run(async () => {
        const conversation = await this.acquire(target.channel, target.channelUserId);
        try {
          if (options.key !== undefined && conversation.noticeKeys?.includes(options.key)) {
            // Sent before (a job retried after a crash, or ran twice): checked under the lease, so never twice.
            await this.deps.conversations.release(conversation.key, this.deps.instanceId);
            return [];
          }
          const current = conversation.state ?? idleState(this.deps.config.city.locale);
          const { replies, state } = compose(current);
          return await this.commit(conversation, { state, replies, session: conversation.session, ticketNumber: conversation.ticketNumber }, undefined, options);
        } catch (error) {
          await this.deps.conversations.release(conversation.key, this.deps.instanceId).catch(() => undefined);
          throw error;
        }
      }),
    ));
  }

  onTicketMessage(listener: TicketMessageListener): void {
    this.ticketMessageListeners.push(listener);
  }

  /** Texts in a conversation's language, for jobs composing notifications. */
  text(state: ConversationState, key: string, vars?: TextVars): string {
    return this.t(state, key, vars);
  }

  /** Whether a channel takes a whole report in one message (email), where commands such as MENU mean nothing. */
  isOneShot(channel: InboundMessage['channel']): boolean {
    return this.deps.capabilities(channel).oneShot;
  }

  get activeConversations(): number {
    return this.queue.size;
  }

  private async process(recorded: RecordedInbound, recovering = false): Promise<void> {
    const { message } = recorded;
    const conversation = await this.acquire(message.channel, message.channelUserId);
    try {
      if (recovering && !(await this.deps.inbound.isPending(recorded.id))) {
        // Another instance processed it while this one waited for the lease.
        await this.deps.conversations.release(conversation.key, this.deps.instanceId);
        return;
      }
      if (conversation.lastInboundId === recorded.id) {
        // Its effects were stored before a crash; only the mark is missing.
        await this.deps.inbound.markProcessed(recorded.id, { session: conversation.session, ...(conversation.ticketNumber ? { ticketNumber: conversation.ticketNumber } : {}) }, this.clock());
        await this.deps.conversations.release(conversation.key, this.deps.instanceId);
        return;
      }
      const turn = await this.turn(conversation, recorded, recovering);
      await this.commit(conversation, turn, recorded.id);
      await this.deps.inbound.markProcessed(recorded.id, { session: turn.session, ...(turn.ticketNumber ? { ticketNumber: turn.ticketNumber } : {}) }, this.clock());
      if (turn.ticketNumber) this.tellTicketMessage(turn.ticketNumber);
    } catch (error) {
      await this.deps.conversations.release(conversation.key, this.deps.instanceId).catch(() => undefined);
      throw error;
    }
  }

  private async expireOne(channel: InboundMessage['channel'], channelUserId: string): Promise<boolean> {
    const conversation = await this.acquire(channel, channelUserId);
    const state = conversation.state;
    const now = this.clock();
    if (!state?.flow || !conversation.expiresAt || conversation.expiresAt > now) {
      await this.deps.conversations.release(conversation.key, this.deps.instanceId);
      return false;
    }
    const turn: Turn = {
      state: idleState(state.locale, state.profile, state.pendingConfirmation),
      replies: [{ text: this.expiredText(state, channel) }],
      session: conversation.session,
      ticketNumber: conversation.ticketNumber,
    };
    await this.commit(conversation, turn, undefined);
    return true;
  }

  private async acquire(channel: InboundMessage['channel'], channelUserId: string): Promise<ConversationRecord> {
    const leaseMs = this.deps.config.leases.conversation;
    const deadline = Date.now() + leaseMs * 2;
    for (;;) {
      const now = this.clock();
      const conversation = await this.deps.conversations.acquire({ channel, channelUserId }, this.deps.instanceId, new Date(now.getTime() + leaseMs), now);
      if (conversation) return conversation;
      // Another instance is processing this conversation right now.
      if (Date.now() > deadline) throw new Error(`conversation ${channel} is locked by another instance`);
      await new Promise((resolve) => setTimeout(resolve, LEASE_WAIT_MS));
    }
  }

  private tellTicketMessage(ticketNumber: string): void {
    for (const listener of this.ticketMessageListeners) {
      try {
        listener(ticketNumber);
      } catch {
        // Live updates are a convenience; the message is stored either way.
      }
    }
  }

  private async commit(conversation: ConversationRecord, turn: Turn, inboundId: string | undefined, tag: NotifyOptions = {}): Promise<string[]> {
    const now = this.clock();
    const capabilities = this.deps.capabilities(conversation.channel);
    // One email per turn, not one per sentence.
    const replies = capabilities.oneShot ? mergeTexts(turn.replies) : turn.replies;
    const entries: NewOutbound[] = replies.map((reply, i) => ({
      conversationKey: conversation.key,
      channel: conversation.channel,
      channelUserId: conversation.channelUserId,
      session: turn.session,
      seq: conversation.outSeq + i + 1,
      ...((tag.ticketNumber ?? turn.ticketNumber) ? { ticketNumber: tag.ticketNumber ?? turn.ticketNumber } : {}),
      ...(tag.author ? { author: tag.author } : {}),
      message: capabilities.buttons ? reply : withNumberedChoices(reply),
    }));
    const ids = await this.deps.outbox.enqueue(entries);
    const waiting = turn.state.flow !== undefined;
    const saved = await this.deps.conversations.saveAndRelease(conversation.key, this.deps.instanceId, {
      state: turn.state,
      session: turn.session,
      outSeq: conversation.outSeq + entries.length,
      ...(inboundId ? { lastInboundId: inboundId } : {}),
      ticketNumber: turn.ticketNumber ?? null,
      lastActivityAt: now,
      expiresAt: waiting ? new Date(now.getTime() + (capabilities.oneShot ? this.deps.config.conversation.oneShotTimeout : this.deps.config.conversation.inactivityTimeout)) : null,
      ...(tag.key === undefined ? {} : { noticeKeys: [...(conversation.noticeKeys ?? []), tag.key].slice(-NOTICE_KEYS_KEPT) }),
    });
    if (!saved) throw new Error('the conversation lease expired before its state could be saved');
    return ids;
  }

  private async turn(conversation: ConversationRecord, recorded: RecordedInbound, recovering: boolean): Promise<Turn> {
    const { message } = recorded;
    const now = this.clock();
    let state = conversation.state ?? idleState(this.deps.config.city.locale);
    const replies: OutboundMessage[] = [];
    let session = conversation.session;
    let ticketNumber = conversation.ticketNumber;

    if (state.flow && conversation.expiresAt && conversation.expiresAt <= now) {
      // The expiry sweep has not run yet; the person still learns why the report is gone.
      replies.push({ text: this.expiredText(state, message.channel) });
      state = idleState(state.locale, state.profile, state.pendingConfirmation);
    }

    const engine = this.engine(message);
    const startFresh = (at?: string): Outcome => {
      session++;
      ticketNumber = undefined;
      return engine.start(idleState(state.locale, state.profile, state.pendingConfirmation), this.known(message), at);
    };
    let outcome: Outcome;
    const command = message.unsupported === undefined ? parseCommand(message.text) : undefined;
    const oneShot = this.deps.capabilities(message.channel).oneShot;
    // A report being filled in keeps its own questions; the confirmation waits for it to end.
    // A one-shot channel (email) answers it only in the ticket's thread: a new email saying
    // "Tidak ada lampu…" is a new report, not a "no".
    const confirmation =
      !state.flow && state.pendingConfirmation !== undefined && command === undefined && message.unsupported === undefined && (!oneShot || message.replyTo?.ticketNumber === state.pendingConfirmation)
        ? answerConfirm(message, this.t(state, 'yes'), this.t(state, 'no'))
        : undefined;
    const threadOf = command === undefined && !confirmation?.ok && message.replyTo ? await this.effects.ownTicket(message.replyTo.ticketNumber, message) : undefined;
    if (message.unsupported !== undefined) {
      outcome = { state, replies: [{ text: this.t(state, 'unsupported') }, ...engine.promptFor(state)] };
    } else if (command?.type === 'cancel') {
      outcome = { state: idleState(state.locale, state.profile, state.pendingConfirmation), replies: [{ text: this.t(state, 'cancelled') }] };
    } else if (command?.type === 'menu') {
      outcome = startFresh();
    } else if (command?.type === 'help') {
      outcome = { state, replies: [{ text: this.t(state, 'help') }, ...engine.promptFor(state)] };
    } else if (command?.type === 'language') {
      const switched = { ...state, locale: command.locale };
      outcome = { state: switched, replies: [{ text: this.t(switched, 'language_set') }, ...engine.promptFor(switched)] };
    } else if (command?.type === 'unknown') {
      outcome = { state, replies: [{ text: this.t(state, 'unknown_command') }, ...engine.promptFor(state)] };
    } else if (command?.type === 'status') {
      outcome = command.number
        ? { state, replies: [await this.effects.statusReply(command.number, state, message, this.known(message).phone), ...engine.promptFor(state)] }
        : startFresh('status_number');
    } else if (confirmation?.ok && state.pendingConfirmation !== undefined) {
      // The answer to "has the problem been solved?", asked by the confirmation job.
      const { pendingConfirmation, ...rest } = state;
      outcome = { state: rest, replies: [await this.effects.confirmResolution(pendingConfirmation, confirmation.value, message.text ?? '', state)] };
    } else if (threadOf) {
      // A reply in a ticket's thread joins the ticket (the operators read it there), whatever else is going on.
      ticketNumber = threadOf.number;
      outcome = { state, replies: [{ text: this.t(state, 'thread.recorded', { number: threadOf.number }) }] };
    } else if (!state.flow && !oneShot && command === undefined && state.operatorChat && Date.parse(state.operatorChat.until) > now.getTime()) {
      // An answer to an operator's message: it joins that ticket's thread for the operator to read; the bot stays quiet.
      // (Email threads by its headers instead: an unthreaded mail is a new report.)
      ticketNumber = state.operatorChat.ticket;
      outcome = { state, replies: [] };
    } else if (!state.flow && oneShot) {
      session++;
      ticketNumber = undefined;
      outcome = engine.startOneShot(idleState(state.locale, state.profile, state.pendingConfirmation), this.known(message), message);
    } else if (!state.flow) {
      outcome = startFresh();
    } else {
      outcome = engine.answer(state, message);
    }
    replies.push(...outcome.replies);
    state = outcome.state;

    // Effects: the engine pauses at an action step; carry it out, then continue or go back.
    for (let guard = 0; outcome.effect && guard < 5; guard++) {
      const effect = outcome.effect;
      const actionStep = outcome.state.step ?? '';
      const result = await this.effects.perform(effect.action, outcome.state, { message, recorded, session, recovering, knownPhone: this.known(message).phone });
      replies.push(...result.replies);
      if (result.ticket) ticketNumber = result.ticket.number;
      if (!result.ok) {
        state = { ...outcome.state, step: effect.retryStep };
        break;
      }
      outcome = engine.continueAfter(result.state ?? outcome.state, actionStep);
      replies.push(...outcome.replies);
      state = outcome.state;
    }
    return { state, replies, session, ticketNumber };
  }

  /** What the channel already knows about the sender, so the flow need not ask. */
  private known(message: InboundMessage): Partial<FlowData> {
    const capabilities = this.deps.capabilities(message.channel);
    const phone = capabilities.knowsPhone && message.sender?.phone ? normalisePhone(message.sender.phone) : undefined;
    return { ...(phone ? { phone } : {}), ...(message.sender?.email ? { email: message.sender.email } : {}) };
  }

  private engine(message: InboundMessage): FlowEngine {
    const { config, texts } = this.deps;
    const context: EngineContext = {
      texts,
      capabilities: this.deps.capabilities(message.channel),
      categories: config.categories,
      limits: config.limits,
      cityName: config.city.name,
      exampleTicketNumber: `${config.ticketNumber.prefix}-2611-00042`,
    };
    return new FlowEngine(this.deps.flow, context);
  }

  private expiredText(state: ConversationState, channel: InboundMessage['channel']): string {
    const { inactivityTimeout, oneShotTimeout } = this.deps.config.conversation;
    return this.deps.capabilities(channel).oneShot
      ? this.t(state, 'one_shot.expired', { days: Math.max(1, Math.round(oneShotTimeout / 86_400_000)) })
      : this.t(state, 'expired', { minutes: Math.round(inactivityTimeout / 60_000) });
  }

  private t(state: ConversationState, key: string, vars?: TextVars): string {
    return this.deps.texts.t(state.locale, key, vars);
  }
}

/** Consecutive text-only replies as one message, paragraphs apart; a photo stays a message of its own. */
function mergeTexts(replies: readonly OutboundMessage[]): OutboundMessage[] {
  const merged: OutboundMessage[] = [];
  for (const reply of replies) {
    const last = merged.at(-1);
    const plain = (m: OutboundMessage) => m.photo === undefined && m.request === undefined;
    if (last && plain(last) && plain(reply)) {
      merged[merged.length - 1] = { text: `${last.text}\n\n${reply.text}`, ...(last.choices || reply.choices ? { choices: [...(last.choices ?? []), ...(reply.choices ?? [])] } : {}) };
    } else {
      merged.push(reply);
    }
  }
  return merged;
}

/** Channels without buttons get the choices as a numbered list in the text. */
function withNumberedChoices(message: OutboundMessage): OutboundMessage {
  if (!message.choices?.length) return message;
  const list = message.choices.map((c, i) => `${String(i + 1)}. ${c.label}`).join('\n');
  const { choices: _choices, ...rest } = message;
  return { ...rest, text: `${message.text}\n${list}` };
}

