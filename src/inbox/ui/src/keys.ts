// One Idempotency-Key per operator action: every send of the same intent (a
// double click, a second press while the first is on its way) carries the same
// key, so the server acts once; once the server has answered, the next press is a
// new intent with a new key (a refusal answered is not replayed after the operator
// fixed what was wrong). Only a send that got no answer keeps its key for the retry.
import { useRef } from 'preact/hooks';
import { ApiError } from './api.js';

const newKey = (): string => `${Date.now().toString(36)}-${crypto.randomUUID()}`;

export interface ActionKeys {
  /** Runs `send` with the current key of `action`, and renews the key once the server has answered. */
  run<T>(action: string, send: (key: string) => Promise<T>): Promise<T>;
}

export function useActionKeys(): ActionKeys {
  const keys = useRef(new Map<string, string>());
  return {
    async run(action, send) {
      const key = keys.current.get(action) ?? newKey();
      keys.current.set(action, key);
      try {
        const result = await send(key);
        keys.current.delete(action);
        return result;
      } catch (error) {
        if (error instanceof ApiError) keys.current.delete(action);
        throw error;
      }
    },
  };
}
