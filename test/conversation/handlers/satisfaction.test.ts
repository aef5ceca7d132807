// The satisfaction question after a confirmed close, one handler at a time on
// the test database: asked with five answers right after the "yes", the first
// rating stored (version unchanged), thanks alone answered once, anything else
// passed on with the question dropped, and who rated (reporter or follower).
import { describe, expect, it } from 'vitest';
import { confirmation } from '../../../src/conversation/handlers/confirmation.js';
import { satisfaction } from '../../../src/conversation/handlers/satisfaction.js';
import type { ConversationState } from '../../../src/conversation/state.js';
import { ticketModel } from '../../../src/storage/models/ticket.js';
import { openStorage } from '../../../src/storage/storage.js';
import type { Ticket } from '../../../src/tickets/model.js';
import { raterOf } from '../../../src/tickets/satisfaction.js';
import { TicketService } from '../../../src/tickets/service.js';
import { defaultConfig } from '../../support/config.js';
import { PHONE_CHANNEL } from '../../support/conversation.js';
import { useTestDatabase } from '../../support/database.js';
import { resolvedTicket } from '../../support/resolved.js';
import { inbound, runHandler, textsOf } from '../../support/turn.js';

const db = useTestDatabase(import.meta.filename);
const EMAIL = { ...PHONE_CHANNEL, knowsPhone: false, buttons: false, oneShot: true };
const service = () => new TicketService(openStorage(db.connection, defaultConfig()).tickets, defaultConfig());
const DAY = 86_400_000;

const resolved = (user: string): Promise<Ticket> => resolvedTicket(service(), 'webchat', user);

/** The reporter of a resolved ticket says "Ya": the state the satisfaction question leaves. */
async function confirmed(user: string, now = new Date()): Promise<{ ticket: Ticket; state: ConversationState }> {
  const ticket = await resolved(user);
  const { ctx } = await runHandler(confirmation, inbound({ channelUserId: user, text: 'Ya' }), { state: { pendingConfirmation: ticket.number }, tickets: service(), now });
  return { ticket, state: ctx.state };
}

const rate = (user: string, text: string, state: ConversationState, now = new Date()) => runHandler(satisfaction, inbound({ channelUserId: user, text }), { state, tickets: service(), now });

