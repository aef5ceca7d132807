// The outbox on the real database: retries with backoff, permanent failures,
// order within a conversation, and exactly-once delivery across a restart.
import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/conversation/messages.js';
import { createLogger } from '../../src/observability/logger.js';
import { OutboxDispatcher } from '../../src/outbox/dispatcher.js';
import { type ChannelSender, DeliveryError } from '../../src/outbox/sender.js';
import type { NewOutbound } from '../../src/outbox/store.js';
import { messageModel, outboundId } from '../../src/storage/models/message.js';
import { openStorage } from '../../src/storage/storage.js';
import { PHONE_CHANNEL } from '../support/conversation.js';
import { defaultConfig } from '../support/config.js';
import { useTestDatabase } from '../support/database.js';
import { until } from '../support/until.js';

const db = useTestDatabase(import.meta.filename);
const logger = createLogger({ level: 'silent' });

/** An in-process channel that records what it delivered and fails as scripted. */
class ScriptedChannel implements ChannelSender {
  readonly channel = 'telegram' as const;
  readonly capabilities = PHONE_CHANNEL;
  readonly delivery = 'push' as const;
  readonly delivered: string[] = [];
  constructor(private readonly failures: (Error | undefined)[] = []) {}

  send(to: string, message: OutboundMessage): Promise<{ providerMessageId?: string }> {
    const failure = this.failures.shift();
    if (failure) return Promise.reject(failure);
    this.delivered.push(`${to}:${message.text}`);
    return Promise.resolve({ providerMessageId: `tg-${String(this.delivered.length)}` });
  }
}

let clock = new Date('2026-11-24T03:00:00Z');
const advance = (ms: number) => { clock = new Date(clock.getTime() + ms); };

function dispatcher(channel: ChannelSender): OutboxDispatcher {
  const storage = openStorage(db.connection, defaultConfig());
  const outbox = new OutboxDispatcher(storage.outbox, logger, { clock: () => clock, baseBackoffMs: 1_000, maxAttempts: 4, claimMs: 30_000, retryOnTimer: false });
  outbox.register(channel);
  return outbox;
}

const entries = (user: string, ...texts: string[]): NewOutbound[] =>
  texts.map((text, i) => ({ conversationKey: `telegram:${user}`, channel: 'telegram', channelUserId: user, session: 1, seq: i + 1, message: { text } }));

const stored = (user: string, seq: number) => messageModel(db.connection).findById(outboundId(`telegram:${user}`, seq)).lean();

describe('OutboxDispatcher', () => {
  it('retries a failed send with backoff (honouring retry-after) until it goes out, once, in order', async () => {
    const channel = new ScriptedChannel([new DeliveryError('429 Too Many Requests', false, 5_000), new Error('socket hang up'), new Error('502 Bad Gateway')]);
    const outbox = dispatcher(channel);
    await outbox.enqueue(entries('u1', 'satu', 'dua'));
    await outbox.idle();
    expect(channel.delivered).toEqual([]);
    expect(await stored('u1', 1)).toMatchObject({ status: 'pending', attempts: 1, lastError: '429 Too Many Requests', nextAttemptAt: new Date(clock.getTime() + 5_000) });
    expect((await stored('u1', 2))?.status).toBe('pending'); // waits behind the first: order is kept

    expect(await outbox.sweep()).toBe(0); // not due yet
    advance(5_000);
    await outbox.sweep(); // socket hang up
    advance(60_000);
    await outbox.sweep(); // 502
    advance(60_000);
    await outbox.sweep();
    expect(channel.delivered).toEqual(['u1:satu', 'u1:dua']);
    expect(await stored('u1', 1)).toMatchObject({ status: 'sent', attempts: 4, providerMessageId: 'tg-1' });
    advance(60_000);
    await outbox.sweep();
    expect(channel.delivered).toHaveLength(2);
  });

  it('gives up at once on a permanent failure and after the attempt limit otherwise', async () => {
    const blocked = new ScriptedChannel([new DeliveryError('403 Forbidden: bot was blocked by the user', true)]);
    const outbox = dispatcher(blocked);
    await outbox.enqueue(entries('u2', 'halo'));
    await outbox.idle();
    expect(await stored('u2', 1)).toMatchObject({ status: 'failed', lastError: '403 Forbidden: bot was blocked by the user' });

    const flaky = new ScriptedChannel(Array.from({ length: 10 }, () => new Error('ECONNRESET')));
    const again = dispatcher(flaky);
    await again.enqueue(entries('u3', 'halo'));
    await again.idle();
    for (let i = 0; i < 5; i++) {
      advance(120_000);
      await again.sweep();
    }
    expect(await stored('u3', 1)).toMatchObject({ status: 'failed', attempts: 4, lastError: 'ECONNRESET' });
  });

  it('sends a message once when the instance that claimed it dies and another takes over', async () => {
    // An instance stores the entries (claimed by it) and dies before sending them.
    const storage = openStorage(db.connection, defaultConfig());
    await storage.outbox.enqueue(entries('u4', 'satu'), clock, { kind: 'claimed', claimedUntil: new Date(clock.getTime() + 30_000) });

    const second = new ScriptedChannel();
    const survivor = dispatcher(second);
    const third = new ScriptedChannel();
    const other = dispatcher(third);
    expect(await survivor.sweep()).toBe(0); // still claimed by the dead one
    advance(31_000);
    await Promise.all([survivor.sweep(), other.sweep()]);
    expect([...second.delivered, ...third.delivered]).toEqual(['u4:satu']);
  });

  it('re-enqueuing the same conversation sequence (a reprocessed message) stores and sends nothing new', async () => {
    const channel = new ScriptedChannel();
    const outbox = dispatcher(channel);
    await outbox.enqueue(entries('u5', 'satu'));
    await outbox.idle();
    await outbox.enqueue(entries('u5', 'satu'));
    await outbox.idle();
    expect(channel.delivered).toEqual(['u5:satu']);
    expect(await messageModel(db.connection).countDocuments({ conversationKey: 'telegram:u5' })).toBe(1);
    await outbox.enqueue(entries('u5', 'satu', 'dua'));
    await outbox.idle();
    expect(channel.delivered).toEqual(['u5:satu', 'u5:dua']);
  });
});

