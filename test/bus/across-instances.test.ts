// Two instances of the whole service on one database (issue 18 item 1): what
// one records reaches the operators and citizens connected to the other within
// a second: the inbox's event stream, the web chat's long poll, presence.
// One event is allowed LATE (2.5 s): the suite runs test files side by side on
// one write gate and two cores; that still tells the bus (about 0.25 s) from
// the long poll's 5 s recheck and from no delivery at all. The latency figures
// come from the 50-event run at the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { SharedBus } from '../../src/bus/shared-bus.js';
import { InboxEvents } from '../../src/inbox/events.js';
import { Presence } from '../../src/inbox/presence.js';
import { SharedPresence } from '../../src/inbox/shared-presence.js';
import { mongoEventLog } from '../../src/storage/event-log.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp } from '../support/inbox.js';
import { listenToEvents } from '../support/event-stream.js';
import { until } from '../support/until.js';
import { WebchatCitizen } from '../support/webchat.js';

const db = useTestDatabase(import.meta.filename);
let a: RunningApplication;
let b: RunningApplication;
let adminA: OperatorSession;
let adminB: OperatorSession;

const LATE = 2_500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  a = await startInboxApp(db);
  b = await startInboxApp(db);
  // Sessions live in the database: one login works on both instances (no stickiness needed).
  adminA = await OperatorSession.login(a.url, ADMIN.username, ADMIN.password);
  adminB = new OperatorSession(b.url);
  adminB.cookie = adminA.cookie;
  adminB.csrf = adminA.csrf;
  await addOperators(adminA);
  await adminA.post('/api/operators', { username: 'dpupr.sinta', name: 'Sinta (DPUPR)', role: 'agency', agency: 'DPUPR', password: 'password-sinta-1' });
}, 60_000);
afterAll(async () => { await Promise.all([a.stop(), b.stop()]); });

