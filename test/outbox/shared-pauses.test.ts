// A platform's pause on the whole bot, learned by one instance, holds the
// sends of the others (outbox/shared-pauses.ts): two instances' outboxes on one
// database and one bus; the first meets Telegram's 429 with retry_after, and
// the second, asked to send to someone else right after, waits for the same
// moment instead of meeting the limit again.
import { describe, expect, it } from 'vitest';
import { localBus } from '../../src/bus/bus.js';
import { conversationKey } from '../../src/conversation/messages.js';
import { DeliveryError, type ChannelSender } from '../../src/outbox/sender.js';
import { sharePauses } from '../../src/outbox/shared-pauses.js';
import { createRig } from '../support/conversation.js';
import { useTestDatabase } from '../support/database.js';
import { until } from '../support/until.js';

const db = useTestDatabase(import.meta.filename);
const RETRY_AFTER_MS = 1_500;

function pushSender(calls: { chat: string; at: number }[], limitedOnce: boolean): ChannelSender {
  let limited = limitedOnce;
  return {
    channel: 'telegram',
    capabilities: { knowsPhone: false, canRequestContact: true, canRequestLocation: true, buttons: true, oneShot: false },
    delivery: 'push',
    send: (chat) => {
      calls.push({ chat, at: Date.now() });
      if (limited) {
        limited = false;
        return Promise.reject(new DeliveryError('429: Too Many Requests: retry after 2', false, RETRY_AFTER_MS, 'channel'));
      }
      return Promise.resolve({ providerMessageId: `m-${String(calls.length)}` });
    },
  };
}

const entry = (chat: string) => ({ conversationKey: conversationKey('telegram', chat), channel: 'telegram' as const, channelUserId: chat, session: 1, seq: 1, message: { text: `Halo ${chat}` } });

describe('pauses shared by instances', () => {
  it('holds the other instance\'s sends of the channel until the pause one instance met ends', async () => {
    const bus = localBus();
    const [a, b] = [await createRig(db, { channel: 'telegram' }), await createRig(db, { channel: 'telegram' })];
    const aCalls: { chat: string; at: number }[] = [];
    const bCalls: { chat: string; at: number }[] = [];
    a.outbox.register(pushSender(aCalls, true));
    b.outbox.register(pushSender(bCalls, false));
    sharePauses(bus, a.outbox);
    sharePauses(bus, b.outbox);

    await a.outbox.enqueue([entry('9001')]);
    await until('the 429', () => aCalls.length === 1);
    const pausedUntil = (aCalls[0]?.at ?? 0) + RETRY_AFTER_MS;
    await b.outbox.enqueue([entry('9002')]);
    await until('the other instance sent', () => bCalls.length === 1, 10_000);
    expect(bCalls[0]?.at ?? 0).toBeGreaterThanOrEqual(pausedUntil - 50);
    await until('the first instance retried', () => aCalls.length === 2, 10_000);
    await Promise.all([a.outbox.stop(), b.outbox.stop()]);
  });

  it('ignores a malformed or unknown pause on the bus', async () => {
    const bus = localBus();
    const rig = await createRig(db, { channel: 'telegram' });
    const calls: { chat: string; at: number }[] = [];
    rig.outbox.register(pushSender(calls, false));
    sharePauses(bus, rig.outbox);
    bus.publish('outbox.pause', { channel: 'fax', until: Date.now() + 60_000 });
    bus.publish('outbox.pause', { channel: 'telegram', until: 'soon' });
    await rig.outbox.enqueue([entry('9003')]);
    await until('sent at once', () => calls.length === 1, 2_000);
    await rig.outbox.stop();
  });
});
