// One send at a time per form: both clicks of a double click land before the page re-renders with its button
// disabled, so a state flag alone lets the second through; a ref drops it at once. The Idempotency-Key (keys.ts)
// still covers the retry of a send the server may have seen.
import { useRef, useState } from 'preact/hooks';

export function useBusy(): { busy: boolean; once: (send: () => Promise<void>) => Promise<void> } {
  const running = useRef(false);
  const [busy, setBusy] = useState(false);
  return {
    busy,
    async once(send) {
      if (running.current) return;
      running.current = true;
      setBusy(true);
      try {
        await send();
      } finally {
        running.current = false;
        setBusy(false);
      }
    },
  };
}
