// The conversation router: every channel hands its messages here. A message
// is written to the inbound log first (a redelivery stops there), then
// processed under the conversation's lease: the chain of handlers
// (handlers/index.ts) decides what it means; the router commits what they
// produced: the replies into the outbox, the new state, the message marked.
import type { Logger } from '../observability/logger.js';
import type { OutboxDispatcher } from '../outbox/dispatcher.js';
import type { NewOutbound } from '../outbox/store.js';
import type { TicketService } from '../tickets/service.js';
import { compose, type Handler } from './chain.js';
import { type Notice, type RouterConfig, TurnContext, type TurnServices } from './context.js';
import { FlowEffects } from './effects.js';
import type { Faq } from './faq.js';
import type { Flow } from './flow.js';
import { expire } from './handlers/expiry.js';
import { HANDLERS } from './handlers/index.js';
import { type ChannelCapabilities, conversationKey, type InboundMessage, inboundMessageSchema, type OutboundMessage } from './messages.js';
import { KeyedQueue } from './keyed-queue.js';
import { shapeForChannel } from './reply-shape.js';
import { Semaphore } from './semaphore.js';
import type { DataRequestLog } from './data-requests.js';
import type { ConversationRecord, ConversationStore, InboundLog, RecordedInbound } from './ports.js';
import { type Handled, type NotifyOptions, RouterStoppedError, type TicketMessageListener } from './router-types.js';
import { type ConversationState, idleState } from './state.js';
import type { Texts } from './texts.js';

export type { RouterConfig } from './context.js';
export { type Handled, type NotifyOptions, RouterStoppedError, type TicketMessageListener } from './router-types.js';

export interface RouterDeps {
  readonly inbound: InboundLog;
  readonly conversations: ConversationStore;
  readonly outbox: OutboxDispatcher;
  readonly tickets: TicketService;
  readonly faq: Faq;
  readonly texts: Texts;
  readonly flow: Flow;
  /** Where a citizen's "hapus data saya" is recorded. */
  readonly dataRequests: DataRequestLog;
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
  /** The chain (tests may give a shorter one); default handlers/index.ts. */
  readonly handlers?: readonly Handler[];
}

const LEASE_WAIT_MS = 25;

/** What one turn produces before it is stored. */
interface Turn {
  readonly state: ConversationState;
  readonly replies: readonly OutboundMessage[];
  readonly session: number;
  readonly ticketNumber: string | undefined;
}

/** How many notice keys a conversation remembers. */
const NOTICE_KEYS_KEPT = 50;

export class ConversationRouter {
  private readonly ticketMessageListeners: TicketMessageListener[] = [];
  private readonly active = new Set<Promise<unknown>>();
  private stopping = false;
  private readonly queue = new KeyedQueue();
  private readonly slots: Semaphore;
  private readonly clock: () => Date;
  private readonly services: TurnServices;
  private readonly chain: (ctx: TurnContext) => Promise<void>;

  constructor(private readonly deps: RouterDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.slots = new Semaphore(deps.maxConcurrent ?? 8);
    this.services = { tickets: deps.tickets, texts: deps.texts, flow: deps.flow, dataRequests: deps.dataRequests, effects: new FlowEffects(deps), config: deps.config, logger: deps.logger, capabilities: deps.capabilities };
    this.chain = compose(deps.handlers ?? HANDLERS);
  }

