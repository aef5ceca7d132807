// Handlers of issue 14's natural answers, one message at a time: the privacy
// notice at first contact, a bare ticket number as a status request, and
// "Tidak" to the confirmation question asking for the reason first.
import { describe, expect, it } from 'vitest';
import { compose, type Handler } from '../../../src/conversation/chain.js';
import { commands } from '../../../src/conversation/handlers/commands.js';
import { confirmation, NO_REASON_NOTE } from '../../../src/conversation/handlers/confirmation.js';
import { expire } from '../../../src/conversation/handlers/expiry.js';
import { privacy } from '../../../src/conversation/handlers/privacy.js';
import { idleState } from '../../../src/conversation/state.js';
import { openStorage } from '../../../src/storage/storage.js';
import type { Ticket } from '../../../src/tickets/model.js';
import { TicketService } from '../../../src/tickets/service.js';
import { defaultConfig } from '../../support/config.js';
import { WEB_CHAT } from '../../support/conversation.js';
import { useTestDatabase } from '../../support/database.js';
import { inbound, runHandler, textsOf } from '../../support/turn.js';

const db = useTestDatabase(import.meta.filename);
const service = () => new TicketService(openStorage(db.connection, defaultConfig()).tickets, defaultConfig());

async function resolved(user: string): Promise<Ticket> {
  const tickets = service();
  const { number } = await tickets.create({ channel: 'webchat', reporter: { name: 'Rina', phone: '+6281234567890', channelUserId: user }, category: 'jalan_rusak', description: 'Jalan berlubang besar di depan Pasar Baru.' }, 'reporter');
  await tickets.transition(number, 'respond', {}, { actor: 'agency:DPUPR/budi' });
  await tickets.transition(number, 'submitResult', { text: 'Lubang sudah ditambal.', attachments: [] }, { actor: 'agency:DPUPR/budi' });
  return tickets.transition(number, 'validate', {}, { actor: 'operator:siti' });
}

describe('privacy handler', () => {
  const quiet: Handler = () => Promise.resolve();
  it('says the notice at the first message, remembers the version and when, and passes on', async () => {
    const now = new Date('2026-12-01T08:00:00Z');
    const { ctx, passed } = await runHandler(privacy, inbound({ text: 'halo' }), { now });
    expect(passed).toBe(true);
    expect(textsOf(ctx)).toHaveLength(1); // nothing else answered: the notice alone
    expect(textsOf(ctx)[0]).toMatch(/^Pemberitahuan privasi: Pemerintah Kota Contoh mencatat nama/);
    expect(textsOf(ctx)[0]).toContain('UU No. 27 Tahun 2022');
    expect(textsOf(ctx)[0]).toContain('https://kotacontoh.go.id/privasi-pengaduan');
    expect(ctx.state.privacy).toEqual({ version: defaultConfig().privacy.version, at: now.toISOString() });
  });

  it('says nothing to a person who has seen this version; says it again (in their language) for a new one', async () => {
    const seen = { privacy: { version: defaultConfig().privacy.version, at: '2026-11-01T00:00:00.000Z' } };
    const again = await runHandler(privacy, inbound({ text: 'halo' }), { state: seen });
    expect(again.ctx.replies).toEqual([]);
    expect(again.ctx.state.privacy).toEqual(seen.privacy);
    const changed = await runHandler(privacy, inbound({ text: 'hello' }), { state: { locale: 'en', privacy: { version: 'old', at: '2025-01-01T00:00:00.000Z' } } });
    expect(textsOf(changed.ctx)[0]).toMatch(/^Privacy notice: Pemerintah Kota Contoh records/);
    expect(changed.ctx.state.privacy?.version).toBe(defaultConfig().privacy.version);
  });

  it('joins the first plain text reply, never one with buttons or a photo', async () => {
    const answer: Handler = (ctx) => { ctx.reply({ text: 'Pilih:', choices: [{ value: 'a', label: 'A' }] }, { text: 'Selamat datang.' }, { text: 'Lagi' }); return Promise.resolve(); };
    const { ctx } = await runHandler(compose([privacy, answer]), inbound({ text: 'halo' }));
    expect(textsOf(ctx)[0]).toBe('Pilih:');
    expect(textsOf(ctx)[1]).toMatch(/^Selamat datang\.\n\nPemberitahuan privasi/);
    expect(textsOf(ctx)[2]).toBe('Lagi');
    const buttonsOnly: Handler = (ctx) => { ctx.reply({ text: 'Pilih:', choices: [{ value: 'a', label: 'A' }] }); return Promise.resolve(); };
    const alone = await runHandler(compose([privacy, buttonsOnly]), inbound({ text: 'halo' }));
    expect(textsOf(alone.ctx)[0]).toMatch(/^Pemberitahuan privasi/);
    expect(textsOf(alone.ctx)[1]).toBe('Pilih:');
  });

  it('what was seen outlives a later handler starting afresh, and the expiry sweep', async () => {
    const fresh: Handler = (ctx) => { ctx.state = idleState('id'); return Promise.resolve(); };
    const { ctx } = await runHandler(compose([privacy, fresh, quiet]), inbound({ text: 'batal' }));
    expect(ctx.state.privacy?.version).toBe(defaultConfig().privacy.version);
    const privacySeen = { version: 'v', at: '2026-01-01T00:00:00.000Z' };
    const ended = expire({ ...idleState('id'), flow: 'complaint', step: 'name', privacy: privacySeen }, { t: (k) => k, capabilities: WEB_CHAT }, defaultConfig());
    expect(ended.state.privacy).toEqual(privacySeen);
  });
});

