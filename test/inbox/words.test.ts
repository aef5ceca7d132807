// "Words, not codes" (issue 15): every refusal carries a stable code and its facts
// as data, never a zod path or server English for the UI to show; history entries
// carry the agencies they moved between, and views name the operators in them.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERRORS } from '../../src/inbox/errors.js';
import type { RunningApplication } from '../../src/app/application.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp } from '../support/inbox.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let admin: OperatorSession;
let dpupr: OperatorSession;

interface Refusal { error: string; code: string; message: string; details?: Record<string, unknown> }
interface Detail { number: string; version: number; status: string; history: { actor: string; action: string; agency?: string; fromAgency?: string; note?: string }[]; people: Record<string, { name: string; role: string; agency?: string }> }

const complaint = (category = 'jalan_rusak') => ({ channel: 'phone', reporter: { name: 'Pak Darto', phone: '0813 1111 2222' }, category, description: 'Jalan berlubang di depan pasar' });

beforeAll(async () => {
  app = await startInboxApp(db);
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  dpupr = await OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1');
});
afterAll(async () => { await app.stop(); });

describe('refusals as codes and facts', () => {
  it('has a sentence in the UI for every code the API answers with', () => {
    // The UI module reads the browser's storage when loaded, so its table is checked as text.
    const ui = readFileSync(new URL('../../src/inbox/ui/src/errors.ts', import.meta.url), 'utf8');
    const worded = (code: string) => ui.includes(`  ${code}: [`) || ui.includes(`code === '${code}'`);
    expect(Object.keys(API_ERRORS).filter((code) => !worded(code))).toEqual([]);
  });

  it('names the field and the problem of a bad new complaint, never zod\'s path syntax or English', async () => {
    const phone = await admin.post<Refusal>('/api/tickets', { ...complaint(), reporter: { name: 'X', phone: '12' } });
    expect(phone.status).toBe(400);
    expect(phone.body).toMatchObject({ error: 'bad_request', code: 'validation', details: { issues: [{ field: 'reporter.phone', problem: 'phone' }] } });
    const schema = await admin.post<Refusal>('/api/tickets', { ...complaint(), reporter: { name: '' }, description: 'x'.repeat(4_001), extra: 1 });
    expect(schema.status).toBe(400);
    expect(schema.body.code).toBe('validation');
    expect(schema.body.details?.issues).toEqual(expect.arrayContaining([
      { field: 'reporter.name', problem: 'required' },
      { field: 'description', problem: 'too_long', limit: 4_000 },
      { field: 'body', problem: 'unknown_field', limit: 'extra' },
    ]));
    const category = await admin.post<Refusal>('/api/tickets', complaint('tidak_ada'));
    expect(category.body).toMatchObject({ code: 'validation', details: { issues: [{ field: 'category', problem: 'unknown_category', limit: 'tidak_ada' }] } });
  });

  it('says why a transition was refused: a missing note, a stale screen, a status that does not allow it', async () => {
    const ticket = (await admin.post<Detail>('/api/tickets', complaint())).body;
    const reject = await admin.post<Refusal>(`/api/tickets/${ticket.number}/transitions`, { to: 'reject', expectedVersion: ticket.version });
    expect(reject.status).toBe(409);
    expect(reject.body).toMatchObject({ code: 'note_required', details: { action: 'reject', status: 'open' } });
    await dpupr.post(`/api/tickets/${ticket.number}/transitions`, { to: 'respond' });
    const stale = await admin.post<Refusal>(`/api/tickets/${ticket.number}/transitions`, { to: 'reject', note: 'dobel', expectedVersion: ticket.version });
    expect(stale).toMatchObject({ status: 409, body: { error: 'conflict', code: 'stale_version' } });
    const validate = await admin.post<Refusal>(`/api/tickets/${ticket.number}/transitions`, { to: 'validate' });
    expect(validate.body).toMatchObject({ code: 'result_missing', details: { action: 'validate' } });
    const forward = await admin.post<Refusal>(`/api/tickets/${ticket.number}/transitions`, { to: 'forward' });
    expect(forward.body).toMatchObject({ code: 'transition_not_allowed', details: { action: 'forward', status: 'in_progress' } });
    expect((await dpupr.post<Refusal>(`/api/tickets/${ticket.number}/transitions`, { to: 'validate' })).body).toMatchObject({ code: 'forbidden', details: { action: 'validate' } });
    expect((await admin.post<Refusal>(`/api/tickets/${ticket.number}/transitions`, { to: 'closed' })).body).toMatchObject({ code: 'unknown_action', details: { to: 'closed' } });
    expect((await admin.get<Refusal>('/api/tickets/ADU-2001-00001')).body).toMatchObject({ code: 'ticket_not_found' });
  });

  it('answers logins, passwords and operator changes with codes', async () => {
    expect((await new OperatorSession(app.url).login('admin', 'salah-sekali')).body).toMatchObject({ code: 'invalid_credentials' });
    expect((await dpupr.post<Refusal>('/api/auth/password', { current: 'password-dpupr-1', password: 'pendek' })).body).toMatchObject({ code: 'weak_password', details: { problem: 'too_short', min: 10 } });
    const taken = await admin.post<Refusal>('/api/operators', { username: 'dpupr.budi', name: 'Budi', role: 'agency', agency: 'DPUPR', password: 'password-lain-1' });
    expect(taken.body).toMatchObject({ code: 'username_taken' });
    const noAgency = await admin.post<Refusal>('/api/operators', { username: 'tanpa.opd', name: 'Tanpa', role: 'agency', password: 'password-lain-1' });
    expect(noAgency.body).toMatchObject({ code: 'validation', details: { issues: [{ field: 'agency', problem: 'required' }] } });
    expect((await admin.post<Refusal>('/api/operators/admin/disable')).body).toMatchObject({ code: 'self_disable' });
    expect((await admin.request<Refusal>('POST', '/api/tickets', complaint(), { csrf: false })).body).toMatchObject({ code: 'csrf' });
  });
});

