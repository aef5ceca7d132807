// The handlers that need no ticket, without a database: the chain's own
// order rule, unsupported messages, expiry, the operator chat window, the
// one-shot start and the flow.
import { describe, expect, it } from 'vitest';
import { compose, type Handler } from '../../../src/conversation/chain.js';
import { expiry } from '../../../src/conversation/handlers/expiry.js';
import { flow } from '../../../src/conversation/handlers/flow.js';
import { oneShot } from '../../../src/conversation/handlers/one-shot.js';
import { operatorChat, operatorMessage } from '../../../src/conversation/handlers/operator-chat.js';
import { unsupported } from '../../../src/conversation/handlers/unsupported.js';
import { idleState } from '../../../src/conversation/state.js';
import { loadTexts } from '../../../src/conversation/texts.js';
import { LOCALES_DIR } from '../../../src/conversation/setup.js';
import { PHONE_CHANNEL, WEB_CHAT } from '../../support/conversation.js';
import { inbound, runHandler, textsOf } from '../../support/turn.js';

const EMAIL = { ...PHONE_CHANNEL, knowsPhone: false, buttons: false, oneShot: true };
const inFlow = { flow: 'complaint', step: 'description', data: { name: 'Rina', category: 'sampah' } };

describe('the chain', () => {
  it('runs handlers in order until one answers; a handler that calls next() twice is an error, not two answers', async () => {
    const seen: string[] = [];
    const pass = (name: string): Handler => async (_ctx, next) => { seen.push(name); await next(); };
    const answer: Handler = (ctx) => { seen.push('answer'); ctx.reply({ text: 'ok' }); return Promise.resolve(); };
    const { ctx } = await runHandler(compose([pass('a'), pass('b'), answer, pass('never')]), inbound({ text: 'x' }));
    expect(seen).toEqual(['a', 'b', 'answer']);
    expect(textsOf(ctx)).toEqual(['ok']);
    const twice: Handler = async (_ctx, next) => { await next(); await next(); };
    await expect(runHandler(compose([twice, answer]), inbound({ text: 'x' }))).rejects.toThrow(/next\(\) twice/);
  });
});

describe('unsupported handler', () => {
  it('answers a voice note, a video, a sticker and a pin without coordinates with what to send instead, and asks the current question again', async () => {
    const voice = await runHandler(unsupported, inbound({ unsupported: 'voice' }), { state: inFlow });
    expect(voice.passed).toBe(false);
    expect(textsOf(voice.ctx)[0]).toContain('pesan suara Anda kami simpan');
    expect(voice.ctx.replies).toHaveLength(2);
    expect(textsOf((await runHandler(unsupported, inbound({ unsupported: 'video_note' }))).ctx)[0]).toContain('kirim foto');
    expect(textsOf((await runHandler(unsupported, inbound({ unsupported: 'sticker' }))).ctx)[0]).toContain('Stiker');
    expect(textsOf((await runHandler(unsupported, inbound({ unsupported: 'location' }))).ctx)[0]).toContain('tidak memuat titik koordinat');
    expect(textsOf((await runHandler(unsupported, inbound({ unsupported: 'poll' }))).ctx)[0]).toContain('belum dapat kami proses');
    expect((await runHandler(unsupported, inbound({ text: 'halo' }))).passed).toBe(true);
  });
});

describe('expiry handler', () => {
  it('ends a report whose time ran out before the sweep came, says so, and lets the chain read the message afresh', async () => {
    const past = new Date(Date.now() - 1_000);
    const { ctx, passed } = await runHandler(expiry, inbound({ text: 'Jalan rusak parah' }), { state: { ...inFlow, pendingConfirmation: 'ADU-2612-00001' }, conversation: { expiresAt: past } });
    expect(passed).toBe(true);
    expect(ctx.state.flow).toBeUndefined();
    expect(ctx.state.pendingConfirmation).toBe('ADU-2612-00001');
    expect(textsOf(ctx)[0]).toMatch(/Sesi percakapan berakhir karena tidak ada balasan selama 30 menit/);
  });

  it('leaves a report in time alone, and says days on email', async () => {
    const fresh = await runHandler(expiry, inbound({ text: 'x' }), { state: inFlow, conversation: { expiresAt: new Date(Date.now() + 60_000) } });
    expect(fresh.ctx.replies).toEqual([]);
    const mail = await runHandler(expiry, inbound({ channel: 'email', text: 'x' }), { state: { ...inFlow, step: 'one_shot' }, capabilities: EMAIL, conversation: { expiresAt: new Date(0) } });
    expect(textsOf(mail.ctx)[0]).toContain('7 hari');
  });
});

