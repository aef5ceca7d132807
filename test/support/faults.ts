// Faults a test peer (the Bot API or Graph API stand-in) injects into one
// call, and a seeded random source so a chaos run can be repeated.
import type { ServerResponse } from 'node:http';

export type Fault =
  /** Answered at once with this status and body; the call has no effect. */
  | { readonly kind: 'status'; readonly status: number; readonly body: Record<string, unknown> }
  /** The connection is destroyed without a response; the call has no effect. */
  | { readonly kind: 'drop' }
  /** The call takes effect at once, its response arrives this much later. */
  | { readonly kind: 'slow'; readonly ms: number };

/** Destroys the connection behind a response without answering (a dropped connection). */
export function dropConnection(res: ServerResponse): void {
  res.socket?.destroy();
  res.destroy();
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
