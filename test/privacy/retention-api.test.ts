// The admins' side of retention over real HTTP: the periods and the last run's counts, and anonymising one
// finished ticket now (an erasure request): refused for an open ticket and for non-admins, audited once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { createLogger } from '../../src/observability/logger.js';
import { REDACTED } from '../../src/privacy/anonymise.js';
import { retentionJob } from '../../src/scheduler/jobs/retention.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { gridFsAttachmentStore } from '../../src/storage/attachments.js';
import { mongoRetention } from '../../src/storage/retention-runs.js';
import { defaultConfig } from '../support/config.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp } from '../support/inbox.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let admin: OperatorSession;
let agency: OperatorSession;

interface Detail { number: string; description: string; reporter: { name?: string; phone?: string } }
interface Retention { periods: Record<string, number>; lastRun: null | { complete: boolean; counts: Record<string, number> } }

beforeAll(async () => {
  app = await startInboxApp(db);
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  agency = await OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1');
});
afterAll(async () => { await app.stop(); });

describe('retention for admins', () => {
  it('shows the periods in force and, after a run, what it removed', async () => {
    const before = await admin.get<Retention>('/api/admin/retention');
    expect(before.status).toBe(200);
    expect(before.body.periods).toMatchObject({ personalData: 730 * 86_400_000, photos: 365 * 86_400_000, rawInbound: 90 * 86_400_000, notices: 90 * 86_400_000, audit: 1825 * 86_400_000 });
    expect(before.body.lastRun).toBeNull();
    expect((await agency.get('/api/admin/retention')).status).toBe(403);

    const config = defaultConfig();
    const number = (await admin.post<Detail>('/api/tickets', { channel: 'phone', reporter: { name: 'Pak Joko Susilo', phone: '081377778888' }, category: 'jalan_rusak', description: 'Aspal mengelupas di Jl. Cempaka' })).body.number;
    const long = new Date(Date.now() - 3 * 365 * 86_400_000);
    await ticketModel(db.connection).updateOne({ _id: number }, { $set: { status: 'rejected', closedAt: long, updatedAt: long } });
    await retentionJob({ config, retention: mongoRetention(db.connection, gridFsAttachmentStore(db.connection, config.limits)), logger: createLogger({ level: 'silent' }) });

    const after = await admin.get<Retention>('/api/admin/retention');
    expect(after.body.lastRun).toMatchObject({ complete: true, counts: { tickets: 1 } });
    const detail = await admin.get<Detail>(`/api/tickets/${number}`);
    expect(detail.body.description).toBe(REDACTED);
    expect(JSON.stringify(detail.body)).not.toContain('Joko');
  });

  it('anonymises a finished ticket on request, once, and refuses an open one', async () => {
    const ticket = (await admin.post<Detail>('/api/tickets', { channel: 'phone', reporter: { name: 'Ibu Ratna Dewi', phone: '081399990000' }, category: 'jalan_rusak', description: 'Trotoar rusak di depan rumah Ibu Ratna' })).body;
    const refused = await admin.post<{ code: string }>(`/api/admin/tickets/${ticket.number}/anonymise`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('transition_not_allowed');

    await ticketModel(db.connection).updateOne({ _id: ticket.number }, { $set: { status: 'closed', closeReason: 'confirmed', closedAt: new Date() } });
    expect((await agency.post(`/api/admin/tickets/${ticket.number}/anonymise`)).status).toBe(403);
    const [first, again] = [await admin.post(`/api/admin/tickets/${ticket.number}/anonymise`), await admin.post(`/api/admin/tickets/${ticket.number}/anonymise`)];
    expect([first.status, again.status]).toEqual([200, 200]);
    const detail = await admin.get<Detail>(`/api/tickets/${ticket.number}`);
    expect(JSON.stringify(detail.body)).not.toMatch(/Ratna|081399990000|Trotoar/);
    expect(detail.body.description).toBe(REDACTED);
    const audit = await admin.get<{ entries: { action: string }[] }>(`/api/audit?ticket=${ticket.number}`);
    expect(audit.body.entries.filter((e) => e.action === 'ticket_anonymise')).toHaveLength(1);
    expect((await admin.post<{ code: string }>('/api/admin/tickets/ADU-2001-99999/anonymise')).status).toBe(404);
  });
});
