// Managing operators, for the admin API and `npm run user`: the same checks
// and the same audit entries either way (from the API with the caller's
// address). Disabling or resetting a password ends the operator's sessions at once.
import type { AuditStore } from '../storage/audit-store.js';
import type { OperatorStore, SessionStore } from '../storage/operator-store.js';
import { hashPassword, PASSWORD_RULE, passwordProblem, passwordProblemCode } from './auth/password.js';
import { OPERATOR_ROLES, type OperatorRole } from './auth/roles.js';

export interface UserDeps {
  readonly operators: OperatorStore;
  readonly sessions: SessionStore;
  readonly audit: AuditStore;
  readonly agencies: readonly string[];
  readonly passwordCost: number;
  readonly clock?: () => Date;
}

export interface NewUser {
  readonly username: string;
  readonly name?: string;
  readonly role: OperatorRole;
  readonly agency?: string;
  readonly password: string;
}

/**
 * `problem` is the English sentence (the command line prints it); `code` and `issue` say the same as
 * data for the API, whose UI words it in the operator's language.
 */
export type UserResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly problem: string; readonly code: 'validation' | 'username_taken' | 'unknown_operator'; readonly issue?: { field: string; problem: string; limit?: string | number } };

const invalidUser = (problem: string, field: string, code: string, limit?: string | number): UserResult => ({ ok: false, problem, code: 'validation', issue: { field, problem: code, ...(limit === undefined ? {} : { limit }) } });

function weakPassword(password: string): UserResult | undefined {
  const code = passwordProblemCode(password);
  return code ? invalidUser(`password: ${passwordProblem(password) ?? ''}`, 'password', code, code === 'too_short' ? PASSWORD_RULE.min : PASSWORD_RULE.max) : undefined;
}

const unknownOperator = (username: string): UserResult => ({ ok: false, problem: `no operator "${username}"`, code: 'unknown_operator' });

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;

export async function addUser(deps: UserDeps, user: NewUser, actor: string, ip?: string): Promise<UserResult> {
  if (!USERNAME.test(user.username)) return invalidUser('username: 2–64 lowercase letters, digits, ".", "_" or "-"', 'username', 'format');
  if (!OPERATOR_ROLES.includes(user.role)) return invalidUser(`role: one of ${OPERATOR_ROLES.join(', ')}`, 'role', 'choice');
  if (user.role === 'agency' && (user.agency === undefined || !deps.agencies.includes(user.agency))) return invalidUser(`agency: an agency operator needs one of ${deps.agencies.join(', ')}`, 'agency', user.agency === undefined ? 'required' : 'unknown_agency', user.agency);
  if (user.role !== 'agency' && user.agency !== undefined) return invalidUser('agency: only agency operators belong to an agency', 'agency', 'agency_only');
  const weak = weakPassword(user.password);
  if (weak) return weak;
  const now = (deps.clock ?? (() => new Date()))();
  const created = await deps.operators.create({
    _id: user.username,
    name: user.name ?? user.username,
    role: user.role,
    ...(user.agency ? { agency: user.agency } : {}),
    passwordHash: await hashPassword(user.password, deps.passwordCost),
    createdAt: now,
  });
  if (!created) return { ok: false, problem: `username: "${user.username}" is taken`, code: 'username_taken' };
  await deps.audit.record({ at: now, actor, action: 'user_add', detail: { username: user.username, role: user.role, ...(user.agency ? { agency: user.agency } : {}) }, ...(ip ? { ip } : {}) });
  return { ok: true };
}

export async function resetPassword(deps: UserDeps, username: string, password: string, actor: string, ip?: string): Promise<UserResult> {
  const weak = weakPassword(password);
  if (weak) return weak;
  const now = (deps.clock ?? (() => new Date()))();
  if (!(await deps.operators.setPassword(username, await hashPassword(password, deps.passwordCost), now))) return unknownOperator(username);
  await deps.sessions.deleteFor(username);
  await deps.audit.record({ at: now, actor, action: 'user_reset', detail: { username }, ...(ip ? { ip } : {}) });
  return { ok: true };
}

export async function setDisabled(deps: UserDeps, username: string, disabled: boolean, actor: string, ip?: string): Promise<UserResult> {
  const now = (deps.clock ?? (() => new Date()))();
  if (!(await deps.operators.setDisabled(username, disabled, now))) return unknownOperator(username);
  if (disabled) await deps.sessions.deleteFor(username);
  await deps.audit.record({ at: now, actor, action: disabled ? 'user_disable' : 'user_enable', detail: { username }, ...(ip ? { ip } : {}) });
  return { ok: true };
}

/** The first administrator from ADMIN_USERNAME / ADMIN_PASSWORD, once: a password changed later is not overwritten. */
export async function bootstrapAdmin(deps: UserDeps, admin: { username?: string; password?: string }): Promise<'created' | 'exists' | 'unset'> {
  if (!admin.username || !admin.password) return 'unset';
  const username = admin.username.toLowerCase();
  if (await deps.operators.get(username)) return 'exists';
  const now = (deps.clock ?? (() => new Date()))();
  const created = await deps.operators.create({ _id: username, name: 'Administrator', role: 'admin', passwordHash: await hashPassword(admin.password, deps.passwordCost), createdAt: now });
  if (created) await deps.audit.record({ at: now, actor: 'system:bootstrap', action: 'user_add', detail: { username, role: 'admin' } });
  return created ? 'created' : 'exists';
}
