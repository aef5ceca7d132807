// The reporter panel (issue 15 item 6): the person's other tickets across channels
// (by channel identity, or a phone complaint with the same phone), scoped by role;
// identities sharing a phone or email are only suggested, joined by an operator's
// merge (audited) and separated again by a split.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import type { Channel } from '../../src/tickets/model.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp } from '../support/inbox.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let admin: OperatorSession;
let budi: OperatorSession;
let kabid: OperatorSession;

interface Panel {
  person: string | null;
  identities: { channel: string; channelUserId: string; own: boolean }[];
  phones: string[];
  tickets: { number: string; status: string; category: string; agency: string | null; channel: string }[];
  suggestions: { channel: string; channelUserId: string; reason: string; tickets: number }[];
  canMerge: boolean;
}

const create = async (channel: Channel, reporter: { channelUserId?: string; phone?: string; email?: string }, category = 'jalan_rusak') =>
  (await app.tickets.create({ channel, reporter: { name: 'Bu Ani', ...reporter }, category, description: 'Lubang besar di Jl. Melati' }, 'reporter')).number;

beforeAll(async () => {
  app = await startInboxApp(db);
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  [budi, kabid] = await Promise.all([OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1'), OperatorSession.login(app.url, 'kabid', 'password-kabid-1')]);
});
afterAll(async () => { await app.stop(); });

describe('reporter panel', () => {
  it("lists the reporter's other tickets across channels by phone, and only the agency's own for an agency operator; reads are audited", async () => {
    const phone = '+6281200000001';
    const first = await create('whatsapp', { channelUserId: '6281200000001', phone });
    const again = await create('whatsapp', { channelUserId: '6281200000001', phone }, 'sampah');
    const byPhone = (await admin.post<{ number: string }>('/api/tickets', { channel: 'phone', reporter: { name: 'Bu Ani', phone }, category: 'drainase_banjir', description: 'Got mampet' })).body.number;
    const stranger = await create('whatsapp', { channelUserId: '6281299999999', phone: '+6281299999999' });

    const panel = (await admin.get<Panel>(`/api/tickets/${first}/reporter`)).body;
    expect(panel.tickets.map((t) => t.number).sort()).toEqual([again, byPhone].sort());
    expect(panel.tickets.find((t) => t.number === byPhone)).toMatchObject({ channel: 'phone', category: 'drainase_banjir', agency: 'DPUPR', status: 'open' });
    expect(panel.identities).toEqual([{ channel: 'whatsapp', channelUserId: '6281200000001', own: true }]);
    expect(panel.phones).toEqual([phone]);
    expect(panel.tickets.map((t) => t.number)).not.toContain(stranger);

    // DPUPR's operator: the DLH ticket (sampah) is not theirs to see, not even in the panel.
    const agency = await budi.get<Panel>(`/api/tickets/${first}/reporter`);
    expect(agency.status).toBe(200);
    expect(agency.body.tickets.map((t) => t.number)).toEqual([byPhone]);
    expect(agency.body.canMerge).toBe(false);
    expect((await budi.get(`/api/tickets/${again}/reporter`)).status).toBe(404);

    const audit = (await admin.get<{ entries: { action: string; actor: string }[] }>(`/api/audit?ticket=${first}`)).body.entries;
    expect(audit.filter((e) => e.action === 'view_reporter').map((e) => e.actor).sort()).toEqual(['operator:admin', 'operator:dpupr.budi']);
  });

  it('suggests an identity with the same phone or email but merges nothing by itself; a merge joins it (audited), a split separates it', async () => {
    const email = 'ani.wulandari@example.id';
    const wa = await create('whatsapp', { channelUserId: '6281200000002', phone: '+6281200000002' });
    const tg = await create('telegram', { channelUserId: '12345', phone: '+6281200000002' });
    await create('email', { channelUserId: email, email }, 'drainase_banjir');
    await create('webchat', { channelUserId: 'w-abc', email }); // same email as the email identity, not as the WhatsApp one

    const before = (await admin.get<Panel>(`/api/tickets/${wa}/reporter`)).body;
    expect(before.person).toBeNull();
    expect(before.tickets).toEqual([]);
    expect(before.suggestions).toEqual([{ channel: 'telegram', channelUserId: '12345', reason: 'phone', tickets: 1 }]);
    expect(before.canMerge).toBe(true);
    // Nothing was merged without an operator: the Telegram side stands alone too.
    expect((await admin.get<Panel>(`/api/tickets/${tg}/reporter`)).body).toMatchObject({ person: null, tickets: [] });

    // Only an admin merges, and only a suggested identity.
    expect((await kabid.post(`/api/tickets/${wa}/reporter/merge`, { channel: 'telegram', channelUserId: '12345' })).status).toBe(403);
    expect((await admin.post(`/api/tickets/${wa}/reporter/merge`, { channel: 'email', channelUserId: email })).status).toBe(404);

    const merged = await admin.post<Panel>(`/api/tickets/${wa}/reporter/merge`, { channel: 'telegram', channelUserId: '12345' });
    expect(merged.status).toBe(200);
    expect(merged.body.person).toMatch(/^p_/);
    expect(merged.body.tickets.map((t) => t.number)).toEqual([tg]);
    expect(merged.body.identities.map((i) => `${i.channel}:${i.channelUserId}`).sort()).toEqual(['telegram:12345', 'whatsapp:6281200000002']);
    expect(merged.body.suggestions).toEqual([]);
    // The same person from the Telegram ticket.
    expect((await admin.get<Panel>(`/api/tickets/${tg}/reporter`)).body.tickets.map((t) => t.number)).toEqual([wa]);
    const audit = (await admin.get<{ entries: { action: string; detail?: Record<string, unknown> }[] }>(`/api/audit?ticket=${wa}`)).body.entries;
    expect(audit.filter((e) => e.action === 'merge_identity')).toEqual([expect.objectContaining({ detail: { person: merged.body.person, channel: 'telegram' } })]);

    const split = await admin.post<Panel>(`/api/tickets/${wa}/reporter/split`, { channel: 'telegram', channelUserId: '12345' });
    expect(split.status).toBe(200);
    expect(split.body).toMatchObject({ person: null, tickets: [], suggestions: [{ channel: 'telegram', channelUserId: '12345' }] });
    expect((await admin.get<Panel>(`/api/tickets/${tg}/reporter`)).body.tickets).toEqual([]);
    expect((await admin.get<{ entries: { action: string }[] }>(`/api/audit?ticket=${wa}`)).body.entries.some((e) => e.action === 'split_identity')).toBe(true);
    expect((await admin.post(`/api/tickets/${wa}/reporter/split`, { channel: 'telegram', channelUserId: '12345' })).status).toBe(404);
  });
});
