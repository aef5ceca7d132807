// Failed logins per address in a fixed window: past the limit, every login
// from there waits for the window to end. Only failures count, so a call
// centre behind one address can still log in together at eight o'clock.
export class LoginThrottle {
  private readonly windows = new Map<string, { start: number; failures: number }>();

  constructor(private readonly limit: number, private readonly windowMs: number) {}

  blocked(key: string, now = Date.now()): boolean {
    const window = this.windows.get(key);
    return window !== undefined && now - window.start < this.windowMs && window.failures >= this.limit;
  }

  fail(key: string, now = Date.now()): void {
    if (this.windows.size > 10_000) {
      for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
    }
    const window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) this.windows.set(key, { start: now, failures: 1 });
    else window.failures++;
  }
}
