// The handlers that work on tickets, one at a time, on the test database:
// the confirmation answer, a reply in a ticket's thread, an agency's answer,
// a status request, and a complete email report.
import { describe, expect, it } from 'vitest';
import { agencyReply } from '../../../src/conversation/handlers/agency-reply.js';
import { commands } from '../../../src/conversation/handlers/commands.js';
import { askConfirmation, confirmation } from '../../../src/conversation/handlers/confirmation.js';
import { oneShot } from '../../../src/conversation/handlers/one-shot.js';
import { threadReply } from '../../../src/conversation/handlers/thread-reply.js';
import { idleState } from '../../../src/conversation/state.js';
import { loadTexts } from '../../../src/conversation/texts.js';
import { LOCALES_DIR } from '../../../src/conversation/setup.js';
import { openStorage } from '../../../src/storage/storage.js';
import type { Ticket } from '../../../src/tickets/model.js';
import { TicketService } from '../../../src/tickets/service.js';
import { defaultConfig } from '../../support/config.js';
import { PHONE_CHANNEL, WEB_CHAT } from '../../support/conversation.js';
import { useTestDatabase } from '../../support/database.js';
import { inbound, runHandler, textsOf } from '../../support/turn.js';

const db = useTestDatabase(import.meta.filename);
const EMAIL = { ...PHONE_CHANNEL, knowsPhone: false, buttons: false, oneShot: true };
const service = () => new TicketService(openStorage(db.connection, defaultConfig()).tickets, defaultConfig());

async function ticketOf(user: string, channel: Ticket['channel'] = 'webchat'): Promise<Ticket> {
  return service().create({ channel, reporter: { name: 'Rina', phone: '+6281234567890', channelUserId: user }, category: 'jalan_rusak', description: 'Jalan berlubang besar di depan Pasar Baru.' }, 'reporter');
}

async function resolved(user: string): Promise<Ticket> {
  const tickets = service();
  const { number } = await ticketOf(user);
  await tickets.transition(number, 'respond', {}, { actor: 'agency:DPUPR/budi' });
  await tickets.transition(number, 'submitResult', { text: 'Lubang sudah ditambal.', attachments: [] }, { actor: 'agency:DPUPR/budi' });
  return tickets.transition(number, 'validate', {}, { actor: 'operator:siti' });
}

describe('confirmation handler', () => {
  const texts = loadTexts(LOCALES_DIR);
  it('asks with yes/no and the result; "iya" closes the ticket; the question is then answered', async () => {
    const ticket = await resolved('c1');
    const asked = askConfirmation(ticket, 'Dinas PUPR')(idleState('id'), { t: (k, v) => texts.t('id', k, v), capabilities: WEB_CHAT });
    expect(asked.state.pendingConfirmation).toBe(ticket.number);
    expect(asked.replies.at(-1)?.choices?.map((c) => c.label)).toEqual(['Ya', 'Tidak']);
    const { ctx, passed } = await runHandler(confirmation, inbound({ channelUserId: 'c1', text: 'Ya' }), { state: asked.state, tickets: service() });
    expect(passed).toBe(false);
    expect(ctx.state.pendingConfirmation).toBeUndefined();
    expect(textsOf(ctx)[0]).toContain(`Tiket ${ticket.number} kami tutup`);
    expect((await service().get(ticket.number)).status).toBe('closed');
  });

  it('"Tidak, masih berlubang" reopens with the words; an unclear answer and a report in progress pass on', async () => {
    const ticket = await resolved('c2');
    const state = { ...idleState('id'), pendingConfirmation: ticket.number };
    const unclear = await runHandler(confirmation, inbound({ channelUserId: 'c2', text: 'gimana ya' }), { state, tickets: service() });
    expect(unclear.passed).toBe(true);
    const busy = await runHandler(confirmation, inbound({ channelUserId: 'c2', text: 'Tidak' }), { state: { ...state, flow: 'complaint', step: 'description' }, tickets: service() });
    expect(busy.passed).toBe(true);
    const no = await runHandler(confirmation, inbound({ channelUserId: 'c2', text: 'Tidak, masih berlubang' }), { state, tickets: service() });
    expect(textsOf(no.ctx)[0]).toContain('dibuka kembali');
    const reopened = await service().get(ticket.number);
    expect(reopened.status).toBe('in_progress');
    expect(reopened.history.at(-1)).toMatchObject({ action: 'reopen', actor: 'reporter', note: 'Tidak, masih berlubang' });
  });

  it('on email, only a reply in the ticket\'s thread answers the question', async () => {
    const ticket = await resolved('c3');
    const state = { ...idleState('id'), pendingConfirmation: ticket.number };
    const newMail = await runHandler(confirmation, inbound({ channel: 'email', channelUserId: 'c3', text: 'Tidak ada lampu di gang kami' }), { state, capabilities: EMAIL, tickets: service() });
    expect(newMail.passed).toBe(true);
  });
});