describe('operator chat handler', () => {
  const texts = loadTexts(LOCALES_DIR);
  it('puts an answer within the window into the ticket\'s thread, thanked once; after the window, passes on', async () => {
    const { state } = operatorMessage('ADU-2612-00009', 'Mohon kirim foto lokasinya.', new Date(Date.now() + 60_000))(idleState('id'), { t: (k, v) => texts.t('id', k, v), capabilities: WEB_CHAT });
    const within = await runHandler(operatorChat, inbound({ text: 'Baik, ini fotonya besok.' }), { state });
    expect(within.passed).toBe(false);
    expect(within.ctx.ticketNumber).toBe('ADU-2612-00009');
    expect(within.ctx.replies).toEqual([{ text: 'Terima kasih, pesan Anda sudah kami teruskan ke petugas.' }]);
    const more = await runHandler(operatorChat, inbound({ text: 'Sekitar jam 9.' }), { state: within.ctx.state });
    expect(more.ctx.ticketNumber).toBe('ADU-2612-00009');
    expect(more.ctx.replies).toEqual([]); // the same answer, a line later: no second thanks
    const later = await runHandler(operatorChat, inbound({ text: 'halo' }), { state, now: new Date(Date.now() + 120_000) });
    expect(later.passed).toBe(true);
    const command = await runHandler(operatorChat, inbound({ text: 'menu' }), { state });
    expect(command.passed).toBe(true);
  });

  it('tells the reporter who wrote and how to answer: by email, to reply to the mail', () => {
    const view = (oneShot: boolean) => ({ t: (k: string, v?: Record<string, string | number>) => texts.t('id', k, v), capabilities: { ...WEB_CHAT, oneShot } });
    expect(operatorMessage('ADU-2612-00009', 'Halo', new Date())(idleState('id'), view(false)).replies[0]?.text).toContain('ketik MENU');
    expect(operatorMessage('ADU-2612-00009', 'Halo', new Date())(idleState('id'), view(true)).replies[0]?.text).toContain('Balas email ini');
  });
});

describe('one-shot and flow handlers', () => {
  it('an email lacking facts gets one question listing them (a complete one: see tickets.test.ts)', async () => {
    const partial = await runHandler(oneShot, inbound({ channel: 'email', channelUserId: 'b@warga.example', text: 'Lampu jalan mati di depan rumah saya sejak kemarin malam.', sender: { email: 'b@warga.example' } }), { capabilities: EMAIL });
    expect(partial.ctx.state).toMatchObject({ flow: 'complaint', step: 'one_shot', data: { email: 'b@warga.example' } });
    expect(partial.ctx.session).toBe(2); // a new report
    expect(partial.ctx.replies).toHaveLength(1);
    expect(textsOf(partial.ctx)[0]).toMatch(/mohon lengkapi data berikut/);
    expect((await runHandler(oneShot, inbound({ text: 'halo' }))).passed).toBe(true); // not a one-shot channel
  });

  it('the flow starts a report when none runs, and takes an answer to the current question', async () => {
    const started = await runHandler(flow, inbound({ text: 'halo' }));
    expect(started.ctx.state.step).toBe('menu');
    const answered = await runHandler(flow, inbound({ text: 'Sampah menumpuk di TPS Jl. Melati sudah seminggu.' }), { state: inFlow });
    expect(answered.ctx.state).toMatchObject({ step: 'photos', data: { description: 'Sampah menumpuk di TPS Jl. Melati sudah seminggu.' } });
  });
});
