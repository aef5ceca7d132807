// Citizens' "hapus data saya" requests as admins see them over real HTTP: the open ones with their reference,
// channel and time, the person's account masked; refused to an agency operator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp } from '../support/inbox.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let admin: OperatorSession;
let agency: OperatorSession;

interface Listed { requests: { reference: string; kind: string; status: string; channel: string; account: string; createdAt: string }[] }

beforeAll(async () => {
  app = await startInboxApp(db);
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  agency = await OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1');
});
afterAll(async () => { await app.stop(); });

describe('data requests for admins', () => {
  it('lists an open request with its reference and the account masked; an agency operator is refused', async () => {
    expect((await admin.get<Listed>('/api/admin/data-requests')).body.requests).toEqual([]);
    await app.router.handle({ channel: 'whatsapp', channelUserId: '6281234567678', messageId: 'wamid.erase-1', at: new Date(), text: 'Hapus data saya' });
    const stored = await app.storage.dataRequests.open(10);
    expect(stored).toHaveLength(1);

    const listed = await admin.get<Listed>('/api/admin/data-requests');
    expect(listed.status).toBe(200);
    expect(listed.body.requests).toEqual([{ reference: stored[0]?.reference, kind: 'erase', status: 'open', channel: 'whatsapp', account: '0812•••••678', createdAt: stored[0]?.createdAt.toISOString() }]);
    expect(JSON.stringify(listed.body)).not.toContain('81234567678');

    expect((await agency.get('/api/admin/data-requests')).status).toBe(403);
  });
});
