// Long-poll waiters: a GET for new messages waits until its conversation has
// some (told by the outbox in this process) or a timer fires (messages
// written by another instance are found on the next check).
export class Waiters {
  private readonly waiting = new Map<string, Set<() => void>>();

  notify(key: string): void {
    const set = this.waiting.get(key);
    if (!set) return;
    this.waiting.delete(key);
    for (const wake of set) wake();
  }

  wait(key: string, ms: number): Promise<void> {
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
