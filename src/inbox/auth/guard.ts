// The preHandler every inbox API route runs behind: finds the session (the
// cookie, or a bearer token for scripts), refuses a cookie session's change
// without its CSRF token, and checks the route's permission.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Authenticated, type Authenticator, csrfMatches } from './authenticator.js';
import { refuse } from '../errors.js';
import { can, type Operator, type Permission } from './roles.js';

export const SESSION_COOKIE = 'aduan_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    auth?: Authenticated;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function presentedToken(request: FastifyRequest): { token: string; kind: 'cookie' | 'bearer' } | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return { token: header.slice(7).trim(), kind: 'bearer' };
  const cookie = request.cookies[SESSION_COOKIE];
  return cookie ? { token: cookie, kind: 'cookie' } : undefined;
}

export function requireOperator(authenticator: Authenticator, permission: Permission = 'read') {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const presented = presentedToken(request);
    const auth = presented ? await authenticator.authenticate(presented.token) : null;
    if (!presented || !auth) {
      await refuse(reply, 'unauthenticated');
      return;
    }
    // A bearer token is never sent by a browser on its own, so only cookie sessions can be forged across sites.
    if (presented.kind === 'cookie' && !SAFE_METHODS.has(request.method) && !csrfMatches(headerValue(request.headers[CSRF_HEADER]), auth.session.csrf)) {
      await refuse(reply, 'csrf');
      return;
    }
    if (!can(auth.operator, permission)) {
      await refuse(reply, 'forbidden', { permission });
      return;
    }
    request.auth = auth;
  };
}

export function operatorOf(request: FastifyRequest): Operator {
  if (!request.auth) throw new Error('route registered without requireOperator');
  return request.auth.operator;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
