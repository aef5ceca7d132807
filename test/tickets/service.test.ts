// The ticket service on the real MongoDB-protocol server.
import { describe, expect, it } from 'vitest';
import { ConcurrentUpdateError, IllegalTransitionError, InvalidTicketInputError, TicketNotFoundError } from '../../src/tickets/errors.js';
import type { NewTicketInput } from '../../src/tickets/input.js';
import { TICKET_STATUSES, type Ticket, type TicketStatus } from '../../src/tickets/model.js';
import { TicketService } from '../../src/tickets/service.js';
import { TRANSITION_ACTIONS, type TransitionAction, TRANSITIONS } from '../../src/tickets/transitions.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { openStorage } from '../../src/storage/storage.js';
import { defaultConfig } from '../support/config.js';
import { TRANSITION_INPUTS } from '../support/transitions.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase(import.meta.filename);
const config = defaultConfig();
const NOW = new Date('2026-11-24T03:00:00Z'); // 10:00 WIB
const service = () => {
  const storage = openStorage(db.connection, config);
  return new TicketService(storage.tickets, config, () => NOW);
};

const complaint = (overrides: Partial<NewTicketInput> = {}): NewTicketInput => ({
  channel: 'telegram',
  reporter: { name: 'Budi Santoso', phone: '+6281234567890', channelUserId: 'tg:1001' },
  category: 'jalan_rusak',
  description: 'Jalan berlubang besar di depan SDN 3, membahayakan pengendara motor.',
  location: { latitude: -6.2, longitude: 106.8, address: 'Jl. Merdeka No. 10' },
  ...overrides,
});

const INPUTS = TRANSITION_INPUTS;
const operator = { actor: 'operator:siti', note: 'catatan' } as const;

/** A fresh ticket brought to the given status through legal transitions. */
async function ticketIn(tickets: TicketService, status: TicketStatus): Promise<Ticket> {
  const { number } = await tickets.create(complaint(), 'reporter');
  const steps: Record<TicketStatus, TransitionAction[]> = {
    open: [],
    forwarded: ['forward'],
    rejected: ['reject'],
    in_progress: ['respond'],
    resolved: ['respond', 'submitResult', 'validate'],
    closed: ['respond', 'submitResult', 'validate', 'confirm'],
  };
  let ticket = await tickets.get(number);
  for (const action of steps[status]) ticket = await tickets.transition(number, action, INPUTS[action], operator);
  return ticket;
}

const stored = (number: string) => ticketModel(db.connection).findOne({ number }).lean();

