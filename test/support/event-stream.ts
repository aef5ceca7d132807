// An operator's inbox event stream (`GET /api/events`) read as the UI's
// EventSource would: each event parsed, with when it arrived.
import type { OperatorSession } from './inbox.js';
import { until } from './until.js';

export interface HeardEvent { readonly type: string; readonly data: Record<string, string>; readonly at: number }

export interface EventStream {
  readonly heard: HeardEvent[];
  close(): void;
}

/** Opens the stream on `baseUrl` (an instance) with the session's cookie; resolves once it is open. */
export async function listenToEvents(baseUrl: string, session: OperatorSession): Promise<EventStream> {
  const controller = new AbortController();
  const heard: HeardEvent[] = [];
  let buffer = '';
  let open = false;
  const response = await fetch(`${baseUrl}/api/events`, { headers: { cookie: session.cookie ?? '' }, signal: controller.signal });
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    for (;;) {
      const chunk = await reader?.read().catch(() => undefined);
      if (!chunk || chunk.done) return;
      buffer += decoder.decode(chunk.value as Uint8Array);
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop() ?? '';
      for (const block of blocks) {
        if (block.startsWith('retry')) open = true;
        const type = /^event: (\w+)/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (type && data) heard.push({ type, data: JSON.parse(data) as Record<string, string>, at: Date.now() });
      }
    }
  })();
  await until('the event stream to open', () => open);
  return { heard, close: () => { controller.abort(); } };
}
