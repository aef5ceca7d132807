// Delivers the outbox: at once after a message is enqueued, and again by the
// retry sweep for what failed or was abandoned by a crashed instance. Each
// entry is claimed atomically before sending, so two instances never send the
// same entry; a conversation's messages go out in order.
import type { Logger } from '../observability/logger.js';
import type { Channel } from '../tickets/model.js';
import { DeliveryError, type ChannelSender } from './sender.js';
import type { NewOutbound, OutboundRecord, OutboxStore } from './store.js';

export interface DispatcherOptions {
  readonly maxAttempts?: number;
  /** How long a claimed entry belongs to its sender before the sweep may take it over. */
  readonly claimMs?: number;
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly clock?: () => Date;
  /** Told when a message can never be delivered (the person blocked the bot). */
  readonly onUndeliverable?: (record: OutboundRecord, reason: string) => Promise<void>;
}

export type OutboxListener = (conversationKey: string) => void;

export class OutboxDispatcher {
  private readonly senders = new Map<Channel, ChannelSender>();
  private readonly listeners: OutboxListener[] = [];
  private readonly maxAttempts: number;
  private readonly claimMs: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly clock: () => Date;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly onUndeliverable: DispatcherOptions['onUndeliverable'];

  constructor(private readonly store: OutboxStore, private readonly logger: Logger, options: DispatcherOptions = {}) {
    this.onUndeliverable = options.onUndeliverable;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.claimMs = options.claimMs ?? 60_000;
    this.baseBackoffMs = options.baseBackoffMs ?? 2_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 15 * 60_000;
    this.clock = options.clock ?? (() => new Date());
  }

  register(sender: ChannelSender): void {
    this.senders.set(sender.channel, sender);
  }

  sender(channel: Channel): ChannelSender | undefined {
    return this.senders.get(channel);
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
    const records = await this.store.enqueue(entries, now, push ? { kind: 'claimed', claimedUntil: new Date(now.getTime() + this.claimMs) } : { kind: 'delivered' });
    for (const listener of this.listeners) listener(first.conversationKey);
    if (push) this.track(this.deliverRecords(records, true));
    return records.map((r) => r.id);
  }

  /** Retries what is due; run by the scheduler. Returns how many entries were attempted. */
  async sweep(limit = 500): Promise<number> {
    const due = await this.store.due(this.clock(), limit);
    const byConversation = new Map<string, OutboundRecord[]>();
    for (const record of due) byConversation.set(record.conversationKey, [...(byConversation.get(record.conversationKey) ?? []), record]);
    await Promise.all([...byConversation.values()].map((records) => this.deliverRecords(records)));
    return due.length;
  }

  /** Waits for background deliveries (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch((error: unknown) => { this.logger.error({ err: error }, 'outbox delivery crashed'); }).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /**
   * Sends one conversation's records in order. After a failure the rest wait
   * for the retry (rescheduled, not sent out of order).
   */
  private async deliverRecords(records: readonly OutboundRecord[], claimed = false): Promise<void> {
    let blocked: { reason: string; retryAt: Date } | undefined;
    for (const record of records) {
      if (blocked !== undefined) {
        // Followers retry with the failed message, never before it (the sweep would otherwise find them due first).
        await this.store.reschedule(record.id, new Date(blocked.retryAt.getTime() + record.seq), `waiting for an earlier message: ${blocked.reason}`);
        continue;
      }
      blocked = await this.deliver(record, claimed);
    }
  }

  /** Undefined when done with the record (sent, failed for good, or someone else's); else why and until when it waits. */
  private async deliver(record: OutboundRecord, alreadyClaimed: boolean): Promise<{ reason: string; retryAt: Date } | undefined> {
    const sender = this.senders.get(record.channel);
    if (!sender) return { reason: 'no sender for the channel', retryAt: new Date(this.clock().getTime() + this.baseBackoffMs) };
    const now = this.clock();
    const claimed = alreadyClaimed ? record : await this.store.claim(record.id, new Date(now.getTime() + this.claimMs), now);
    if (!claimed) return undefined; // delivered or being delivered elsewhere
    try {
      const { providerMessageId } = await sender.send(claimed.channelUserId, claimed.message, { id: claimed.id, ...(claimed.ticketNumber ? { ticketNumber: claimed.ticketNumber } : {}) });
      await this.store.markSent(claimed.id, this.clock(), providerMessageId);
      return undefined;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const permanent = error instanceof DeliveryError && error.permanent;
      if (permanent || claimed.attempts >= this.maxAttempts) {
        await this.store.markFailed(claimed.id, reason);
        this.logger.warn({ channel: claimed.channel, attempts: claimed.attempts, reason }, 'outbound message failed for good');
        if (permanent) await this.onUndeliverable?.(claimed, reason);
        return undefined; // later messages may still go out
      }
      const delay = error instanceof DeliveryError && error.retryAfterMs !== undefined ? error.retryAfterMs : this.backoff(claimed.attempts);
      const retryAt = new Date(this.clock().getTime() + delay);
      await this.store.reschedule(claimed.id, retryAt, reason);
      this.logger.info({ channel: claimed.channel, attempts: claimed.attempts, retryInMs: delay, reason }, 'outbound message will be retried');
      return { reason, retryAt };
    }
  }

  private backoff(attempts: number): number {
    const exponential = Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** (attempts - 1));
    return Math.round(exponential * (0.8 + Math.random() * 0.4));
  }
}