describe('OutboxDispatcher on the real clock, with retry timers', () => {
  const live = (channel: ChannelSender, claimMs = 30_000) => {
    const storage = openStorage(db.connection, defaultConfig());
    const outbox = new OutboxDispatcher(storage.outbox, logger, { baseBackoffMs: 200, maxAttempts: 5, claimMs });
    outbox.register(channel);
    return { outbox, storage };
  };

  it('a reply waiting for an earlier one that a dead instance held goes out after it, once the sweep takes that over (no livelock)', async () => {
    const channel = new ScriptedChannel();
    const { outbox, storage } = live(channel);
    // The dead instance claimed #1 briefly and died; the new one queues #2 meanwhile.
    await storage.outbox.enqueue(entries('v1', 'satu'), new Date(), { kind: 'claimed', claimedUntil: new Date(Date.now() + 300) });
    await outbox.enqueue([{ ...entries('v1', 'x', 'dua')[1] } as NewOutbound]);
    await outbox.idle();
    expect(channel.delivered).toEqual([]); // #2 waits for #1
    await new Promise((resolve) => setTimeout(resolve, 400));
    await outbox.sweep(); // takes over #1
    await until('both to go out', () => channel.delivered.length === 2, 5_000);
    expect(channel.delivered).toEqual(['v1:satu', 'v1:dua']);
    await outbox.stop();
  });

  it('a stale sweep never brings back a message that went out meanwhile', async () => {
    // "satu" is on the wire longer than its claim; the sweep finds it abandoned and waits for the conversation's
    // turn; meanwhile "satu" is marked sent and "dua" fails once. The sweep's stale copy must not send "satu" again.
    const sent: string[] = [];
    let release: () => void = () => undefined;
    let failDua = true;
    const slow: ChannelSender = {
      channel: 'telegram',
      capabilities: PHONE_CHANNEL,
      delivery: 'push',
      send: async (_to, message) => {
        if (message.text === 'dua' && failDua) {
          failDua = false;
          throw new Error('502 Bad Gateway');
        }
        sent.push(message.text);
        if (sent.length === 1) await new Promise<void>((resolve) => { release = resolve; });
        return {};
      },
    };
    const { outbox, storage } = live(slow, 200);
    await outbox.enqueue(entries('v2', 'satu', 'dua'));
    await new Promise((resolve) => setTimeout(resolve, 300)); // the claim ran out while "satu" is on the wire
    const sweeping = outbox.sweep();
    release();
    await sweeping;
    await until('"dua" to go out', () => sent.includes('dua'), 5_000);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(sent).toEqual(['satu', 'dua']);
    expect((await stored('v2', 1))?.status).toBe('sent');
    expect((await stored('v2', 2))?.status).toBe('sent');
    await outbox.stop();
    expect(await storage.outbox.due(new Date(Date.now() + 120_000), 10)).toEqual([]);
  });
});