describe('two instances on one database', () => {
  it("wakes a citizen's long poll on B at once (not at its 5 s recheck) when a reply is sent through A, and B's operator hears the citizen's answer recorded by A", async () => {
    const citizenOnA = new WebchatCitizen(a.url);
    const number = await citizenOnA.report({ name: 'Dewi Lestari', phone: '081299990000', address: 'Jl. Anggrek 7', category: 'Drainase / banjir', description: 'Selokan meluap setiap hujan' });
    // B has heard of the report by now: the streams below start with the reply.
    await sleep(700);
    const onB = await listenToEvents(b.url, adminB);
    const onA = await listenToEvents(a.url, adminA);

    // The same browser's next long poll lands on B (no sticky sessions).
    const citizenOnB = new WebchatCitizen(b.url, citizenOnA.sessionId);
    citizenOnB.after = citizenOnA.after;
    const polling = citizenOnB.poll(20).then((messages) => ({ messages, at: Date.now() }));
    await sleep(300);
    const sent = await adminA.post(`/api/tickets/${number}/replies`, { text: 'Bu Dewi, selokan di sisi mana?' });
    expect(sent.status).toBe(202);
    const replied = Date.now();
    const woken = await polling;
    expect(woken.messages.map((m) => m.text).join('\n')).toContain('Bu Dewi, selokan di sisi mana?');
    // Without the signal from A, B would find it at its 5 s recheck.
    expect(woken.at - replied).toBeLessThan(LATE);
    await until("B's operator hears of the reply", () => onB.heard.some((e) => e.type === 'reply' && e.data.number === number), LATE);

    // The citizen answers through A: the operator on B hears it joined the thread.
    citizenOnA.after = citizenOnB.after;
    await citizenOnA.post({ text: 'Sisi utara, dekat masjid' });
    const posted = Date.now();
    await until("B's operator hears the citizen's message", () => onB.heard.some((e) => e.type === 'message' && e.data.number === number), LATE);
    const message = onB.heard.find((e) => e.type === 'message' && e.data.number === number);
    expect((message?.at ?? Infinity) - posted).toBeLessThan(LATE);
    expect(message?.data).toEqual({ type: 'message', number });

    // A few polls later: each stream heard each change once, its own instance's events included.
    await sleep(800);
    for (const stream of [onA, onB]) {
      expect(stream.heard.filter((e) => e.type === 'reply' && e.data.number === number)).toHaveLength(1);
      expect(stream.heard.filter((e) => e.type === 'message' && e.data.number === number)).toHaveLength(1);
    }
    onA.close();
    onB.close();
  }, 60_000);

  it("shows an operator on A to another on B who opens the same ticket, on both streams once", async () => {
    const number = (await adminA.post<{ number: string }>('/api/tickets', { channel: 'phone', reporter: { name: 'Pak Joko' }, category: 'jalan_rusak', description: 'Aspal mengelupas di Jl. Cempaka' })).body.number;
    const budiOnA = await OperatorSession.login(a.url, 'dpupr.budi', 'password-dpupr-1');
    const sintaOnB = await OperatorSession.login(b.url, 'dpupr.sinta', 'password-sinta-1');
    const sariOnB = await OperatorSession.login(b.url, 'dlh.sari', 'password-dlh-01');
    const [sintaHears, sariHears] = [await listenToEvents(b.url, sintaOnB), await listenToEvents(b.url, sariOnB)];
    expect((await budiOnA.post(`/api/tickets/${number}/presence`, { state: 'viewing' })).status).toBe(200);
    const marked = Date.now();
    const budiOnTicket = () => sintaHears.heard.filter((e) => e.type === 'presence' && e.data.operator === 'dpupr.budi');
    await until('Sinta on B hears Budi on A viewing', () => budiOnTicket().length > 0, LATE);
    expect((budiOnTicket()[0]?.at ?? Infinity) - marked).toBeLessThan(LATE);
    expect(budiOnTicket().map((e) => e.data)).toEqual([{ type: 'presence', number, operator: 'dpupr.budi', name: 'Budi (DPUPR)', state: 'viewing' }]);
    // Sinta opening the ticket on B is told Budi is on it; Budi, renewing on A, is told Sinta is.
    expect((await sintaOnB.post<{ others: unknown[] }>(`/api/tickets/${number}/presence`, { state: 'viewing' })).body.others).toEqual([{ username: 'dpupr.budi', name: 'Budi (DPUPR)', state: 'viewing' }]);
    await until('A knows Sinta is on it', async () => (await budiOnA.post<{ others: unknown[] }>(`/api/tickets/${number}/presence`, { state: 'viewing' })).body.others.length === 1, LATE);
    // A renewal is no news: still one event; another agency's operator heard nothing.
    await sleep(600);
    expect(budiOnTicket()).toHaveLength(1);
    expect(sariHears.heard).toEqual([]);
    sintaHears.close();
    sariHears.close();
  });

  it('delivers 50 inbox events from A to a stream on B, most within a second even under the suite load (latency printed)', async () => {
    const number = (await adminA.post<{ number: string }>('/api/tickets', { channel: 'phone', reporter: { name: 'Bu Ani' }, category: 'sampah', description: 'Sampah menumpuk di Jl. Melati' })).body.number;
    const onB = await listenToEvents(b.url, adminB);
    const latencies: number[] = [];
    for (let i = 0; i < 50; i++) {
      const before = onB.heard.length;
      const sent = Date.now();
      expect((await adminA.post(`/api/tickets/${number}/notes`, { text: `Catatan ${String(i)}` })).status).toBe(201);
      await until('B hears the note', () => onB.heard.slice(before).some((e) => e.data.action === 'note'), 3_000);
      latencies.push((onB.heard.slice(before).find((e) => e.data.action === 'note')?.at ?? Infinity) - sent);
      // Spread over the poll interval, as real notes are.
      await sleep(37);
    }
    latencies.sort((x, y) => x - y);
    const p50 = latencies[25] ?? 0;
    const max = latencies.at(-1) ?? 0;
    // eslint-disable-next-line no-console -- the figures belong in the test output (README, "Live updates across instances")
    console.log(`inbox event A → stream on B, note POST sent to event heard, 50 events: p50 ${String(p50)} ms, p90 ${String(latencies[45])} ms, max ${String(max)} ms`);
    // B's /metrics counts what it heard from other instances, and how late.
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    const delays = Number(/^aduan_live_update_delay_seconds_count (\d+)/m.exec(metrics)?.[1] ?? 0);
    expect(delays).toBeGreaterThanOrEqual(50);
    // Half within a second, whatever else the machine runs; in a quiet run all are (README, "Live updates across instances").
    expect(p50).toBeLessThan(1_000);
    expect(max).toBeLessThan(LATE * 2);
    onB.close();
  }, 90_000);
});

describe('presence when an instance dies', () => {
  it("forgets an operator whose instance stopped renewing, on the instances still running", async () => {
    const log = mongoEventLog(db.connection);
    const [busA, busB] = [new SharedBus({ log, pollMs: 50, keepMs: 60_000 }), new SharedBus({ log, pollMs: 50, keepMs: 60_000 })];
    await Promise.all([busA.start(), busB.start()]);
    const presenceA = new SharedPresence(busA, new InboxEvents(busA), new Presence(400));
    const presenceB = new SharedPresence(busB, new InboxEvents(busB), new Presence(400));
    presenceA.mark({ number: 'ADU-2612-00009', agency: 'DPUPR', operator: 'dpupr.budi', name: 'Budi (DPUPR)', state: 'viewing' });
    await until('B knows Budi is on the ticket', () => presenceB.on('ADU-2612-00009').length === 1, LATE);
    // Renewals keep the mark alive on B past its lifetime...
    for (let i = 0; i < 4; i++) {
      await sleep(150);
      presenceA.mark({ number: 'ADU-2612-00009', agency: 'DPUPR', operator: 'dpupr.budi', name: 'Budi (DPUPR)', state: 'viewing' });
    }
    await sleep(100);
    expect(presenceB.on('ADU-2612-00009')).toEqual([{ username: 'dpupr.budi', name: 'Budi (DPUPR)', state: 'viewing' }]);
    // ...A dies (no more renewals, no "left"): B forgets Budi within the mark's lifetime.
    await busA.stop();
    await until('B forgets Budi', () => presenceB.on('ADU-2612-00009').length === 0, 1_000);
    await busB.stop();
  });
});
