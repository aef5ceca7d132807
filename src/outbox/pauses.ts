// Windows in which nothing may be sent to a channel, or to one chat of it:
// a platform said "too many requests, wait N seconds" (Telegram's 429
// `retry_after`, the Cloud API's rate-limit codes). A limit is on the bot
// (or on the pair bot–person), not on the message that met it, so every
// send in its scope waits until the window ends, and the senders that were
// held resume spread out instead of all at once (which would meet it again).

/** How far apart held conversations resume after a window: at most 20 a second. */
const RESUME_SPACING_MS = 50;
/** Chats paused and never written to again would stay; past this many, ended windows are dropped. */
const MAX_WINDOWS = 1_000;

export type PauseScope = 'channel' | 'chat';

interface Window {
  readonly until: number;
  /** Conversations already told to resume after this window; the next goes a little later. */
  resumed: number;
}

export class SendPauses {
  private readonly windows = new Map<string, Window>();

  /** Holds every send of the scope until `until` (ms since the epoch); a shorter window never shortens a longer one. */
  pause(scope: PauseScope, channel: string, chatId: string, until: number): void {
    const key = scopeKey(scope, channel, chatId);
    if ((this.windows.get(key)?.until ?? 0) >= until) return;
    this.windows.set(key, { until, resumed: 0 });
    if (this.windows.size > MAX_WINDOWS) this.forgetEnded(Date.now());
  }

  private forgetEnded(now: number): void {
    for (const [key, window] of this.windows) if (window.until <= now) this.windows.delete(key);
  }

  /**
   * When a send to this chat may go, if not now (ms since the epoch). Each
   * call that is held gets its own slot after the window, so held
   * conversations come back one after another.
   */
  resumeAt(channel: string, chatId: string, now: number): number | undefined {
    let latest: Window | undefined;
    for (const key of [scopeKey('channel', channel, chatId), scopeKey('chat', channel, chatId)]) {
      const window = this.windows.get(key);
      if (!window) continue;
      if (window.until <= now) this.windows.delete(key); // over: forget it, memory stays bounded
      else if (!latest || window.until > latest.until) latest = window;
    }
    if (!latest) return undefined;
    return latest.until + RESUME_SPACING_MS * latest.resumed++;
  }
}

function scopeKey(scope: PauseScope, channel: string, chatId: string): string {
  return scope === 'channel' ? channel : `${channel}\u0000${chatId}`;
}
