// Delivers the outbox: at once after a message is enqueued; after a failure
// again when its backoff (or the platform's retry-after) ends, on a timer in
// this instance, which keeps the entry to itself meanwhile; and by the sweep
// for entries abandoned by an instance that died. Each entry is claimed
// atomically before sending, so two instances never send the same entry.
// A conversation's messages go out in order: one is sent only after the one
// before it was sent or failed for good.
import { KeyedQueue } from '../conversation/keyed-queue.js';
import type { Logger } from '../observability/logger.js';
import type { Channel } from '../tickets/model.js';
import { SendPauses } from './pauses.js';
import { DeliveryError, type ChannelSender } from './sender.js';
import type { NewOutbound, OutboundRecord, OutboxStore } from './store.js';

export interface DispatcherOptions {
  readonly maxAttempts?: number;
  /** How long a claimed entry belongs to its sender before the sweep may take it over. */
  readonly claimMs?: number;
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly clock?: () => Date;
  /** Retry on a timer when the wait ends (default). Off, only `sweep()` retries (tests with a fake clock). */
  readonly retryOnTimer?: boolean;
  /** How long a settling acknowledgement waits for a later one to replace it (0: sent at once). */
  readonly settleMs?: number;
  /** Told when a message can never be delivered (the person blocked the bot). */
  readonly onUndeliverable?: (record: OutboundRecord, reason: string) => Promise<void>;
}

export type OutboxListener = (conversationKey: string) => void;

/** A conversation whose next message waits for its retry in this instance, with the ones behind it. */
interface Lane {
  readonly waiting: OutboundRecord[];
  retryAt: number;
  timer?: NodeJS.Timeout;
}

type Outcome = { readonly kind: 'done' } | { readonly kind: 'wait'; readonly at: number; readonly reason: string };

const DONE: Outcome = { kind: 'done' };
/** Conversations whose last sent message this instance remembers (spares a read per message). */
const SETTLED_MEMORY = 10_000;

export class OutboxDispatcher {
  private readonly senders = new Map<Channel, ChannelSender>();
  private readonly listeners: OutboxListener[] = [];
  private readonly pauseListeners: ((channel: Channel, until: number) => void)[] = [];
  private readonly maxAttempts: number;
  private readonly claimMs: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly clock: () => Date;
  /** While waiting in this instance an entry is kept from the sweep of others this much longer. */
  private readonly holdMs: number;
  private readonly retryOnTimer: boolean;
  private readonly settleMs: number;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly onUndeliverable: DispatcherOptions['onUndeliverable'];
  private readonly queue = new KeyedQueue();
  private readonly lanes = new Map<string, Lane>();
  private readonly settledSeq = new Map<string, number>();
  private readonly pauses = new SendPauses();
  private stopped = false;

  constructor(private readonly store: OutboxStore, private readonly logger: Logger, options: DispatcherOptions = {}) {
    this.onUndeliverable = options.onUndeliverable;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.claimMs = options.claimMs ?? 60_000;
    this.baseBackoffMs = options.baseBackoffMs ?? 2_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 15 * 60_000;
    this.clock = options.clock ?? (() => new Date());
    this.retryOnTimer = options.retryOnTimer ?? true;
    this.holdMs = this.retryOnTimer ? this.claimMs : 0;
    this.settleMs = options.settleMs ?? 0;
  }

  register(sender: ChannelSender): void {
    this.senders.set(sender.channel, sender);
  }

  sender(channel: Channel): ChannelSender | undefined {
    return this.senders.get(channel);
  }

  /** Told when a platform paused a whole channel (a limit on the bot, not on one chat): the other instances must wait too. */
  onChannelPaused(listener: (channel: Channel, until: number) => void): void {
    this.pauseListeners.push(listener);
  }

  /** A channel's pause learned by another instance: this one's sends of the channel wait for it as well. */
  pauseChannel(channel: Channel, until: number): void {
    this.pauses.pause('channel', channel, '', until);
  }

  /** Called with a conversation key whenever it has new outbound messages (the web chat's long poll). */
  onEnqueued(listener: OutboxListener): void {
    this.listeners.push(listener);
  }

  /**
   * Stores one conversation's new entries. Push channels get them delivered
   * at once in the background, by this instance, which holds them (claimed)
   * for `claimMs`; if it dies first, the sweep takes them over.
   */
  async enqueue(entries: readonly NewOutbound[]): Promise<string[]> {
    const first = entries[0];
    if (!first) return [];
    const now = this.clock();
    const sender = this.senders.get(first.channel);
    const push = sender?.delivery === 'push';
    const settles = push && this.settleMs > 0 && entries.some((e) => e.message.settle !== undefined);
    // Another acknowledgement of the same kind right after the last one (the next photo of an album): it replaces that one if it has not gone out.
    if (settles && first.seq > 1) await this.store.supersede(first.conversationKey, first.seq - 1, 'photos');
    const claimedUntil = new Date(now.getTime() + this.claimMs);
    const records = await this.store.enqueue(entries, now, push ? { kind: 'claimed', claimedUntil, ...(settles ? { settleUntil: new Date(now.getTime() + this.settleMs) } : {}) } : { kind: 'delivered' });
    for (const listener of this.listeners) listener(first.conversationKey);
    if (push && records.length > 0) this.track(this.queue.run(first.conversationKey, () => this.deliverInOrder(first.conversationKey, records, true)));
    return records.map((r) => r.id);
  }

