// Long-poll waiters: a GET for new messages waits until its conversation has
// some (told by the outbox of any instance, through the bus: wake.ts) or a
// timer fires (the safety net for a lost signal).
export class Waiters {
  private readonly waiting = new Map<string, Set<() => void>>();
  private closed = false;

  /** Shutdown: every wait ends now, and later ones at once (a long poll must not hold the server open). */
  close(): void {
    this.closed = true;
    for (const key of [...this.waiting.keys()]) this.notify(key);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  notify(key: string): void {
    const set = this.waiting.get(key);
    if (!set) return;
    this.waiting.delete(key);
    for (const wake of set) wake();
  }

  wait(key: string, ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const set = this.waiting.get(key) ?? new Set<() => void>();
      const wake = () => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0 && this.waiting.get(key) === set) this.waiting.delete(key);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      set.add(wake);
      this.waiting.set(key, set);
    });
  }

  get size(): number {
    return this.waiting.size;
  }
}
