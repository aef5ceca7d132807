// A city counting SLAs in working days (issue 15, item 2): the ticket service on the real MongoDB-protocol
// server sets every agency deadline in working time, and clock mode keeps today's deadlines.
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import type { NewTicketInput } from '../../src/tickets/input.js';
import { TicketService } from '../../src/tickets/service.js';
import { openStorage } from '../../src/storage/storage.js';
import { defaultConfig } from '../support/config.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase(import.meta.filename);
const HOUR = 3_600_000;
const wib = (local: string): Date => new Date(`${local}+07:00`);

function working(config: Config): void {
  const calendar = config.sla.calendar;
  if (!calendar) throw new Error('the shipped configuration has no sla.calendar');
  config.sla.calendar = { ...calendar, mode: 'working' };
}

const service = (config: Config, clock: () => Date) => new TicketService(openStorage(db.connection, config).tickets, config, clock);

const complaint: NewTicketInput = {
  channel: 'telegram',
  reporter: { name: 'Budi Santoso', phone: '+6281234567890', channelUserId: 'tg:1001' },
  category: 'jalan_rusak',
  description: 'Jalan berlubang besar di depan SDN 3, membahayakan pengendara motor.',
  location: { latitude: -6.2, longitude: 106.8, address: 'Jl. Merdeka No. 10' },
};

describe('SLA deadlines in working time (sla.calendar.mode: working, 08:00–16:00 WIB, Monday–Friday)', () => {
  it('a report on Friday afternoon gets its first response due on Monday; follow-up and transfer count working days too', async () => {
    let now = wib('2026-11-27T14:00:00'); // Friday 14:00 WIB
    const tickets = service(defaultConfig(working), () => now);
    const created = await tickets.create(complaint, 'reporter');
    expect(created.due.firstResponse).toEqual(wib('2026-11-30T14:00:00')); // 1×24 jam = one working day
    expect(created.due.firstResponseReminder).toEqual(wib('2026-11-30T12:00:00')); // at 75 % of it
    expect(created.deadline).toEqual({ kind: 'firstResponse', start: now, at: wib('2026-11-30T14:00:00') });
    const stored = await tickets.get(created.number);
    expect(stored.due.firstResponse).toEqual(wib('2026-11-30T14:00:00'));

    // Transferred on Saturday evening: the new agency's day starts on Monday morning.
    now = wib('2026-11-28T20:00:00');
    const routed = await tickets.transition(created.number, 'route', { agency: 'DLH' }, { actor: 'operator:siti' });
    expect(routed.due.firstResponse).toEqual(wib('2026-11-30T16:00:00'));
    expect(routed.due.firstResponseReminder).toEqual(wib('2026-11-30T14:00:00'));

    // Taken up on Wednesday 23 December 2026 at 15:00: 3 working days skip cuti bersama (24), Natal (25) and the weekend.
    now = wib('2026-12-23T15:00:00');
    const responded = await tickets.transition(created.number, 'respond', {}, { actor: 'agency:DLH/rina' });
    expect(responded.due.followUp).toEqual(wib('2026-12-30T15:00:00')); // 1 h + 8 h (Mon 28) + 8 h (Tue 29) + 7 h (Wed 30)
    expect(responded.due.followUpReminder).toEqual(wib('2026-12-30T09:00:00')); // 75 %: 18 working hours (1 + 8 + 8 + 1)
    expect(responded.deadline).toEqual({ kind: 'followUp', start: now, at: wib('2026-12-30T15:00:00') });
  });

  it('clock mode (the shipped default) keeps 24 hours and 3 days of clock time', async () => {
    const now = wib('2026-11-27T14:00:00');
    const tickets = service(defaultConfig(), () => now);
    const created = await tickets.create(complaint, 'reporter');
    expect(created.due.firstResponse).toEqual(new Date(now.getTime() + 24 * HOUR));
    expect(created.due.firstResponseReminder).toEqual(new Date(now.getTime() + 18 * HOUR));
    const responded = await tickets.transition(created.number, 'respond', {}, { actor: 'agency:DPUPR/budi' });
    expect(responded.due.followUp).toEqual(new Date(now.getTime() + 72 * HOUR));
  });
});
