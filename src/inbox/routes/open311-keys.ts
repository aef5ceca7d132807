// Open311 API keys (role `admin`): issue one for a city app (the key is shown
// in the answer once; only its hash is kept), list them with their last use,
// revoke one. Each change is audited.
import { z } from 'zod';
import type { Open311KeyStore } from '../../storage/open311-key-store.js';
import { operatorOf, requireOperator } from '../auth/guard.js';
import type { InboxApp, InboxContext } from '../context.js';
import { refuse } from '../errors.js';

const newKey = z.strictObject({ label: z.string().trim().min(1).max(120) });
const keyParams = z.strictObject({ id: z.string().regex(/^[0-9a-f]{12}$/) });

export function open311KeyRoutes(app: InboxApp, ctx: InboxContext, keys: Open311KeyStore): void {
  const guard = requireOperator(ctx.authenticator, 'config');

  app.get('/api/admin/open311-keys', { schema: { tags: ['admin'], summary: 'Open311 API keys: label, who issued it and when, last use, revocation (never the key itself)' }, preHandler: guard }, async () => ({
    keys: (await keys.list()).map((k) => ({ id: k.id, label: k.label, createdBy: k.createdBy, createdAt: k.createdAt, lastUsedAt: k.lastUsedAt ?? null, revokedAt: k.revokedAt ?? null, revokedBy: k.revokedBy ?? null })),
  }));

  app.post('/api/admin/open311-keys', { schema: { tags: ['admin'], summary: 'Issue an Open311 API key for a city app; `secret` is in this answer only', body: newKey }, preHandler: guard }, async (request, reply) => {
    const operator = operatorOf(request);
    const now = ctx.clock();
    const { key, secret } = await keys.issue(request.body.label, operator.username, now);
    await ctx.audit.record({ at: now, actor: `operator:${operator.username}`, action: 'open311_key_issue', detail: { id: key.id, label: key.label }, ip: request.ip });
    return reply.code(201).send({ id: key.id, label: key.label, createdBy: key.createdBy, createdAt: key.createdAt, lastUsedAt: null, revokedAt: null, revokedBy: null, secret });
  });

  app.delete('/api/admin/open311-keys/:id', { schema: { tags: ['admin'], summary: 'Revoke an Open311 API key: the app\'s next request is refused', params: keyParams }, preHandler: guard }, async (request, reply) => {
    const operator = operatorOf(request);
    const now = ctx.clock();
    const found = (await keys.list()).find((k) => k.id === request.params.id);
    if (!found) return refuse(reply, 'not_found');
    // Revoking twice (a double click) changes nothing and is not an error.
    if (await keys.revoke(found.id, operator.username, now)) {
      await ctx.audit.record({ at: now, actor: `operator:${operator.username}`, action: 'open311_key_revoke', detail: { id: found.id, label: found.label }, ip: request.ip });
    }
    return { ok: true };
  });
}
