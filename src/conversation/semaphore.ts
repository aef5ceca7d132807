// Bounds how many messages are processed at once. Work beyond the bound
// waits here as a small closure instead of as queued database operations,
// so memory stays flat under a burst and each message's processing time is
// not stretched by thousands of others sharing the connection pool.
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}