describe('thread reply handler', () => {
  it('a reply in the thread of one\'s own ticket joins it; someone else\'s ticket number passes on', async () => {
    const ticket = await ticketOf('t1', 'email');
    const own = await runHandler(threadReply, inbound({ channel: 'email', channelUserId: 't1', text: 'Tambahan: tiangnya miring.', replyTo: { ticketNumber: ticket.number } }), { capabilities: EMAIL, tickets: service() });
    expect(own.ctx.ticketNumber).toBe(ticket.number);
    expect(textsOf(own.ctx)[0]).toContain(ticket.number);
    const other = await runHandler(threadReply, inbound({ channel: 'email', channelUserId: 'someone-else', text: 'x', replyTo: { ticketNumber: ticket.number } }), { capabilities: EMAIL, tickets: service() });
    expect(other.passed).toBe(true);
    expect(other.ctx.ticketNumber).toBeUndefined();
  });
});

describe('agency reply handler', () => {
  const agencyMail = (ticketNumber: string, agency = 'DPUPR') => inbound({ channel: 'email', channelUserId: 'pengaduan.dpupr@kotacontoh.go.id', text: 'Siap, kami cek besok.', replyTo: { ticketNumber }, agency });

  it('the holding agency\'s first answer is its first response; it joins the thread; the bot says nothing', async () => {
    const ticket = await ticketOf('a1');
    const { ctx, passed } = await runHandler(agencyReply, agencyMail(ticket.number), { capabilities: EMAIL, tickets: service() });
    expect(passed).toBe(false);
    expect(ctx.replies).toEqual([]);
    expect(ctx.ticketNumber).toBe(ticket.number);
    expect((await service().get(ticket.number)).history.at(-1)).toMatchObject({ action: 'respond', actor: 'agency:DPUPR/email', note: 'Siap, kami cek besok.' });
    // A second answer only joins the thread.
    const again = await runHandler(agencyReply, agencyMail(ticket.number), { capabilities: EMAIL, tickets: service() });
    expect(again.ctx.ticketNumber).toBe(ticket.number);
    expect((await service().get(ticket.number)).history.filter((h) => h.action === 'respond')).toHaveLength(1);
  });

  it('another agency\'s answer is kept in the thread but responds for nobody; an unknown ticket is set aside for a person', async () => {
    const ticket = await ticketOf('a2');
    const other = await runHandler(agencyReply, agencyMail(ticket.number, 'DLH'), { capabilities: EMAIL, tickets: service() });
    expect(other.ctx.ticketNumber).toBe(ticket.number);
    expect((await service().get(ticket.number)).status).toBe('open');
    const unknown = await runHandler(agencyReply, agencyMail('ADU-2612-99999'), { capabilities: EMAIL, tickets: service() });
    expect(unknown.ctx.setAsideReason).toBeDefined();
    const citizen = await runHandler(agencyReply, inbound({ text: 'halo' }), { tickets: service() });
    expect(citizen.passed).toBe(true);
  });
});

describe('status command and a complete email report', () => {
  it('tells the status of one\'s own ticket only', async () => {
    const ticket = await ticketOf('s1');
    const own = await runHandler(commands, inbound({ channelUserId: 's1', text: `status ${ticket.number}` }), { tickets: service() });
    expect(textsOf(own.ctx)[0]).toContain(ticket.number);
    expect(textsOf(own.ctx)[0]).not.toMatch(/tidak ditemukan/i);
    const other = await runHandler(commands, inbound({ channelUserId: 's2', text: `status ${ticket.number}` }), { tickets: service() });
    expect(textsOf(other.ctx)[0]).toMatch(/tidak ditemukan|tidak kami temukan/i);
  });

  it('an email with every fact opens the ticket at once, with the summary and its number', async () => {
    const text = 'Sampah menumpuk di TPS Jl. Melati sudah seminggu dan bau.\nNama: Rina Wati\nTelepon: 081234567890\nAlamat: Jl. Melati 3\nKategori: sampah\nLokasi: -6.2001, 106.8167';
    const { ctx } = await runHandler(oneShot, inbound({ channel: 'email', channelUserId: 'rina@warga.example', text, sender: { email: 'rina@warga.example' } }), { capabilities: EMAIL, tickets: service() });
    expect(ctx.state.flow).toBeUndefined();
    expect(ctx.ticketNumber).toMatch(/^ADU-\d{4}-\d{5}$/);
    expect(textsOf(ctx).join('\n')).toContain('Ringkasan laporan Anda');
    const ticket = await service().get(ctx.ticketNumber ?? '');
    expect(ticket).toMatchObject({ channel: 'email', category: 'sampah', reporter: { name: 'Rina Wati', phone: '+6281234567890', email: 'rina@warga.example' }, location: { latitude: -6.2001, longitude: 106.8167 } });
  });
});