describe('TicketService', () => {
  it('opens a ticket with a human-friendly number, routed to the agency of its category with a 1×24 h deadline', async () => {
    await openStorage(db.connection, config).ensureIndexes();
    const ticket = await service().create(complaint(), 'reporter');
    expect(ticket.number).toMatch(/^ADU-2611-\d{5}$/);
    const doc = await stored(ticket.number);
    expect(doc).toMatchObject({
      status: 'open',
      channel: 'telegram',
      agency: 'DPUPR',
      reporter: { name: 'Budi Santoso', phone: '+6281234567890', channelUserId: 'tg:1001' },
      location: { latitude: -6.2, longitude: 106.8, address: 'Jl. Merdeka No. 10' },
      due: { agencyNotice: NOW, firstResponse: new Date(NOW.getTime() + 24 * 3_600_000), firstResponseReminder: new Date(NOW.getTime() + 18 * 3_600_000) },
      history: [{ action: 'create', actor: 'reporter', from: null, to: 'open', at: NOW }],
    });
  });

  it('forwards a complaint outside the city’s authority at once', async () => {
    const ticket = await service().create(complaint({ category: 'listrik' }), 'reporter');
    expect(await stored(ticket.number)).toMatchObject({ status: 'forwarded', forwardedTo: 'sp4n_lapor', history: [{ to: 'open' }, { from: 'open', to: 'forwarded' }] });
    expect((await stored(ticket.number))?.agency).toBeUndefined();
  });

  it('rejects invalid input with every problem and stores nothing', async () => {
    const before = await ticketModel(db.connection).countDocuments();
    const attempt = service().create(
      complaint({ category: 'tidak_ada', description: '   ', reporter: { phone: '0812' }, location: { latitude: 123, longitude: 0 } }),
      'reporter',
    );
    await expect(attempt).rejects.toThrow(InvalidTicketInputError);
    const problems = ((await attempt.catch((e: unknown) => e)) as InvalidTicketInputError).problems;
    expect(problems).toEqual([
      'reporter.phone: expected an international number like +6281234567890',
      'description: must not be empty',
      'location.latitude: Too big: expected number to be <=90',
    ]);
    await expect(service().create(complaint({ category: 'tidak_ada' }), 'reporter')).rejects.toThrow('category: unknown category "tidak_ada"');
    expect(await ticketModel(db.connection).countDocuments()).toBe(before);
  });

  it('gives 200 concurrent creations 200 distinct, gap-free numbers', async () => {
    const tickets = service();
    const first = await tickets.create(complaint(), 'reporter');
    const created = await Promise.all(Array.from({ length: 200 }, (_, i) => tickets.create(complaint({ reporter: { channelUserId: `tg:${i}` } }), 'reporter')));
    const sequences = created.map((t) => Number(t.number.slice(-5))).sort((a, b) => a - b);
    const start = Number(first.number.slice(-5)) + 1;
    expect(sequences).toEqual(Array.from({ length: 200 }, (_, i) => start + i));
    expect(await ticketModel(db.connection).countDocuments({ number: { $in: created.map((t) => t.number) } })).toBe(200);
  });

  it('walks the whole life cycle, recording every step in the history', async () => {
    const tickets = service();
    const { number } = await tickets.create(complaint({ category: 'sampah' }), 'reporter');
    await tickets.transition(number, 'route', { agency: 'DPUPR', category: 'jalan_rusak' }, { actor: 'operator:siti', note: 'salah kategori' });
    await tickets.transition(number, 'respond', {}, { actor: 'agency:DPUPR/budi' });
    await tickets.transition(number, 'submitResult', { text: 'Sudah ditambal sementara.' }, { actor: 'agency:DPUPR/budi' });
    await tickets.transition(number, 'returnToAgency', {}, { actor: 'operator:siti', note: 'foto hasil belum ada' });
    await tickets.transition(number, 'submitResult', { text: 'Sudah diaspal ulang.' }, { actor: 'agency:DPUPR/budi' });
    await tickets.transition(number, 'validate', {}, { actor: 'operator:siti' });
    await tickets.transition(number, 'reopen', {}, { actor: 'reporter', note: 'belum, masih rusak' });
    await tickets.transition(number, 'submitResult', { text: 'Diperbaiki total.' }, { actor: 'agency:DPUPR/budi' });
    await tickets.transition(number, 'validate', {}, { actor: 'operator:siti' });
    const closed = await tickets.transition(number, 'confirm', {}, { actor: 'reporter' });

    expect(closed).toMatchObject({ status: 'closed', closeReason: 'confirmed', agency: 'DPUPR', category: 'jalan_rusak', reopenCount: 1, closedAt: NOW, due: {} });
    const doc = await stored(number);
    expect(doc?.history.map((h) => `${h.action}:${String(h.from)}→${h.to}`)).toEqual([
      'create:null→open',
      'route:open→open',
      'respond:open→in_progress',
      'submitResult:in_progress→in_progress',
      'returnToAgency:in_progress→in_progress',
      'submitResult:in_progress→in_progress',
      'validate:in_progress→resolved',
      'reopen:resolved→in_progress',
      'submitResult:in_progress→in_progress',
      'validate:in_progress→resolved',
      'confirm:resolved→closed',
    ]);
    expect(doc?.history[7]).toMatchObject({ actor: 'reporter', note: 'belum, masih rusak' });
    expect(doc?.version).toBe(10);
  });

  it('closes a resolved ticket nobody confirmed with reason no_confirmation', async () => {
    const tickets = service();
    const resolved = await ticketIn(tickets, 'resolved');
    expect(resolved.due).toMatchObject({ confirmationReminder: new Date(NOW.getTime() + 7 * 86_400_000), autoClose: new Date(NOW.getTime() + 14 * 86_400_000) });
    const closed = await tickets.transition(resolved.number, 'closeNoConfirmation', {}, { actor: 'system:auto-close' });
    expect(closed).toMatchObject({ status: 'closed', closeReason: 'no_confirmation', due: {} });
  });

  describe('illegal transitions fail with a typed error and change nothing', () => {
    for (const status of TICKET_STATUSES) {
      const illegal = TRANSITION_ACTIONS.filter((a) => !TRANSITIONS[a].from.includes(status));
      it(`from ${status}: ${illegal.join(', ')}`, async () => {
        const tickets = service();
        const ticket = await ticketIn(tickets, status);
        const before = await stored(ticket.number);
        for (const action of illegal) {
          await expect(tickets.transition(ticket.number, action, INPUTS[action] as never, operator)).rejects.toThrow(IllegalTransitionError);
        }
        expect(await stored(ticket.number)).toEqual(before);
      });
    }
  });

  it('lets exactly one of two concurrent transitions from the same state win', async () => {
    const tickets = service();
    const a = await ticketIn(tickets, 'open');
    const responses = await Promise.allSettled([tickets.transition(a.number, 'respond', {}, operator), tickets.transition(a.number, 'respond', {}, operator)]);
    expect(responses.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(responses.find((r) => r.status === 'rejected')?.reason).toBeInstanceOf(IllegalTransitionError);

    // Two operators acting on the same screen (version) of a ticket.
    const b = await ticketIn(tickets, 'open');
    const routes = await Promise.allSettled([
      tickets.transition(b.number, 'route', { agency: 'DLH' }, { ...operator, expectedVersion: b.version }),
      tickets.transition(b.number, 'route', { agency: 'DISHUB' }, { ...operator, expectedVersion: b.version }),
    ]);
    expect(routes.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(routes.find((r) => r.status === 'rejected')?.reason).toBeInstanceOf(ConcurrentUpdateError);
    const doc = await stored(b.number);
    expect(doc?.history).toHaveLength(2);
    const winner = routes.find((r): r is PromiseFulfilledResult<Ticket> => r.status === 'fulfilled');
    expect(doc?.agency).toBe(winner?.value.agency);
  });

  it('validates transition inputs and unknown numbers', async () => {
    const tickets = service();
    const ticket = await ticketIn(tickets, 'open');
    await expect(tickets.transition(ticket.number, 'route', { agency: 'NOPE' }, operator)).rejects.toThrow('agency: unknown agency "NOPE"');
    await expect(tickets.transition(ticket.number, 'forward', { forwardTo: 'nowhere' }, operator)).rejects.toThrow(InvalidTicketInputError);
    await expect(tickets.transition('ADU-2611-99999', 'respond', {}, operator)).rejects.toThrow(TicketNotFoundError);
  });
});
