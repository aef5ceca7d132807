// GET /api/events: server-sent events for live updates. Each operator hears
// only of tickets they may see; the session is checked again with every
// heartbeat, so a disabled operator's stream ends within one.
import { operatorOf, presentedToken, requireOperator } from '../auth/guard.js';
import { canSee } from '../auth/roles.js';
import type { InboxApp, InboxContext } from '../context.js';
import type { InboxEvent } from '../events.js';

const HEARTBEAT_MS = 15_000;

export function eventRoutes(app: InboxApp, ctx: InboxContext, heartbeatMs = HEARTBEAT_MS): void {
  app.get('/api/events', { schema: { tags: ['events'], summary: 'Live updates (text/event-stream): `ticket`, `message` and `reply` events with the ticket number; `presence` (operator, name, state: viewing|typing|left)' }, preHandler: requireOperator(ctx.authenticator) }, (request, reply) => {
    const operator = operatorOf(request);
    const token = presentedToken(request)?.token ?? '';
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    out.write('retry: 3000\n\n');
    const send = (event: InboxEvent) => {
      if (!canSee(operator, event)) return;
      const { agency: _agency, ...visible } = event;
      out.write(`event: ${event.type}\ndata: ${JSON.stringify(visible)}\n\n`);
    };
    const unsubscribe = ctx.events.subscribe(send);
    const heartbeat = setInterval(() => {
      void ctx.authenticator.authenticate(token).then((still) => {
        if (still) out.write(': keep-alive\n\n');
        else out.end();
      }, () => out.end());
    }, heartbeatMs);
    const unregister = ctx.events.onClose(() => out.end());
    const close = () => {
      clearInterval(heartbeat);
      unsubscribe();
      unregister();
    };
    out.on('close', close);
    request.raw.on('close', close);
  });
}