  /**
   * Records and processes one message; resolves once its replies are in the
   * outbox. Messages of one conversation are taken in the order of the calls.
   */
  handle(input: InboundMessage): Promise<Handled> {
    if (this.stopping) return Promise.reject(new RouterStoppedError());
    const message = inboundMessageSchema.parse(input) as InboundMessage;
    const key = conversationKey(message.channel, message.channelUserId);
    return this.track(this.queue.run(key, () =>
      this.slots.run(async () => {
        const started = performance.now();
        const recorded = await this.deps.inbound.record(message, key, this.clock());
        // A redelivery of a message still unprocessed: the instance that recorded it died (no restart will
        // recover it there), or still works on it; processing it as a recovery waits for that one's lease.
        const orphan = recorded.duplicate && (await this.deps.inbound.isPending(recorded.id));
        if (recorded.duplicate && !orphan) {
          this.deps.logger.info({ channel: message.channel }, 'duplicate inbound message ignored');
          return recorded;
        }
        const setAside = await this.process({ id: recorded.id, conversationKey: key, message }, orphan);
        this.deps.onProcessed?.(performance.now() - started);
        return { ...recorded, ...(setAside === undefined ? {} : { setAside }) };
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
   * reporter about their ticket, an operator's reply), in the conversation's
   * order and under its lease. The notice, written by the handler that owns
   * the state it changes, gives the replies and the new state. Resolves with
   * the outbox ids of the messages.
   */
  notify(target: { channel: InboundMessage['channel']; channelUserId: string }, notice: Notice, options: NotifyOptions = {}): Promise<string[]> {
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
          const { replies, state } = notice(current, { t: (k, vars) => this.deps.texts.t(current.locale, k, vars), capabilities: this.deps.capabilities(target.channel) });
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

  get activeConversations(): number {
    return this.queue.size;
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.active.add(work);
    void work.then(() => this.active.delete(work), () => this.active.delete(work));
    return work;
  }

  /** Runs the chain over one recorded message and commits it; returns why it was set aside, if it was. */
  private async process(recorded: RecordedInbound, recovering = false): Promise<string | undefined> {
    const { message } = recorded;
    const lease = { waited: false };
    const conversation = await this.acquire(message.channel, message.channelUserId, lease);
    try {
      // A lease waited for may have been held by an instance that took this same message (a redelivery).
      if ((recovering || lease.waited) && !(await this.deps.inbound.isPending(recorded.id))) {
        // Another instance processed it while this one waited for the lease.
        await this.deps.conversations.release(conversation.key, this.deps.instanceId);
        return undefined;
      }
      if (conversation.lastInboundId === recorded.id) {
        // Its effects were stored before a crash; only the mark is missing.
        await this.deps.inbound.markProcessed(recorded.id, { session: conversation.session, ...(conversation.ticketNumber ? { ticketNumber: conversation.ticketNumber } : {}) }, this.clock());
        await this.deps.conversations.release(conversation.key, this.deps.instanceId);
        return undefined;
      }
      const ctx = new TurnContext(this.services, recorded, conversation, conversation.state ?? idleState(this.deps.config.city.locale), recovering, this.clock());
      await this.chain(ctx);
      await this.commit(conversation, { state: ctx.state, replies: ctx.replies, session: ctx.session, ticketNumber: ctx.ticketNumber }, recorded.id);
      await this.deps.inbound.markProcessed(recorded.id, { session: ctx.session, ...(ctx.ticketNumber ? { ticketNumber: ctx.ticketNumber } : {}) }, this.clock());
      if (ctx.ticketNumber) this.tellTicketMessage(ctx.ticketNumber);
      return ctx.setAsideReason;
    } catch (error) {
      await this.deps.conversations.release(conversation.key, this.deps.instanceId).catch(() => undefined);
      throw error;
    }
  }

  private async expireOne(channel: InboundMessage['channel'], channelUserId: string): Promise<boolean> {
    const conversation = await this.acquire(channel, channelUserId);
    const state = conversation.state;
    if (!state?.flow || !conversation.expiresAt || conversation.expiresAt > this.clock()) {
      await this.deps.conversations.release(conversation.key, this.deps.instanceId);
      return false;
    }
    const ended = expire(state, { t: (key, vars) => this.deps.texts.t(state.locale, key, vars), capabilities: this.deps.capabilities(channel) }, this.deps.config);
    await this.commit(conversation, { ...ended, session: conversation.session, ticketNumber: conversation.ticketNumber }, undefined);
    return true;
  }

  private async acquire(channel: InboundMessage['channel'], channelUserId: string, lease: { waited: boolean } = { waited: false }): Promise<ConversationRecord> {
    const leaseMs = this.deps.config.leases.conversation;
    const deadline = Date.now() + leaseMs * 2;
    for (;;) {
      const now = this.clock();
      const conversation = await this.deps.conversations.acquire({ channel, channelUserId }, this.deps.instanceId, new Date(now.getTime() + leaseMs), now);
      if (conversation) return conversation;
      // Another instance is processing this conversation right now.
      lease.waited = true;
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
    const entries: NewOutbound[] = shapeForChannel(turn.replies, capabilities).map((reply, i) => ({
      conversationKey: conversation.key,
      channel: conversation.channel,
      channelUserId: conversation.channelUserId,
      session: turn.session,
      seq: conversation.outSeq + i + 1,
      ...((tag.ticketNumber ?? turn.ticketNumber) ? { ticketNumber: tag.ticketNumber ?? turn.ticketNumber } : {}),
      ...(tag.author ? { author: tag.author } : {}),
      message: reply,
    }));
    const ids = await this.deps.outbox.enqueue(entries);
    const waiting = turn.state.flow !== undefined;
    const saved = await this.deps.conversations.saveAndRelease(conversation.key, this.deps.instanceId, {
      state: turn.state,
      session: turn.session,
      outSeq: conversation.outSeq + entries.length,
      ...(inboundId ? { lastInboundId: inboundId } : {}),
      ...(tag.key === undefined ? {} : { noticeKeys: [...(conversation.noticeKeys ?? []), tag.key].slice(-NOTICE_KEYS_KEPT) }),
      ticketNumber: turn.ticketNumber ?? null,
      lastActivityAt: now,
      expiresAt: waiting ? new Date(now.getTime() + (capabilities.oneShot ? this.deps.config.conversation.oneShotTimeout : this.deps.config.conversation.inactivityTimeout)) : null,
    });
    if (!saved) throw new Error('the conversation lease expired before its state could be saved');
    return ids;
  }
}