  /** Sends what is due and what a dead instance abandoned; run by the scheduler. Returns how many entries were attempted. */
  async sweep(limit = 500): Promise<number> {
    const due = await this.store.due(this.clock(), limit);
    const byConversation = new Map<string, OutboundRecord[]>();
    for (const record of due) byConversation.set(record.conversationKey, [...(byConversation.get(record.conversationKey) ?? []), record]);
    await Promise.all([...byConversation].map(([key, records]) => this.queue.run(key, () => this.deliverInOrder(key, records, false))));
    return due.length;
  }

  /** Waits for the sends in progress (tests, shutdown); retries waiting for their time are not waited for. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Shutdown: no retry starts any more; the sends in progress finish (the
   * caller bounds the wait); entries waiting for a retry are handed back, so
   * the next instance retries them when their time comes, not `claimMs` later.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const lane of this.lanes.values()) clearTimeout(lane.timer);
    await this.idle();
    const waiting = [...this.lanes.values()];
    this.lanes.clear();
    for (const lane of waiting) await this.handBack(lane);
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch((error: unknown) => { this.logger.error({ err: error }, 'outbox delivery crashed'); }).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /**
   * Sends one conversation's records in order (called in the conversation's
   * turn of `queue`). After one has to wait, the rest wait behind it.
   */
  private async deliverInOrder(key: string, records: readonly OutboundRecord[], claimed: boolean): Promise<void> {
    const lane = this.lanes.get(key);
    if (lane) {
      await this.holdBehind(lane, records, claimed);
      return;
    }
    for (const [i, record] of records.entries()) {
      const outcome = await this.deliver(record, claimed);
      if (outcome.kind === 'done') continue;
      const waiting: Lane = { waiting: [record], retryAt: outcome.at };
      await this.holdBehind(waiting, records.slice(i + 1), claimed, outcome.reason);
      await this.wait(key, waiting);
      return;
    }
  }

  /**
   * Records join a waiting conversation in their order (an earlier one the sweep took over from a dead
   * instance goes first, not behind the later one that waits for it). Records this instance holds are
   * handed back for the sweep of others to leave alone meanwhile; records it does not hold are only
   * remembered: whoever claims them first sends them, in order either way.
   */
  private async holdBehind(lane: Lane, records: readonly OutboundRecord[], claimed: boolean, reason = 'waiting for an earlier message'): Promise<void> {
    for (const record of records) {
      if (lane.waiting.some((r) => r.id === record.id)) continue;
      lane.waiting.push(record);
      lane.waiting.sort((a, b) => a.seq - b.seq);
      if (claimed && record.claimedUntil) await this.store.reschedule(record.id, new Date(lane.retryAt + this.holdMs + record.seq), reason, { claim: record.claimedUntil });
    }
  }

  private async wait(key: string, lane: Lane): Promise<void> {
    if (!this.retryOnTimer) return; // the sweep retries them
    if (this.stopped) {
      await this.handBack(lane);
      return;
    }
    this.lanes.set(key, lane);
    lane.timer = setTimeout(() => {
      // The lane goes in the conversation's turn: whatever is queued before it still sees it and waits behind.
      this.track(this.queue.run(key, async () => {
        if (this.lanes.get(key) === lane) this.lanes.delete(key);
        if (this.stopped) await this.handBack(lane);
        else await this.deliverInOrder(key, lane.waiting, false);
      }));
    }, Math.max(0, lane.retryAt - this.clock().getTime()));
  }

  /** Entries waiting here become due at their own time for whichever instance comes next. */
  private async handBack(lane: Lane): Promise<void> {
    for (const [i, record] of lane.waiting.entries()) await this.store.reschedule(record.id, new Date(lane.retryAt + i), 'waiting for its retry when the service stopped');
  }

