// A platform's "too many requests, wait N seconds" for the whole bot (Telegram's
// 429 retry_after, the Cloud API's limits on the number) binds every instance:
// the one that met it says so on the bus, and the others hold their sends of
// that channel until the same moment instead of each meeting the limit again.
// Only channel-wide pauses travel: a pause for one chat would need the chat's
// id on the bus, which carries no personal data; it stays with the instance
// that met it (the next send there waits, elsewhere it meets the 429 itself).
import { z } from 'zod';
import type { Bus } from '../bus/bus.js';
import { CHANNELS } from '../tickets/model.js';
import type { OutboxDispatcher } from './dispatcher.js';

const TOPIC = 'outbox.pause';
/** Longer pauses than this from the bus are taken as this long (a wrong clock must not silence a channel for hours). */
const MAX_PAUSE_MS = 15 * 60_000;

const pauseSignal = z.object({ channel: z.enum(CHANNELS), until: z.number().int().positive() });

export function sharePauses(bus: Bus, outbox: OutboxDispatcher): void {
  outbox.onChannelPaused((channel, until) => { bus.publish(TOPIC, { channel, until }); });
  bus.subscribe(TOPIC, (payload) => {
    const signal = pauseSignal.safeParse(payload);
    if (!signal.success) return;
    outbox.pauseChannel(signal.data.channel, Math.min(signal.data.until, Date.now() + MAX_PAUSE_MS));
  });
}
