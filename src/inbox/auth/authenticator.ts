// Logins and sessions. A session is a random token whose sha256 is the key
// of its document; every request re-reads the operator, so disabling one
// ends their sessions at once, on every instance.
import { timingSafeEqual } from 'node:crypto';
import type { Config } from '../../config/schema.js';
import type { SessionDoc } from '../../storage/models/session.js';
import type { OperatorStore, SessionStore } from '../../storage/operator-store.js';
import { hashPassword, passwordProblemCode, verifyPassword } from './password.js';
import type { Operator } from './roles.js';
import { newToken, tokenId } from './tokens.js';

export type LoginResult =
  | { readonly ok: true; readonly token: string; readonly csrf: string; readonly operator: Operator; readonly expiresAt: Date }
  | { readonly ok: false; readonly reason: 'invalid' | 'locked' };

export type PasswordChange =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'wrong_password' | 'locked' }
  | { readonly ok: false; readonly reason: 'weak'; readonly problem: 'too_short' | 'too_long' | 'unchanged' };

export interface Authenticated {
  readonly operator: Operator;
  readonly session: SessionDoc;
}

// Sessions are touched at most this often, so reading pages does not turn into a write per request.
const TOUCH_EVERY_MS = 60_000;

export class Authenticator {
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly operators: OperatorStore,
    private readonly sessions: SessionStore,
    private readonly config: Config['inbox'],
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async login(username: string, password: string, kind: SessionDoc['kind']): Promise<LoginResult> {
    const now = this.clock();
    const found = await this.operators.get(username);
    if (!found || found.disabled) {
      // Same work as a real check, so response times do not tell which usernames exist.
      this.dummyHash ??= hashPassword('not a password', this.config.passwordCost);
      await verifyPassword(password, await this.dummyHash);
      return { ok: false, reason: 'invalid' };
    }
    if (found.lockedUntil && found.lockedUntil > now) return { ok: false, reason: 'locked' };
    if (!(await verifyPassword(password, found.passwordHash))) {
      await this.operators.recordFailure(username, this.config.loginMaxAttempts, new Date(now.getTime() + this.config.lockout));
      return { ok: false, reason: 'invalid' };
    }
    if (!(await this.operators.recordSuccess(username))) return { ok: false, reason: 'invalid' };
    await this.sessions.deleteFor(username, { expiredBefore: now });
    const token = newToken();
    const csrf = newToken();
    const expiresAt = new Date(now.getTime() + this.config.sessionTtl);
    await this.sessions.create({ _id: tokenId(token), username, kind, csrf, createdAt: now, lastSeenAt: now, expiresAt });
    return { ok: true, token, csrf, expiresAt, operator: toOperator(found) };
  }

  async authenticate(token: string): Promise<Authenticated | null> {
    const id = tokenId(token);
    const session = await this.sessions.get(id);
    if (!session) return null;
    const now = this.clock();
    if (session.expiresAt <= now || session.lastSeenAt.getTime() + this.config.sessionIdle <= now.getTime()) {
      await this.sessions.delete(id);
      return null;
    }
    const found = await this.operators.get(session.username);
    if (!found || found.disabled) return null;
    if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) await this.sessions.touch(id, now);
    return { operator: toOperator(found), session };
  }

  /**
   * An operator's own password change. The current password is checked like a
   * login (a wrong one counts towards the lockout, so a left-open session
   * cannot be used to guess it); the other sessions end, this one stays.
   */
  async changePassword(username: string, current: string, next: string, keepSession: string): Promise<PasswordChange> {
    const now = this.clock();
    const found = await this.operators.get(username);
    if (!found || found.disabled) return { ok: false, reason: 'wrong_password' };
    if (found.lockedUntil && found.lockedUntil > now) return { ok: false, reason: 'locked' };
    if (!(await verifyPassword(current, found.passwordHash))) {
      await this.operators.recordFailure(username, this.config.loginMaxAttempts, new Date(now.getTime() + this.config.lockout));
      return { ok: false, reason: 'wrong_password' };
    }
    const weak = passwordProblemCode(next);
    if (weak) return { ok: false, reason: 'weak', problem: weak };
    if (current === next) return { ok: false, reason: 'weak', problem: 'unchanged' };
    await this.operators.setPassword(username, await hashPassword(next, this.config.passwordCost), now);
    await this.sessions.deleteFor(username, { except: keepSession });
    return { ok: true };
  }

  logout(token: string): Promise<void> {
    return this.sessions.delete(tokenId(token));
  }

  endSessionsOf(username: string): Promise<number> {
    return this.sessions.deleteFor(username);
  }
}

export function csrfMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function toOperator(doc: { _id: string; name: string; role: Operator['role']; agency?: string }): Operator {
  return { username: doc._id, name: doc.name, role: doc.role, ...(doc.agency ? { agency: doc.agency } : {}) };
}