describe('satisfaction handler', () => {
  it('the "yes" that closes a ticket is thanked, then asked 1–5 with five answers; "4" is stored and thanked', async () => {
    const now = new Date();
    const ticket = await resolved('s1');
    const yes = await runHandler(confirmation, inbound({ channelUserId: 's1', text: 'Sudah' }), { state: { pendingConfirmation: ticket.number }, tickets: service(), now });
    expect(textsOf(yes.ctx)).toEqual([`Terima kasih atas konfirmasinya. Tiket ${ticket.number} kami tutup.`, `Satu pertanyaan lagi: seberapa puas Anda dengan penanganan laporan ${ticket.number}? Beri nilai 1 (tidak puas) sampai 5 (sangat puas).`]);
    expect(yes.ctx.replies[1]?.choices).toEqual([
      { value: '1', label: 'Tidak puas' }, { value: '2', label: 'Kurang puas' }, { value: '3', label: 'Biasa saja' }, { value: '4', label: 'Puas' }, { value: '5', label: 'Sangat puas' },
    ]);
    expect(yes.ctx.state.pendingRating).toEqual({ ticket: ticket.number, until: new Date(now.getTime() + 3 * DAY).toISOString() });
    expect(yes.ctx.ticketNumber).toBe(ticket.number);
    const closed = await service().get(ticket.number);

    const four = await rate('s1', '4', yes.ctx.state);
    expect(four.passed).toBe(false);
    expect(textsOf(four.ctx)).toEqual(['Terima kasih atas penilaian Anda (4/5)! 🙏 Masukan ini membantu kami memperbaiki layanan.']);
    expect(four.ctx.state.pendingRating).toBeUndefined();
    expect(four.ctx.ticketNumber).toBe(ticket.number);
    const rated = await service().get(ticket.number);
    expect(rated.satisfaction).toMatchObject({ score: 4, by: 'reporter' });
    expect(rated.satisfaction?.at).toBeInstanceOf(Date);
    // Not a step of the life cycle: the version and history stay as the close left them.
    expect(rated.version).toBe(closed.version);
    expect(rated.history).toHaveLength(closed.history.length);
  });

  it('a low rating is met with an apology that names the agency; the button label counts as its score', async () => {
    const { ticket, state } = await confirmed('s2');
    const { ctx } = await rate('s2', 'Kurang puas', state);
    expect(textsOf(ctx)[0]).toBe('Terima kasih atas penilaiannya (2/5), dan mohon maaf penanganannya belum memuaskan. Penilaian Anda masuk ke laporan evaluasi Dinas Pekerjaan Umum dan Penataan Ruang. Jika masalahnya muncul lagi, ketik MENU untuk membuat laporan baru.');
    expect((await service().get(ticket.number)).satisfaction?.score).toBe(2);
  });

  it('thanks alone is answered once with the question again; a second one passes on and the question is dropped', async () => {
    const { ticket, state } = await confirmed('s3');
    const thanks = await rate('s3', 'makasih min', state);
    expect(thanks.passed).toBe(false);
    expect(textsOf(thanks.ctx)).toEqual([`Sama-sama! 🙏 Jika berkenan, beri nilai 1 sampai 5 untuk penanganan laporan ${ticket.number}.`]);
    expect(thanks.ctx.replies[0]?.choices).toHaveLength(5);
    expect(thanks.ctx.state.pendingRating).toMatchObject({ ticket: ticket.number, nudged: true });
    const again = await rate('s3', 'oke', thanks.ctx.state);
    expect(again.passed).toBe(true);
    expect(again.ctx.replies).toEqual([]);
    expect(again.ctx.state.pendingRating).toBeUndefined();
    expect((await service().get(ticket.number)).satisfaction).toBeUndefined();
  });

  it('a number off the scale is asked again; then "⭐⭐⭐⭐⭐" is stored', async () => {
    const { ticket, state } = await confirmed('s4');
    const ten = await rate('s4', '10', state);
    expect(ten.passed).toBe(false);
    expect(textsOf(ten.ctx)).toEqual(['Mohon beri nilai dengan angka 1 sampai 5: 1 berarti tidak puas, 5 berarti sangat puas.']);
    expect(ten.ctx.state.pendingRating?.ticket).toBe(ticket.number);
    await rate('s4', '⭐⭐⭐⭐⭐', ten.ctx.state);
    expect((await service().get(ticket.number)).satisfaction?.score).toBe(5);
  });

  it('a new report instead of a rating passes on, and the question is dropped without a rating', async () => {
    const { ticket, state } = await confirmed('s5');
    const report = await rate('s5', 'Lampu jalan mati di Jl. Merdeka', state);
    expect(report.passed).toBe(true);
    expect(report.ctx.replies).toEqual([]);
    expect(report.ctx.state.pendingRating).toBeUndefined();
    expect(report.ctx.ticketNumber).toBeUndefined();
    expect((await service().get(ticket.number)).satisfaction).toBeUndefined();
  });

  it('after `conversation.ratingWindow` a "5" is no rating any more: it passes on', async () => {
    const start = new Date(Date.now() - 4 * DAY);
    const { ticket, state } = await confirmed('s6', start);
    const late = await rate('s6', '5', state);
    expect(late.passed).toBe(true);
    expect(late.ctx.state.pendingRating).toBeUndefined();
    expect((await service().get(ticket.number)).satisfaction).toBeUndefined();
  });

  it('the first rating counts: a second one (a redelivery, or another person) changes nothing', async () => {
    const { ticket, state } = await confirmed('s7');
    await rate('s7', '3', state);
    const second = await rate('s7', '1', state);
    expect(textsOf(second.ctx)[0]).toContain('(1/5)');
    expect((await service().get(ticket.number)).satisfaction?.score).toBe(3);
    expect(await service().rate(ticket.number, 5, { channel: 'webchat', channelUserId: 'someone' })).toMatchObject({ outcome: 'rated_before' });
  });

  it('a follower whose "yes" closed the ticket is the one asked, and their rating is stored as theirs', async () => {
    const tickets = service();
    const { number } = await tickets.create({ channel: 'whatsapp', reporter: { name: 'Rina', channelUserId: '6281200000009' }, category: 'jalan_rusak', description: 'Jalan berlubang besar di depan Pasar Baru.' }, 'reporter');
    expect(await tickets.addFollower(number, { channel: 'webchat', channelUserId: 'f1', at: new Date(), via: 'nearby' })).toBe('added');
    await tickets.transition(number, 'respond', {}, { actor: 'agency:DPUPR/budi' });
    await tickets.transition(number, 'submitResult', { text: 'Lubang sudah ditambal.', attachments: [] }, { actor: 'agency:DPUPR/budi' });
    await tickets.transition(number, 'validate', {}, { actor: 'operator:siti' });
    const yes = await runHandler(confirmation, inbound({ channelUserId: 'f1', text: 'udah beres' }), { state: { pendingConfirmation: number }, tickets: service() });
    expect(yes.ctx.state.pendingRating?.ticket).toBe(number);
    await rate('f1', 'mantap', yes.ctx.state);
    expect((await service().get(number)).satisfaction).toMatchObject({ score: 5, by: 'follower:f1' });
  });

  it('a "ya" at the menu a greeting left open answers the question and leaves the menu, so the rating follows; a bare "1" there is the menu\'s', async () => {
    const ticket = await resolved('s11');
    const atMenu = { flow: 'complaint', step: 'menu', pendingConfirmation: ticket.number };
    const one = await runHandler(confirmation, inbound({ channelUserId: 's11', text: '1' }), { state: atMenu, tickets: service() });
    expect(one.passed).toBe(true);
    expect((await service().get(ticket.number)).status).toBe('resolved');
    const yes = await runHandler(confirmation, inbound({ channelUserId: 's11', text: 'iya sudah' }), { state: atMenu, tickets: service() });
    expect(yes.passed).toBe(false);
    expect(yes.ctx.state.flow).toBeUndefined();
    expect(yes.ctx.state.step).toBeUndefined();
    expect(textsOf(yes.ctx)[1]).toContain('seberapa puas');
    await rate('s11', '5', yes.ctx.state);
    expect((await service().get(ticket.number)).satisfaction?.score).toBe(5);
    // A report under way keeps its own questions.
    const busy = await runHandler(confirmation, inbound({ channelUserId: 's11', text: 'ya' }), { state: { flow: 'complaint', step: 'description', data: { name: 'Rina' }, pendingConfirmation: ticket.number }, tickets: service() });
    expect(busy.passed).toBe(true);
  });

  it('a ticket not closed on a "yes" is not rated (auto-closed, or still open)', async () => {
    const open = await resolved('s8');
    expect(await service().rate(open.number, 5, { channel: 'webchat', channelUserId: 's8' })).toMatchObject({ outcome: 'not_rateable' });
    await service().transition(open.number, 'closeNoConfirmation', {}, { actor: 'system:confirmation' });
    expect(await service().rate(open.number, 5, { channel: 'webchat', channelUserId: 's8' })).toMatchObject({ outcome: 'not_rateable' });
    expect((await ticketModel(db.connection).findById(open.number).lean())?.satisfaction).toBeUndefined();
  });

  it('on email the question asks for a reply with the number; only a reply in the ticket\'s thread rates, a new mail is a new matter', async () => {
    const ticket = await resolved('s9');
    const email = (text: string, thread = true) => inbound({ channel: 'email', channelUserId: 's9', text, ...(thread ? { replyTo: { ticketNumber: ticket.number } } : {}) });
    const yes = await runHandler(confirmation, email('Ya, sudah beres'), { state: { pendingConfirmation: ticket.number }, capabilities: EMAIL, tickets: service() });
    expect(textsOf(yes.ctx)[1]).toBe(`Satu pertanyaan lagi: seberapa puas Anda dengan penanganan laporan ${ticket.number}? Balas email ini dengan angka 1 (tidak puas) sampai 5 (sangat puas):`);
    const state = yes.ctx.state;
    const newMail = await runHandler(satisfaction, email('5', false), { state, capabilities: EMAIL, tickets: service() });
    expect(newMail.passed).toBe(true);
    expect(newMail.ctx.state.pendingRating?.ticket).toBe(ticket.number);
    // A line of the numbered list copied back.
    const reply = await runHandler(satisfaction, email('4. Puas'), { state, capabilities: EMAIL, tickets: service() });
    expect(reply.passed).toBe(false);
    expect((await service().get(ticket.number)).satisfaction?.score).toBe(4);
  });
});

describe('raterOf', () => {
  const ticket: Pick<Ticket, 'channel' | 'reporter' | 'followers'> = {
    channel: 'whatsapp',
    reporter: { channelUserId: '6281200000001' },
    followers: [{ channel: 'telegram', channelUserId: '777', at: new Date(), via: 'nearby' }],
  };
  it('names the reporter, or a follower by channel id', () => {
    expect(raterOf(ticket, { channel: 'whatsapp', channelUserId: '6281200000001' })).toBe('reporter');
    expect(raterOf(ticket, { channel: 'telegram', channelUserId: '777' })).toBe('follower:777');
    // The same id on another channel is not the follower; nobody known counts as the reporter (a phone report).
    expect(raterOf(ticket, { channel: 'whatsapp', channelUserId: '777' })).toBe('reporter');
  });
});
