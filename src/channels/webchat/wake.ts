// A long poll wakes when its conversation has a new bot message, whichever
// instance queued it: the outbox's "enqueued" goes out on the bus (topic
// `webchat`) and every instance's waiters hear it. The signal names the
// conversation by a digest, not by its session id (which lets one read the
// conversation), so the shared `events` collection holds nothing to reuse.
import { createHash } from 'node:crypto';
import type { Bus } from '../../bus/bus.js';
import { conversationKey } from '../../conversation/messages.js';
import type { OutboxDispatcher } from '../../outbox/dispatcher.js';
import type { Waiters } from './waiters.js';

export const WEBCHAT_TOPIC = 'webchat';

const WEBCHAT_PREFIX = conversationKey('webchat', '');

/** What a long poll waits on for a conversation key. */
export const waitKey = (key: string): string => createHash('sha256').update(key).digest('base64url').slice(0, 22);

export function wakeAcrossInstances(bus: Bus, outbox: Pick<OutboxDispatcher, 'onEnqueued'>, waiters: Waiters): void {
  // Only the web chat's conversations: another channel's key holds a phone number or an address.
  outbox.onEnqueued((key) => { if (key.startsWith(WEBCHAT_PREFIX)) bus.publish(WEBCHAT_TOPIC, { conversation: waitKey(key) }); });
  bus.subscribe(WEBCHAT_TOPIC, ({ conversation }) => { if (typeof conversation === 'string') waiters.notify(conversation); });
}
