// Administration (role `admin`): operators, the audit trail and a read-only
// view of the configuration; and, for every role, what the UI needs to know
// (categories, agencies, canned responses).
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { operatorOf, requireOperator } from '../auth/guard.js';
import { OPERATOR_ROLES } from '../auth/roles.js';
import type { InboxApp, InboxContext } from '../context.js';
import { refuse } from '../errors.js';
import { peopleOf } from '../people.js';
import { ticketNumber, username } from '../schemas.js';
import { addUser, resetPassword, setDisabled, type UserDeps, type UserResult } from '../users.js';

/** A refused user change as the API's error: its code, and the field's issue for the UI's sentence. */
function refuseUser(reply: FastifyReply, result: Exclude<UserResult, { ok: true }>): FastifyReply {
  return refuse(reply, result.code, result.issue ? { issues: [result.issue] } : undefined);
}

const newOperator = z.strictObject({ username, name: z.string().trim().min(1).max(120), role: z.enum(OPERATOR_ROLES), agency: z.string().max(64).optional(), password: z.string().min(1).max(200) });
const usernameParams = z.strictObject({ username });
const auditQuery = z.strictObject({ ticket: ticketNumber.optional(), before: z.iso.datetime({ offset: true }).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });

export function adminRoutes(app: InboxApp, ctx: InboxContext, users: UserDeps): void {
  const actor = (name: string) => `operator:${name}`;

  app.get('/api/meta', { schema: { tags: ['meta'], summary: 'Categories, agencies, forwarding channels and canned responses for the UI' }, preHandler: requireOperator(ctx.authenticator) }, () => ({
    city: ctx.config.city.name,
    categories: ctx.config.categories.map((c) => ({ code: c.code, name: c.name, agency: c.agency ?? null })),
    agencies: ctx.config.agencies.map((a) => ({ code: a.code, name: a.name })),
    forwarding: Object.entries(ctx.config.forwarding).map(([key, f]) => ({ code: key, name: f.name })),
    canned: ctx.canned,
  }));

  app.get('/api/operators', { schema: { tags: ['admin'], summary: 'All operators' }, preHandler: requireOperator(ctx.authenticator, 'operators') }, async () => ({
    operators: (await ctx.operators.list()).map((o) => ({ username: o._id, name: o.name, role: o.role, agency: o.agency ?? null, disabled: o.disabled, lockedUntil: o.lockedUntil ?? null })),
  }));

  app.post('/api/operators', { schema: { tags: ['admin'], summary: 'Add an operator', body: newOperator }, preHandler: requireOperator(ctx.authenticator, 'operators') }, async (request, reply) => {
    const result = await addUser(users, request.body, actor(operatorOf(request).username), request.ip);
    return result.ok ? reply.code(201).send({ ok: true }) : refuseUser(reply, result);
  });

  app.post('/api/operators/:username/disable', { schema: { tags: ['admin'], summary: 'Disable an operator: their sessions end at once', params: usernameParams }, preHandler: requireOperator(ctx.authenticator, 'operators') }, async (request, reply) => {
    // An admin locking themselves out could leave the city without one; another admin (or the CLI) does it.
    if (request.params.username === operatorOf(request).username) {
      return refuse(reply, 'self_disable');
    }
    const result = await setDisabled(users, request.params.username, true, actor(operatorOf(request).username), request.ip);
    return result.ok ? { ok: true } : refuseUser(reply, result);
  });

  app.post('/api/operators/:username/enable', { schema: { tags: ['admin'], summary: 'Enable an operator again', params: usernameParams }, preHandler: requireOperator(ctx.authenticator, 'operators') }, async (request, reply) => {
    const result = await setDisabled(users, request.params.username, false, actor(operatorOf(request).username), request.ip);
    return result.ok ? { ok: true } : refuseUser(reply, result);
  });

  app.post('/api/operators/:username/password', { schema: { tags: ['admin'], summary: 'Set a new password (ends the operator\'s sessions)', params: usernameParams, body: z.strictObject({ password: z.string().min(1).max(200) }) }, preHandler: requireOperator(ctx.authenticator, 'operators') }, async (request, reply) => {
    const result = await resetPassword(users, request.params.username, request.body.password, actor(operatorOf(request).username), request.ip);
    return result.ok ? { ok: true } : refuseUser(reply, result);
  });

  app.get('/api/audit', { schema: { tags: ['admin'], summary: 'The audit trail, newest first (page with `before` = the last entry\'s `at`), or one ticket\'s; `people` names the operators in it', querystring: auditQuery }, preHandler: requireOperator(ctx.authenticator, 'audit') }, async (request) => {
    const entries = request.query.ticket ? await ctx.audit.forTicket(request.query.ticket) : await ctx.audit.recent(request.query.limit, request.query.before ? new Date(request.query.before) : undefined);
    const OWNER_ACTIONS = new Set(['take', 'hand_over', 'release']);
    const named = entries.flatMap((e) => [e.actor, ...['username', ...(OWNER_ACTIONS.has(e.action) ? ['from', 'to'] : [])].flatMap((key) => (typeof e.detail?.[key] === 'string' ? [`operator:${e.detail[key]}`] : []))]);
    return { entries, people: await peopleOf(ctx.operators, named) };
  });

  app.get('/api/config', { schema: { tags: ['admin'], summary: 'The running configuration, without secrets' }, preHandler: requireOperator(ctx.authenticator, 'config') }, () => {
    const { city, agencies, categories, sla, schedules, limits, conversation, outbox, forwarding, inbox, ticketNumber: numbers } = ctx.config;
    return { city, ticketNumber: numbers, agencies, categories, forwarding, sla, schedules, limits, conversation, outbox, inbox };
  });
}
