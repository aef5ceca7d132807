// Logins, sessions and the protections around them, over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { sessionModel } from '../../src/storage/models/session.js';
import { operatorModel } from '../../src/storage/models/operator.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp } from '../support/inbox.js';
import { until } from '../support/until.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let admin: OperatorSession;

beforeAll(async () => {
  app = await startInboxApp(db, (c) => {
    c.inbox.loginMaxAttempts = 3;
    c.inbox.loginRateLimit = 12;
    c.schedules.sessionCleanup = '* * * * * *';
  });
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
});
afterAll(async () => { await app.stop(); });

describe('inbox login', () => {
  it('creates the first admin from ADMIN_USERNAME, stores only a scrypt hash and gives an HttpOnly SameSite cookie', async () => {
    const stored = await operatorModel(db.connection).findById('admin').lean();
    expect(stored).toMatchObject({ role: 'admin', disabled: false });
    expect(stored?.passwordHash).toMatch(/^scrypt\$10\$8\$1\$/);
    expect(stored?.passwordHash).not.toContain(ADMIN.password);

    const session = new OperatorSession(app.url);
    const response = await session.login(ADMIN.username, ADMIN.password);
    expect(response.status).toBe(200);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('aduan_session=')) ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toMatch(/Secure/i);
    expect(response.body).toMatchObject({ operator: { username: 'admin', role: 'admin' } });
    // The database holds the token's hash, never the token.
    const token = session.cookie?.split('=')[1] ?? '';
    expect(await sessionModel(db.connection).findById(token).lean()).toBeNull();
    expect((await session.get('/api/auth/me')).body).toMatchObject({ operator: { username: 'admin', permissions: expect.arrayContaining(['operators']) as unknown } });
  });

  it('marks the cookie Secure behind an HTTPS proxy', async () => {
    const response = await fetch(`${app.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' }, body: JSON.stringify({ username: 'kabid', password: 'password-kabid-1' }) });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie().find((c) => c.startsWith('aduan_session='))).toMatch(/; Secure/i);
  });

  it('refuses a change without the CSRF token, and accepts it with the token', async () => {
    const session = await OperatorSession.login(app.url, 'kabid', 'password-kabid-1');
    const without = await session.request('POST', '/api/auth/logout', {}, { csrf: false });
    expect(without.status).toBe(403);
    expect(without.body).toMatchObject({ error: 'csrf' });
    const wrong = await session.request('POST', '/api/auth/logout', {}, { csrf: false });
    expect(wrong.status).toBe(403);
    expect((await session.get('/api/auth/me')).status).toBe(200);
    expect((await session.post('/api/auth/logout')).status).toBe(200);
    expect((await session.get('/api/auth/me')).status).toBe(401);
  });

  it('gives scripts a bearer token that needs no CSRF token', async () => {
    const script = new OperatorSession(app.url);
    const response = await script.login(ADMIN.username, ADMIN.password, true);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(typeof response.body.token).toBe('string');
    script.csrf = undefined;
    expect((await script.get('/api/tickets')).status).toBe(200);
    expect((await script.post('/api/tickets/ADU-2611-99999/notes', { text: 'x' })).status).toBe(404);
  });

  it('rejects NoSQL operator payloads and other malformed input with 400', async () => {
    const anonymous = new OperatorSession(app.url);
    for (const body of [{ username: { $gt: '' }, password: { $gt: '' } }, { username: 'admin', password: { $ne: null } }, { username: 'admin', password: 'x', role: 'admin' }]) {
      const response = await anonymous.post('/api/auth/login', body);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'bad_request' });
    }
    expect((await admin.get('/api/tickets?status[$ne]=closed')).status).toBe(400);
    expect((await admin.get('/api/tickets?q[$regex]=.*')).status).toBe(400);
    expect((await admin.post('/api/tickets/ADU-2611-00001/notes', { text: { $gt: '' } })).status).toBe(400);
    expect((await admin.get('/api/tickets/%7B%22%24gt%22%3A%22%22%7D')).status).toBe(400);
  });

  it('locks an account after repeated failures, even for the right password', async () => {
    const attacker = new OperatorSession(app.url);
    for (let i = 0; i < 3; i++) expect((await attacker.login('dlh.sari', `wrong-${String(i)}`)).status).toBe(401);
    const locked = await attacker.login('dlh.sari', 'password-dlh-01');
    expect(locked.status).toBe(423);
    expect(locked.body).toMatchObject({ error: 'locked' });
    // A new password from the admin unlocks it.
    expect((await admin.post('/api/operators/dlh.sari/password', { password: 'password-dlh-02' })).status).toBe(200);
    expect((await attacker.login('dlh.sari', 'password-dlh-02')).status).toBe(200);
  });

  it('logs a disabled operator out at once', async () => {
    const budi = await OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1');
    expect((await budi.get('/api/tickets')).status).toBe(200);
    expect((await admin.post('/api/operators/dpupr.budi/disable')).status).toBe(200);
    expect((await budi.get('/api/tickets')).status).toBe(401);
    expect((await admin.post('/api/operators/dpupr.budi/enable')).status).toBe(200);
    expect((await budi.get('/api/tickets')).status).toBe(401); // the old session stays ended
    expect((await admin.post('/api/operators/admin/disable')).status).toBe(400); // never oneself
    expect((await admin.get('/api/auth/me')).status).toBe(200);
  });

  it('refuses a login whose password check was still running when the account was disabled', async () => {
    // The password check takes a while (scrypt) and the account was read before it: the login's last step is a
    // write that only an enabled account takes, so a disable that landed meanwhile (or a read that trailed it)
    // cannot end in a session.
    const { mongoOperatorStore } = await import('../../src/storage/operator-store.js');
    const operators = mongoOperatorStore(db.connection);
    expect(await operators.recordSuccess('dlh.sari')).toBe(true);
    expect((await admin.post('/api/operators/dlh.sari/disable')).status).toBe(200);
    expect(await operators.recordSuccess('dlh.sari')).toBe(false);
    expect((await new OperatorSession(app.url).login('dlh.sari', 'password-dlh-02')).status).toBe(401);
    expect((await admin.post('/api/operators/dlh.sari/enable')).status).toBe(200);
    expect((await new OperatorSession(app.url).login('dlh.sari', 'password-dlh-02')).status).toBe(200);
  });

  it('ends a session after its lifetime', async () => {
    const session = await OperatorSession.login(app.url, 'kabid', 'password-kabid-1');
    const token = session.cookie?.split('=')[1] ?? '';
    const { createHash } = await import('node:crypto');
    await sessionModel(db.connection).updateOne({ _id: createHash('sha256').update(token).digest('hex') }, { $set: { expiresAt: new Date(Date.now() - 1_000) } });
    expect((await session.get('/api/auth/me')).status).toBe(401);
  });

  it('sweeps away sessions past their lifetime or idle limit (the sessionCleanup job), and only those', async () => {
    const { createHash } = await import('node:crypto');
    const idOf = (session: OperatorSession) => createHash('sha256').update(session.cookie?.split('=')[1] ?? '').digest('hex');
    const [expired, idle, live] = [
      await OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1'),
      await OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1'),
      await OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1'),
    ];
    const sessions = sessionModel(db.connection);
    await sessions.updateOne({ _id: idOf(expired) }, { $set: { expiresAt: new Date(Date.now() - 1_000) } });
    await sessions.updateOne({ _id: idOf(idle) }, { $set: { lastSeenAt: new Date(Date.now() - 3 * 3_600_000) } });
    await until('the sweep', async () => (await sessions.countDocuments({ _id: { $in: [idOf(expired), idOf(idle)] } })) === 0);
    expect(await sessions.findById(idOf(live)).lean()).not.toBeNull();
    expect((await live.get('/api/auth/me')).status).toBe(200);
  });

  it('serves the OpenAPI description at /docs', async () => {
    const json = await fetch(`${app.url}/docs/json`);
    expect(json.status).toBe(200);
    const spec = (await json.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/tickets', '/api/tickets/{number}/replies', '/api/events']));
    expect((await fetch(`${app.url}/docs/`)).status).toBe(200);
  });

  it('lets an operator change their own password: the current one is checked, other sessions end, this one stays', async () => {
    const laptop = await OperatorSession.login(app.url, 'kabid', 'password-kabid-1');
    const phone = await OperatorSession.login(app.url, 'kabid', 'password-kabid-1');
    const wrong = await laptop.post('/api/auth/password', { current: 'not-my-password', password: 'kabid-baru-2026!' });
    expect(wrong).toMatchObject({ status: 403, body: { error: 'wrong_password' } });
    expect((await operatorModel(db.connection).findById('kabid').lean())?.failedLogins).toBe(1);
    expect((await laptop.post('/api/auth/password', { current: 'password-kabid-1', password: 'pendek' })).status).toBe(400);
    expect((await laptop.request('POST', '/api/auth/password', { current: 'password-kabid-1', password: 'kabid-baru-2026!' }, { csrf: false })).status).toBe(403);

    expect((await laptop.post('/api/auth/password', { current: 'password-kabid-1', password: 'kabid-baru-2026!' })).status).toBe(200);
    expect((await laptop.get('/api/auth/me')).status).toBe(200);
    expect((await phone.get('/api/auth/me')).status).toBe(401);
    expect((await new OperatorSession(app.url).login('kabid', 'password-kabid-1')).status).toBe(401);
    expect((await new OperatorSession(app.url).login('kabid', 'kabid-baru-2026!')).status).toBe(200);
    expect((await operatorModel(db.connection).findById('kabid').lean())?.failedLogins).toBe(0);
    const audit = await admin.get<{ entries: { actor: string; action: string }[] }>('/api/audit?limit=20');
    expect(audit.body.entries.map((e) => `${e.actor} ${e.action}`)).toEqual(expect.arrayContaining(['operator:kabid password_change', 'operator:kabid password_change_failed']));
    // Operator management through the API names the address it came from.
    const all = await admin.get<{ entries: { actor: string; action: string; ip?: string }[] }>('/api/audit?limit=500');
    const management = all.body.entries.filter((e) => e.actor === 'operator:admin' && e.action.startsWith('user_'));
    expect(new Set(management.map((e) => e.action))).toEqual(new Set(['user_add', 'user_disable', 'user_enable', 'user_reset']));
    for (const entry of management) expect(entry.ip, entry.action).toBe('127.0.0.1');
  });

  it('pages through the audit trail with `before`', async () => {
    const first = await admin.get<{ entries: { at: string }[] }>('/api/audit?limit=3');
    expect(first.body.entries).toHaveLength(3);
    const last = first.body.entries.at(-1)?.at ?? '';
    const next = await admin.get<{ entries: { at: string }[] }>(`/api/audit?limit=3&before=${encodeURIComponent(last)}`);
    expect(next.body.entries.length).toBeGreaterThan(0);
    for (const entry of next.body.entries) expect(entry.at < last).toBe(true);
    expect((await admin.get('/api/audit?before=yesterday')).status).toBe(400);
  });

  it('throttles failed logins from one address whatever the usernames (last: it blocks this address)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await new OperatorSession(app.url).login(`nobody-${String(i)}`, 'guess-guess')).status);
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(12);
  });
});