  /** Sends one record, or says until when it has to wait (rescheduled already). */
  private async deliver(record: OutboundRecord, claimedBatch: boolean): Promise<Outcome> {
    // A settling acknowledgement in a batch of new entries is stored waiting, not claimed.
    const claim = claimedBatch ? record.claimedUntil : undefined;
    const alreadyClaimed = claim !== undefined;
    const sender = this.senders.get(record.channel);
    const now = this.clock().getTime();
    if (sender?.elsewhere?.() === true) {
      // Due at once, unclaimed and not counted as an attempt, for the instance that holds the channel's session.
      if (claim) await this.store.reschedule(record.id, new Date(now), 'sent by the instance holding the session', { claim, refund: true });
      sender.leftElsewhere?.();
      return DONE;
    }
    const held = !sender
      ? { at: now + this.baseBackoffMs, reason: 'no sender for the channel' }
      : await this.heldBack(record, now);
    if (held) {
      if (claim) await this.store.reschedule(record.id, new Date(held.at + this.holdMs), held.reason, { claim, refund: true });
      return { kind: 'wait', ...held };
    }
    const claimed = alreadyClaimed ? record : await this.store.claim(record.id, new Date(now + this.claimMs), new Date(now));
    // Claimed by another instance meanwhile, or already sent (a sweep's stale list): not ours to send.
    if (!claimed || !sender) return DONE;
    // The reads and the claim above take a while under load: a window that opened meanwhile still holds this send.
    const resumeAt = this.pauses.resumeAt(claimed.channel, claimed.channelUserId, this.clock().getTime());
    if (resumeAt !== undefined && claimed.claimedUntil) {
      await this.store.reschedule(claimed.id, new Date(resumeAt + this.holdMs), 'the channel asked to wait (rate limit)', { claim: claimed.claimedUntil, refund: true });
      return { kind: 'wait', at: resumeAt, reason: 'the channel asked to wait (rate limit)' };
    }
    try {
      const { providerMessageId } = await sender.send(claimed.channelUserId, claimed.message, { id: claimed.id, ...(claimed.ticketNumber ? { ticketNumber: claimed.ticketNumber } : {}) });
      await this.store.markSent(claimed.id, this.clock(), providerMessageId);
      this.settled(claimed);
      return DONE;
    } catch (error) {
      return this.failed(claimed, error);
    }
  }

  /** Why a record may not go now: its channel or chat is paused, or the message before it is not out yet. */
  private async heldBack(record: OutboundRecord, now: number): Promise<{ at: number; reason: string } | undefined> {
    const resumeAt = this.pauses.resumeAt(record.channel, record.channelUserId, now);
    if (resumeAt !== undefined) return { at: resumeAt, reason: 'the channel asked to wait (rate limit)' };
    if (record.deliverAfter && record.deliverAfter.getTime() > now) return { at: record.deliverAfter.getTime(), reason: 'waiting for more photos' };
    if (record.seq <= 1 || (this.settledSeq.get(record.conversationKey) ?? 0) >= record.seq - 1) return undefined;
    if (await this.store.settled(record.conversationKey, record.seq - 1)) return undefined;
    // Its predecessor is with another instance (or waits for its retry there): look again shortly.
    return { at: now + this.baseBackoffMs, reason: 'waiting for an earlier message' };
  }

  private async failed(record: OutboundRecord, error: unknown): Promise<Outcome> {
    const reason = error instanceof Error ? error.message : String(error);
    const permanent = error instanceof DeliveryError && error.permanent;
    if (permanent || record.attempts >= this.maxAttempts) {
      await this.store.markFailed(record.id, reason);
      this.settled(record);
      this.logger.warn({ channel: record.channel, attempts: record.attempts, reason }, 'outbound message failed for good');
      if (permanent) await this.onUndeliverable?.(record, reason);
      return DONE; // later messages may still go out
    }
    const now = this.clock().getTime();
    const limited = error instanceof DeliveryError ? error : undefined;
    const delay = limited?.retryAfterMs ?? this.backoff(record.attempts);
    if (limited?.pause !== undefined && limited.retryAfterMs !== undefined) {
      this.pauses.pause(limited.pause, record.channel, record.channelUserId, now + delay);
      if (limited.pause === 'channel') for (const listener of this.pauseListeners) listener(record.channel, now + delay);
    }
    if (record.claimedUntil) await this.store.reschedule(record.id, new Date(now + delay + this.holdMs), reason, { claim: record.claimedUntil });
    this.logger.info({ channel: record.channel, attempts: record.attempts, retryInMs: delay, reason }, 'outbound message will be retried');
    return { kind: 'wait', at: now + delay, reason };
  }

  private settled(record: OutboundRecord): void {
    this.settledSeq.delete(record.conversationKey); // re-inserted last: the map forgets the longest-quiet first
    this.settledSeq.set(record.conversationKey, record.seq);
    if (this.settledSeq.size > SETTLED_MEMORY) {
      const oldest = this.settledSeq.keys().next().value;
      if (oldest !== undefined) this.settledSeq.delete(oldest);
    }
  }

  private backoff(attempts: number): number {
    const exponential = Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** (attempts - 1));
    return Math.round(exponential * (0.8 + Math.random() * 0.4));
  }
}
