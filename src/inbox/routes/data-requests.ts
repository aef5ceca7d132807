// Citizens' requests about their personal data ("hapus data saya", UU PDP 27/2022 issue 17 item 2), for admins
// until the data protection officer's role exists: the open ones, oldest first, the person's account masked.
// Handling them (export, erasure by person) comes later.
import type { DataRequestLog } from '../../conversation/data-requests.js';
import { requireOperator } from '../auth/guard.js';
import type { InboxApp, InboxContext } from '../context.js';
import { maskChannelUserId } from '../masking.js';

const LIMIT = 200;

export function dataRequestRoutes(app: InboxApp, ctx: InboxContext, requests: DataRequestLog): void {
  app.get('/api/admin/data-requests', { schema: { tags: ['admin'], summary: 'Open requests of citizens about their personal data, oldest first (the account masked)' }, preHandler: requireOperator(ctx.authenticator, 'config') }, async () => {
    const open = await requests.open(LIMIT);
    return {
      requests: open.map((r) => ({ reference: r.reference, kind: r.kind, status: r.status, channel: r.channel, account: maskChannelUserId(r.channelUserId), createdAt: r.createdAt.toISOString() })),
    };
  });
}
