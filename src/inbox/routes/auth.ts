// Login, logout and "who am I". A browser gets an HttpOnly, SameSite=Strict
// cookie and the CSRF token it must send back on every change; a script asks
// for a bearer token instead.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PASSWORD_RULE } from '../auth/password.js';
import { LoginThrottle } from '../auth/throttle.js';
import { presentedToken, requireOperator, SESSION_COOKIE } from '../auth/guard.js';
import { allowedTransitions, can, type Operator, type Permission } from '../auth/roles.js';
import type { InboxApp, InboxContext } from '../context.js';
import { refuse } from '../errors.js';
import { masksFor } from '../masking.js';

const PERMISSIONS: readonly Permission[] = ['read', 'reply', 'note', 'assign', 'own', 'create', 'reports', 'operators', 'config', 'audit', 'merge', 'personalData'];

const loginBody = z.strictObject({
  username: z.string().trim().toLowerCase().min(1).max(64),
  password: z.string().min(1).max(200),
  /** Ask for a bearer token (scripts) instead of a cookie. */
  bearer: z.boolean().optional(),
});

const passwordBody = z.strictObject({ current: z.string().min(1).max(200), password: z.string().min(1).max(200) });

/** `personalMasked`: this role sees citizens' contact masked (privacy.maskRoles), and its search skips it. */
export function whoAmI(operator: Operator, config: InboxContext['config']) {
  return { ...operator, permissions: PERMISSIONS.filter((p) => can(operator, p)), transitions: allowedTransitions(operator), personalMasked: masksFor(config, operator) };
}

export function authRoutes(app: InboxApp, ctx: InboxContext): void {
  const perAddress = new LoginThrottle(ctx.rateWindows, ctx.config.inbox.loginRateLimit, 60_000);
  const secure = (request: FastifyRequest) => ctx.config.inbox.secureCookies === 'always' || request.protocol === 'https';

  app.post('/api/auth/login', { schema: { tags: ['auth'], summary: 'Log in (cookie session, or a bearer token with "bearer": true)', body: loginBody } }, async (request, reply) => {
    const { username, password, bearer } = request.body;
    if (await perAddress.blocked(request.ip)) {
      return refuse(reply.header('retry-after', '60'), 'rate_limited');
    }
    const result = await ctx.authenticator.login(username, password, bearer === true ? 'bearer' : 'cookie');
    const at = ctx.clock();
    if (!result.ok) {
      await perAddress.fail(request.ip);
      await ctx.audit.record({ at, actor: `login:${username}`, action: result.reason === 'locked' ? 'login_locked' : 'login_failed', ip: request.ip });
      return refuse(reply, result.reason === 'locked' ? 'locked' : 'invalid_credentials');
    }
    await ctx.audit.record({ at, actor: `operator:${username}`, action: 'login', detail: { kind: bearer === true ? 'bearer' : 'cookie' }, ip: request.ip });
    const body = { operator: whoAmI(result.operator, ctx.config), csrfToken: result.csrf, expiresAt: result.expiresAt };
    if (bearer === true) return { ...body, token: result.token };
    void reply.setCookie(SESSION_COOKIE, result.token, { path: '/', httpOnly: true, sameSite: 'strict', secure: secure(request), expires: result.expiresAt });
    return body;
  });

  app.post('/api/auth/logout', { schema: { tags: ['auth'], summary: 'End this session' }, preHandler: requireOperator(ctx.authenticator) }, async (request: FastifyRequest, reply: FastifyReply) => {
    const presented = presentedToken(request);
    if (presented) await ctx.authenticator.logout(presented.token);
    await ctx.audit.record({ at: ctx.clock(), actor: `operator:${request.auth?.operator.username ?? ''}`, action: 'logout', ip: request.ip });
    void reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: secure(request) });
    return { ok: true };
  });

  app.post('/api/auth/password', { schema: { tags: ['auth'], summary: 'Change one\'s own password (the other sessions end)', body: passwordBody }, preHandler: requireOperator(ctx.authenticator) }, async (request, reply) => {
    const auth = request.auth;
    if (!auth) throw new Error('unreachable');
    const { username } = auth.operator;
    const result = await ctx.authenticator.changePassword(username, request.body.current, request.body.password, auth.session._id);
    const at = ctx.clock();
    if (result.ok) {
      await ctx.audit.record({ at, actor: `operator:${username}`, action: 'password_change', ip: request.ip });
      return { ok: true };
    }
    if (result.reason === 'weak') return refuse(reply, 'weak_password', { problem: result.problem, ...PASSWORD_RULE });
    await ctx.audit.record({ at, actor: `operator:${username}`, action: result.reason === 'locked' ? 'login_locked' : 'password_change_failed', ip: request.ip });
    return refuse(reply, result.reason === 'locked' ? 'locked' : 'wrong_password');
  });

  app.get('/api/auth/me', { schema: { tags: ['auth'], summary: 'The logged-in operator, their permissions and CSRF token' }, preHandler: requireOperator(ctx.authenticator) }, (request) => {
    const auth = request.auth;
    if (!auth) throw new Error('unreachable');
    return { operator: whoAmI(auth.operator, ctx.config), csrfToken: auth.session.kind === 'cookie' ? auth.session.csrf : null, expiresAt: auth.session.expiresAt };
  });
}
