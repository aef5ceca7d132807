// Round-robin (issue 15 item 1): a ticket reaching an agency with no owner goes to
// the agency's least-loaded active operator below the cap (ties: the one given a
// ticket longest ago); all at the cap, or round-robin off, it stays unassigned;
// two tickets at once never push one operator past the cap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp } from '../support/inbox.js';
import { until } from '../support/until.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let admin: OperatorSession;
let budi: OperatorSession;

interface Detail { number: string; version: number; owner: string | null }

const road = { channel: 'phone', reporter: { name: 'Pak Joko' }, category: 'jalan_rusak', description: 'Aspal mengelupas di Jl. Cempaka' };
const rubbish = { channel: 'phone', reporter: { name: 'Bu Ani' }, category: 'sampah', description: 'Sampah menumpuk di Jl. Melati' };

const ownerOf = async (number: string) => (await admin.get<Detail>(`/api/tickets/${number}`)).body.owner;
const create = async (body: unknown) => (await admin.post<Detail>('/api/tickets', body)).body.number;
async function assigned(number: string): Promise<string> {
  await until(`an owner for ${number}`, async () => (await ownerOf(number)) !== null, 5_000);
  return (await ownerOf(number)) ?? '';
}
/** Round-robin runs after the ticket event: give it time, then the ticket must still have nobody. */
async function unassigned(number: string): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 600));
  expect(await ownerOf(number)).toBeNull();
}

beforeAll(async () => {
  app = await startInboxApp(db, (c) => {
    c.inbox.roundRobin = { enabled: false, cap: 10, agencies: { DPUPR: { enabled: true, cap: 2 } } };
  });
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  await admin.post('/api/operators', { username: 'dpupr.sinta', name: 'Sinta (DPUPR)', role: 'agency', agency: 'DPUPR', password: 'password-sinta-1' });
  await admin.post('/api/operators', { username: 'dpupr.tono', name: 'Tono (DPUPR)', role: 'agency', agency: 'DPUPR', password: 'password-tono-01' });
  await admin.post('/api/operators/dpupr.tono/disable', {});
  budi = await OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1');
});
afterAll(async () => { await app.stop(); });

describe('round-robin', () => {
  it('leaves a ticket unassigned where round-robin is off (the default)', async () => {
    await unassigned(await create(rubbish));
  });

  it('gives each ticket to the least-loaded active operator below the cap, ties to the one given a ticket longest ago; at the cap nobody', async () => {
    const first = await create(road);
    expect(await assigned(first)).toBe('dpupr.budi'); // both at 0, neither given one yet: by name
    const second = await create(road);
    expect(await assigned(second)).toBe('dpupr.sinta'); // budi has one
    const third = await create(road);
    expect(await assigned(third)).toBe('dpupr.budi'); // one each: budi was given his longest ago
    const fourth = await create(road);
    expect(await assigned(fourth)).toBe('dpupr.sinta');
    // Both at the cap (2): the next waits in "Belum diambil"; the disabled Tono is never chosen.
    const fifth = await create(road);
    await unassigned(fifth);
    const audit = await admin.get<{ entries: { actor: string; action: string; detail?: Record<string, unknown> }[] }>(`/api/audit?ticket=${first}`);
    expect(audit.body.entries).toContainEqual(expect.objectContaining({ actor: 'system:round_robin', action: 'hand_over', detail: { from: null, to: 'dpupr.budi' } }));
    // A transfer to the agency counts as reaching it: once Budi releases one, the transferred ticket goes to him.
    await budi.post(`/api/tickets/${first}/owner`, { owner: null });
    const moved = await create(rubbish);
    const version = (await admin.get<Detail>(`/api/tickets/${moved}`)).body.version;
    expect((await admin.post(`/api/tickets/${moved}/assign`, { agency: 'DPUPR', expectedVersion: version })).status).toBe(200);
    expect(await assigned(moved)).toBe('dpupr.budi');
    // Release everything for the next test.
    for (const number of [second, third, fourth, moved]) await admin.post(`/api/tickets/${number}/owner`, { owner: null });
    expect(await ownerOf(fifth)).toBeNull();
  });

  it('never gives two tickets arriving at once to one operator past the cap', async () => {
    // One each (cap 2) ...
    const warmUp = [await assigned(await create(road)), await assigned(await create(road))];
    expect(warmUp.sort()).toEqual(['dpupr.budi', 'dpupr.sinta']);
    // ... so two tickets at once must go one to each, never both to one.
    const both = await Promise.all([create(road), create(road)]);
    const owners = await Promise.all(both.map(assigned));
    expect(owners.sort()).toEqual(['dpupr.budi', 'dpupr.sinta']);
    const third = await create(road);
    await unassigned(third);
  });
});
