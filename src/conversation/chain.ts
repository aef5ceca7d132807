// Handlers `(ctx, next)` composed in order, as grammY's composer does: each
// handler either answers the message and stops, or calls `next()` to let the
// ones after it try. The router runs the chain; what a message means is
// decided here, one small handler a file (src/conversation/handlers/).
import type { TurnContext } from './context.js';

export type Next = () => Promise<void>;
export type Handler = (ctx: TurnContext, next: Next) => Promise<void>;

/** One handler that runs `handlers` in order; the last `next` does nothing. */
export function compose(handlers: readonly Handler[]): (ctx: TurnContext) => Promise<void> {
  return (ctx) => {
    const run = (index: number): Promise<void> => {
      const handler = handlers[index];
      if (!handler) return Promise.resolve();
      let called = false;
      return handler(ctx, () => {
        // A handler that calls next() twice would run the rest of the chain twice (two replies, two tickets).
        if (called) return Promise.reject(new Error(`handler ${String(index)} called next() twice`));
        called = true;
        return run(index + 1);
      });
    };
    return run(0);
  };
}
