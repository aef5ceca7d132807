// The flow engine alone: pure, no database, no channel. State in, state and
// replies (and at most one effect) out.
import { describe, expect, it } from 'vitest';
import { engineContext } from '../../src/conversation/context.js';
import { FlowEngine, ONE_SHOT_STEP } from '../../src/conversation/engine.js';
import { loadFlows } from '../../src/conversation/flow.js';
import type { InboundMessage } from '../../src/conversation/messages.js';
import { FLOWS_DIR, LOCALES_DIR } from '../../src/conversation/setup.js';
import { type ConversationState, idleState } from '../../src/conversation/state.js';
import { loadTexts } from '../../src/conversation/texts.js';
import { defaultConfig } from '../support/config.js';
import { PHONE_CHANNEL, WEB_CHAT } from '../support/conversation.js';

const texts = loadTexts(LOCALES_DIR);
const flow = loadFlows(FLOWS_DIR, texts).get('complaint');
const config = defaultConfig();
const engine = (capabilities = WEB_CHAT) => {
  if (!flow) throw new Error('no complaint flow');
  return new FlowEngine(flow, engineContext(config, texts, capabilities));
};
const msg = (fields: Partial<InboundMessage>): InboundMessage => ({ channel: 'webchat', channelUserId: 'u', messageId: 'm', at: new Date(), ...fields });
const photo = (n: number) => ({ ref: { fileId: `f${String(n)}`, sha256: 'x', contentType: 'image/jpeg', size: 10 } });
const at = (step: string, data: ConversationState['data'] = {}): ConversationState => ({ ...idleState('id'), flow: 'complaint', step, data });

describe('FlowEngine', () => {
  it('starts at the menu with the greeting and the choices as buttons', () => {
    const { state, replies } = engine().start(idleState('id'), {});
    expect(state.step).toBe('menu');
    expect(replies.at(-1)?.choices?.map((c) => c.value)).toEqual(['report', 'status', 'question']);
  });

  it('skips what the channel knows (a WhatsApp number) and asks again after a wrong answer, with help after three', () => {
    const e = engine(PHONE_CHANNEL);
    const afterName = e.answer(at('name'), msg({ text: 'Rina Wati' }));
    expect(afterName.state.step).toBe('phone');
    const known = e.answer({ ...at('name'), data: { phone: '+6281234567890' } }, msg({ text: 'Rina Wati' }));
    expect(known.state.step).toBe('address');
    let state = at('category');
    for (let i = 0; i < 2; i++) state = e.answer(state, msg({ text: 'zzz' })).state;
    expect(state.retries).toBe(2);
    const third = e.answer(state, msg({ text: 'zzz' }));
    expect(third.state.retries).toBe(0);
    expect(third.replies.map((r) => r.text).join('\n')).toMatch(/BATAL/);
  });

  it('keeps photos up to the limit, says so, and moves on at the limit; a done word ends the photo step', () => {
    const e = engine();
    const two = e.answer(at('photos'), msg({ photos: [photo(1), photo(2)] }));
    expect(two.state).toMatchObject({ step: 'photos', data: { photos: [{ fileId: 'f1' }, { fileId: 'f2' }] } });
    const full = e.answer(two.state, msg({ photos: [photo(3), photo(4), photo(5), photo(6)] }));
    expect(full.state.step).toBe('location');
    expect(full.state.data.photos).toHaveLength(config.limits.photosPerTicket);
    expect(full.replies.map((r) => r.text).join('\n')).toMatch(/maksimal|batas/i);
    expect(e.answer(at('photos'), msg({ text: 'selesai' })).state.step).toBe('location');
  });

  it('asks for the ticket at the confirmation: an effect for the router, nothing stored by the engine', () => {
    const done = engine().answer(at('confirm', { name: 'Rina', category: 'sampah', description: 'Sampah menumpuk di TPS.' }), msg({ text: 'Ya' }));
    expect(done.effect).toEqual({ action: 'create_ticket', retryStep: 'confirm' });
    expect(done.state.step).toBe('create');
  });

  it('one-shot: a mail lacking facts waits at its own step and asks for all of them in one message', () => {
    const e = engine({ ...PHONE_CHANNEL, knowsPhone: false, buttons: false, oneShot: true });
    const started = e.startOneShot(idleState('id'), { email: 'a@warga.example' }, msg({ channel: 'email', text: 'Lampu jalan mati di gang kami sejak kemarin malam.' }));
    expect(started.state.step).toBe(ONE_SHOT_STEP);
    expect(started.replies).toHaveLength(1);
    const answered = e.answer(started.state, msg({ channel: 'email', text: 'Nama: Budi Santoso\nTelepon: 081298765432\nAlamat: Gg. Mawar 2\nKategori: lampu\nLokasi: Gg. Mawar depan musala' }));
    expect(answered.state.data).toMatchObject({ name: 'Budi Santoso', phone: '+6281298765432', address: 'Gg. Mawar 2' });
    expect(e.promptFor(answered.state)).toHaveLength(answered.state.step === ONE_SHOT_STEP ? 1 : 1);
  });
});