describe('history and audit as data', () => {
  it('records the agencies of a creation and a transfer, and names the operators in the view', async () => {
    const ticket = (await admin.post<Detail>('/api/tickets', complaint())).body;
    expect(ticket.history[0]).toMatchObject({ action: 'create', agency: 'DPUPR' });
    const moved = await admin.post<Detail>(`/api/tickets/${ticket.number}/assign`, { agency: 'DISHUB', note: 'Rambu, bukan jalan' });
    expect(moved.body.history.at(-1)).toMatchObject({ action: 'route', fromAgency: 'DPUPR', agency: 'DISHUB', actor: 'operator:admin', note: 'Rambu, bukan jalan' });
    expect(moved.body.people).toEqual({ admin: { name: 'Administrator', role: 'admin' } });
    const back = await admin.post<Detail>(`/api/tickets/${ticket.number}/assign`, { agency: 'DPUPR' });
    await dpupr.post(`/api/tickets/${ticket.number}/notes`, { text: 'Sudah disurvei' });
    const seen = (await dpupr.get<Detail>(`/api/tickets/${back.body.number}`)).body;
    expect(seen.people['dpupr.budi']).toEqual({ name: 'Budi (DPUPR)', role: 'agency', agency: 'DPUPR' });
  });

  it('names the operators of the audit trail', async () => {
    const audit = await admin.get<{ entries: { actor: string; action: string }[]; people: Record<string, { name: string }> }>('/api/audit?limit=500');
    expect(audit.body.entries.some((e) => e.action === 'user_add')).toBe(true);
    expect(audit.body.people.admin?.name).toBe('Administrator');
    expect(audit.body.people.kabid?.name).toBe('Kabid Pengaduan');
  });
});
