// The flow engine's natural answers, pure: the photo step's button and words,
// one follow-up for a location too vague to find, choices by number on every
// choice step.
import { describe, expect, it } from 'vitest';
import { engineContext } from '../../src/conversation/context.js';
import { FlowEngine } from '../../src/conversation/engine.js';
import { loadFlows } from '../../src/conversation/flow.js';
import type { InboundMessage } from '../../src/conversation/messages.js';
import { FLOWS_DIR, LOCALES_DIR } from '../../src/conversation/setup.js';
import { type ConversationState, idleState } from '../../src/conversation/state.js';
import { loadTexts } from '../../src/conversation/texts.js';
import { defaultConfig } from '../support/config.js';
import { PHONE_CHANNEL, WEB_CHAT } from '../support/conversation.js';

const texts = loadTexts(LOCALES_DIR);
const flow = loadFlows(FLOWS_DIR, texts).get('complaint');
const engine = (capabilities = WEB_CHAT) => {
  if (!flow) throw new Error('no complaint flow');
  return new FlowEngine(flow, engineContext(defaultConfig(), texts, capabilities));
};
const msg = (fields: Partial<InboundMessage>): InboundMessage => ({ channel: 'webchat', channelUserId: 'u', messageId: 'm', at: new Date(), ...fields });
const photo = (n: number) => ({ ref: { fileId: `f${String(n)}`, sha256: 'x', contentType: 'image/jpeg', size: 10 } });
const at = (step: string, data: ConversationState['data'] = {}, locale: ConversationState['locale'] = 'id'): ConversationState => ({ ...idleState(locale), flow: 'complaint', step, data });
const labels = (outcome: { replies: { choices?: readonly { label: string }[] }[] }) => outcome.replies.at(-1)?.choices?.map((c) => c.label);

describe('the photo step', () => {
  it('offers "Tidak ada foto" with the question and "Selesai" with each photo received; both end the step', () => {
    const e = engine();
    const asked = e.enter('photos', at('description', { description: 'Jalan berlubang di depan SDN 3.' }), [], 'description');
    expect(labels(asked)).toEqual(['Tidak ada foto']);
    expect(e.answer(asked.state, msg({ text: 'Tidak ada foto' })).state.step).toBe('location');
    expect(e.answer(asked.state, msg({ text: 'skip' })).state.step).toBe('location'); // the button's value, as WhatsApp sends it back
    const one = e.answer(asked.state, msg({ photos: [photo(1)] }));
    expect(one.state.step).toBe('photos');
    expect(one.replies.at(-1)?.text).toContain('Foto diterima (1/5)');
    expect(labels(one)).toEqual(['Selesai']);
    expect(e.answer(one.state, msg({ text: 'Selesai' })).state).toMatchObject({ step: 'location', data: { photos: [{ fileId: 'f1' }] } });
    expect(e.prompt(flow?.step('photos') ?? { id: 'x' }, one.state)[0]?.text).toContain('Sudah 1 foto');
    expect(labels({ replies: e.prompt(flow?.step('photos') ?? { id: 'x' }, one.state) })).toEqual(['Selesai']);
  });

  it('takes natural words and the listed number where the channel shows a numbered list; anything else asks again with the button', () => {
    const e = engine(PHONE_CHANNEL);
    for (const text of ['tidak ada foto', 'gak ada', 'ga ada', 'nggak ada', 'lewati', 'sudah', 'udah', 'cukup', 'selesai', 'no photo', 'done', '1']) {
      expect(e.answer(at('photos'), msg({ text })).state.step, text).toBe('location');
    }
    const wrong = e.answer(at('photos'), msg({ text: 'ada foto' }));
    expect(wrong.state.step).toBe('photos');
    expect(wrong.replies.at(-1)?.text).toContain('Mohon kirim foto');
    expect(labels(wrong)).toEqual(['Tidak ada foto']);
  });

  it('speaks English to an English conversation', () => {
    const e = engine();
    expect(labels(e.enter('photos', at('description', {}, 'en'), [], 'description'))).toEqual(['No photo']);
    expect(e.answer(at('photos', {}, 'en'), msg({ text: 'No photo' })).state.step).toBe('location');
  });
});

describe('a typed location too vague to find', () => {
  it('gets one follow-up asking for a landmark, street or pin; the second answer is taken whatever it is, beside the first', () => {
    const e = engine();
    const vague = e.answer(at('location'), msg({ text: 'dekat pasar' }));
    expect(vague.state.step).toBe('location');
    expect(vague.replies.at(-1)).toMatchObject({ request: 'location' });
    expect(vague.replies.at(-1)?.text).toContain('"dekat pasar" belum cukup jelas');
    const still = e.answer(vague.state, msg({ text: 'di sini' }));
    expect(still.state.step).toBe('confirm');
    expect(still.state.data.location).toEqual({ address: 'dekat pasar; di sini' });
    expect(still.replies.map((r) => r.text).join('\n')).toContain('Lokasi: dekat pasar; di sini');
  });

  it('a pin after the follow-up keeps the first words as its address; a real address passes at once', () => {
    const e = engine();
    const vague = e.answer(at('location'), msg({ text: 'rumah saya' }));
    const pinned = e.answer(vague.state, msg({ location: { latitude: -6.2, longitude: 106.8 } }));
    expect(pinned.state.data.location).toEqual({ latitude: -6.2, longitude: 106.8, address: 'rumah saya' });
    for (const text of ['Jl. Melati No. 3', 'depan Masjid Al-Ikhlas, Jl. Kenanga', 'RT 02 RW 05 Kel. Sukamaju']) {
      const outcome = e.answer(at('location'), msg({ text }));
      expect(outcome.state.step, text).toBe('confirm');
      expect(outcome.state.data.location).toEqual({ address: text });
    }
    // A pin is first looked at for an open ticket nearby (the flow's find_duplicate effect), then the summary.
    expect(e.answer(at('location'), msg({ location: { latitude: -6.2, longitude: 106.8 } })).effect?.action).toBe('find_duplicate');
  });

  it('an invalid second answer is corrected as before and the follow-up stays open', () => {
    const e = engine();
    const vague = e.answer(at('location'), msg({ text: 'di sini' }));
    const empty = e.answer(vague.state, msg({ text: '  ' }));
    expect(empty.state).toMatchObject({ step: 'location', data: { location: { address: 'di sini' } } });
    expect(e.promptFor(empty.state)[0]?.text).toContain('belum cukup jelas');
  });
});

describe('choices by number on every choice step', () => {
  it('the menu, the categories and yes/no take the number shown in the list', () => {
    const e = engine(PHONE_CHANNEL);
    expect(e.answer(at('menu'), msg({ text: '2' })).state.step).toBe('status_number');
    expect(e.answer(at('category'), msg({ text: '2' })).state.data.category).toBe('sampah');
    expect(e.answer(at('category'), msg({ text: 'Sampah' })).state.data.category).toBe('sampah');
    expect(e.answer({ ...at('identity'), profile: { name: 'Rina' } }, msg({ text: '2' })).state.step).toBe('name');
  });

  it('the retry texts name no numbers the buttons do not show', () => {
    for (const key of ['menu.retry', 'retry.choice', 'retry.category', 'ask.category', 'ask.photos', 'retry.photo', 'photo.received']) {
      for (const locale of ['id', 'en'] as const) expect(texts.t(locale, key), `${locale} ${key}`).not.toMatch(/angka|\b[123]\b|number from|ketik SELESAI|type DONE/i);
    }
  });
});
