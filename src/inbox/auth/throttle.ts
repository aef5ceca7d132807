// Failed logins per address over the last window, counted in the shared
// database so N instances allow the limit once, not N times
// (limits/rate-windows.ts): past the limit, every login from there waits.
// Only failures count, so a call centre behind one address can still log in
// together at eight o'clock. Unlike the citizens' limits it fails CLOSED: an
// error reaches the login route, which then refuses (a login needs the
// database anyway, and a guessing attacker must not get an unthrottled
// window out of a database hiccup).
import type { RateWindows } from '../../limits/rate-windows.js';

const LIMIT = 'login-address';

export class LoginThrottle {
  constructor(private readonly windows: RateWindows, private readonly limit: number, private readonly windowMs: number) {}

  async blocked(key: string, at = new Date()): Promise<boolean> {
    return (await this.windows.peek(LIMIT, key, this.windowMs, at)) >= this.limit;
  }

  async fail(key: string, at = new Date()): Promise<void> {
    await this.windows.hit(LIMIT, key, this.windowMs, at);
  }
}