describe('a bare ticket number', () => {
  it('tells the status and asks the current question again, in the middle of a report', async () => {
    const ticket = await resolved('n1');
    const inFlow = { flow: 'complaint', step: 'description', data: { name: 'Rina', category: 'sampah' } };
    const { ctx, passed } = await runHandler(commands, inbound({ channelUserId: 'n1', text: ticket.number.toLowerCase() }), { state: inFlow, tickets: service() });
    expect(passed).toBe(false);
    expect(textsOf(ctx)[0]).toContain(`Tiket ${ticket.number} (Jalan rusak)`);
    expect(textsOf(ctx)[1]).toContain('Ceritakan masalahnya');
    expect(ctx.state).toMatchObject(inFlow);
  });

  it('is the answer when the question is the ticket number', async () => {
    const { passed } = await runHandler(commands, inbound({ text: 'ADU-2612-00001' }), { state: { flow: 'complaint', step: 'status_number', data: {} } });
    expect(passed).toBe(true);
  });
});

describe('confirmation: "Tidak" asks for the reason first', () => {
  const asked = (number: string) => ({ ...idleState('id'), pendingConfirmation: number });

  it('a bare "tidak" asks why and leaves the ticket resolved with a deadline; the reason reopens it with the reason in its history', async () => {
    const ticket = await resolved('r1');
    const now = new Date();
    const no = await runHandler(confirmation, inbound({ channelUserId: 'r1', text: 'nggak' }), { state: asked(ticket.number), tickets: service(), now });
    expect(textsOf(no.ctx)[0]).toContain('Apa yang masih perlu ditangani?');
    expect(no.ctx.state).toMatchObject({ pendingConfirmation: ticket.number, reopenReason: { ticket: ticket.number, until: new Date(now.getTime() + 3_600_000).toISOString() } });
    const waiting = await service().get(ticket.number);
    expect(waiting.status).toBe('resolved');
    expect(waiting.due.reopenReason?.toISOString()).toBe(no.ctx.state.reopenReason?.until);

    const again = await runHandler(confirmation, inbound({ channelUserId: 'r1', text: 'Tidak' }), { state: no.ctx.state, tickets: service() });
    expect(textsOf(again.ctx)[0]).toContain('Apa yang masih perlu ditangani?'); // a second bare no: asked once more

    const reason = await runHandler(confirmation, inbound({ channelUserId: 'r1', text: 'Lubangnya cuma ditutup tanah, sekarang berlubang lagi.' }), { state: no.ctx.state, tickets: service() });
    expect(textsOf(reason.ctx)[0]).toContain('dibuka kembali');
    expect(reason.ctx.state.pendingConfirmation).toBeUndefined();
    expect(reason.ctx.state.reopenReason).toBeUndefined();
    const reopened = await service().get(ticket.number);
    expect(reopened.status).toBe('in_progress');
    expect(reopened.due.reopenReason).toBeUndefined();
    expect(reopened.history.at(-1)).toMatchObject({ action: 'reopen', actor: 'reporter', note: 'Lubangnya cuma ditutup tanah, sekarang berlubang lagi.' });
  });

  it('"Ya" after "Tidak", before the reason, still closes', async () => {
    const ticket = await resolved('r2');
    const no = await runHandler(confirmation, inbound({ channelUserId: 'r2', text: 'blm' }), { state: asked(ticket.number), tickets: service() });
    const yes = await runHandler(confirmation, inbound({ channelUserId: 'r2', text: 'iya udah kok' }), { state: no.ctx.state, tickets: service() });
    expect(textsOf(yes.ctx)[0]).toContain('kami tutup');
    expect(await service().get(ticket.number)).toMatchObject({ status: 'closed', closeReason: 'confirmed', due: {} });
  });

  it('a message after the wait ran out: reopened without a reason (noted so), and the message is read afresh', async () => {
    const ticket = await resolved('r3');
    const no = await runHandler(confirmation, inbound({ channelUserId: 'r3', text: 'tidak' }), { state: asked(ticket.number), tickets: service() });
    const later = new Date(Date.now() + 2 * 3_600_000);
    const { ctx, passed } = await runHandler(confirmation, inbound({ channelUserId: 'r3', text: 'halo' }), { state: no.ctx.state, tickets: service(), now: later });
    expect(passed).toBe(true);
    expect(ctx.state.pendingConfirmation).toBeUndefined();
    expect(ctx.state.reopenReason).toBeUndefined();
    expect((await service().get(ticket.number)).history.at(-1)).toMatchObject({ action: 'reopen', note: NO_REASON_NOTE });
  });

  it('"gpp" does not say the problem is solved: no answer, nothing changes; "iya sudah beres" closes', async () => {
    const ticket = await resolved('r4');
    const gpp = await runHandler(confirmation, inbound({ channelUserId: 'r4', text: 'gpp' }), { state: asked(ticket.number), tickets: service() });
    expect(gpp.passed).toBe(true);
    expect((await service().get(ticket.number)).status).toBe('resolved');
    const yes = await runHandler(confirmation, inbound({ channelUserId: 'r4', text: 'iya sudah beres' }), { state: asked(ticket.number), tickets: service() });
    expect(textsOf(yes.ctx)[0]).toContain('kami tutup');
  });
});
