// Presence (issue 15 item 1): an operator's "viewing" and "typing" on a ticket reach
// the event streams of the operators who may see that ticket, and nobody else's;
// the answer to a presence mark lists who else is on the ticket, never oneself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { useTestDatabase } from '../support/database.js';
import { type EventStream, listenToEvents } from '../support/event-stream.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp } from '../support/inbox.js';
import { until } from '../support/until.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let admin: OperatorSession;
let budi: OperatorSession;
let sinta: OperatorSession;
let sari: OperatorSession;

const road = { channel: 'phone', reporter: { name: 'Pak Joko' }, category: 'jalan_rusak', description: 'Aspal mengelupas di Jl. Cempaka' };
const rubbish = { channel: 'phone', reporter: { name: 'Bu Ani' }, category: 'sampah', description: 'Sampah menumpuk di Jl. Melati' };

const presenceEvents = (stream: EventStream) => stream.heard.filter((e) => e.type === 'presence').map((e) => e.data);

beforeAll(async () => {
  app = await startInboxApp(db);
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  await admin.post('/api/operators', { username: 'dpupr.sinta', name: 'Sinta (DPUPR)', role: 'agency', agency: 'DPUPR', password: 'password-sinta-1' });
  [budi, sinta, sari] = await Promise.all([
    OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1'),
    OperatorSession.login(app.url, 'dpupr.sinta', 'password-sinta-1'),
    OperatorSession.login(app.url, 'dlh.sari', 'password-dlh-01'),
  ]);
});
afterAll(async () => { await app.stop(); });

describe('presence', () => {
  it("sends A's viewing and typing to B's stream for a ticket B can see, and not to another agency's operator", async () => {
    const ticket = (await admin.post<{ number: string }>('/api/tickets', road)).body.number;
    const [b, other] = [await listenToEvents(app.url, sinta), await listenToEvents(app.url, sari)];
    const first = await budi.post<{ others: unknown[] }>(`/api/tickets/${ticket}/presence`, { state: 'viewing' });
    expect(first.status).toBe(200);
    expect(first.body.others).toEqual([]);
    await until('B hears A viewing', () => presenceEvents(b).some((e) => e.state === 'viewing'));
    expect(presenceEvents(b)).toEqual([{ type: 'presence', number: ticket, operator: 'dpupr.budi', name: 'Budi (DPUPR)', state: 'viewing' }]);
    // A renewal changes nothing others see: no second event.
    await budi.post(`/api/tickets/${ticket}/presence`, { state: 'viewing' });
    expect((await budi.post(`/api/tickets/${ticket}/presence`, { state: 'typing' })).status).toBe(200);
    await until('B hears A typing', () => presenceEvents(b).some((e) => e.state === 'typing'));
    expect(presenceEvents(b).map((e) => e.state)).toEqual(['viewing', 'typing']);
    // B opening the ticket learns who is on it, without itself.
    const seen = await sinta.post<{ others: unknown[] }>(`/api/tickets/${ticket}/presence`, { state: 'viewing' });
    expect(seen.body.others).toEqual([{ username: 'dpupr.budi', name: 'Budi (DPUPR)', state: 'typing' }]);
    await budi.post(`/api/tickets/${ticket}/presence`, { state: 'left' });
    await until('B hears A leave', () => presenceEvents(b).some((e) => e.state === 'left'));
    expect(presenceEvents(other)).toEqual([]);
    b.close();
    other.close();
  });

  it("refuses presence on another agency's ticket, and that operator's stream hears nothing of it", async () => {
    const ticket = (await admin.post<{ number: string }>('/api/tickets', rubbish)).body.number;
    const b = await listenToEvents(app.url, budi);
    expect((await budi.post(`/api/tickets/${ticket}/presence`, { state: 'viewing' })).status).toBe(404);
    expect((await sari.post(`/api/tickets/${ticket}/presence`, { state: 'typing' })).status).toBe(200);
    expect((await admin.post(`/api/tickets/${ticket}/presence`, { state: 'viewing' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(presenceEvents(b)).toEqual([]);
    expect((await sari.post(`/api/tickets/${ticket}/presence`, { state: 'sleeping' })).status).toBe(400);
    b.close();
  });
});
