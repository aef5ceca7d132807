// Citizens' requests about their personal data ("hapus data saya", UU PDP 27/2022 issue 17 item 2), as admins see
// them on the Settings card: the open ones, oldest first, the person's account masked. The data protection officer
// handles them, unmasked, through /api/privacy/requests (privacy-requests.ts).
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
