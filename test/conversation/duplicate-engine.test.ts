// The nearby-duplicate steps of flows/complaint.yaml in the pure engine: a pin
// asks for the search (a typed address goes straight to the summary); the
// search's "no" goes on at the summary, an offer asks "the same problem?";
// yes asks to follow, no goes to the summary; the flow file says where.
import { describe, expect, it } from 'vitest';
import { engineContext } from '../../src/conversation/context.js';
import { FlowEngine } from '../../src/conversation/engine.js';
import { loadFlows } from '../../src/conversation/flow.js';
import type { InboundMessage } from '../../src/conversation/messages.js';
import { FLOWS_DIR, LOCALES_DIR } from '../../src/conversation/setup.js';
import { type ConversationState, idleState } from '../../src/conversation/state.js';
import { loadTexts } from '../../src/conversation/texts.js';
import { defaultConfig } from '../support/config.js';
import { WEB_CHAT } from '../support/conversation.js';

const texts = loadTexts(LOCALES_DIR);
const flow = loadFlows(FLOWS_DIR, texts).get('complaint');
if (!flow) throw new Error('no complaint flow');
const engine = new FlowEngine(flow, engineContext(defaultConfig(), texts, WEB_CHAT));
const msg = (fields: Partial<InboundMessage>): InboundMessage => ({ channel: 'webchat', channelUserId: 'u', messageId: 'm', at: new Date(), ...fields });
const data = { name: 'Sari', phone: '+6281211112222', address: 'Jl. Anggrek 7', category: 'jalan_rusak', description: 'Jalan berlubang dalam di depan warung.' };
const at = (step: string, extra: Partial<ConversationState['data']> = {}, locale: ConversationState['locale'] = 'id'): ConversationState => ({ ...idleState(locale), flow: 'complaint', step, data: { ...data, ...extra } });
const said = (outcome: { replies: { text: string }[] }) => outcome.replies.map((r) => r.text).join('\n');
const offer = { number: 'ADU-2612-00042', description: 'Lampu jalan mati di depan masjid', status: 'in_progress' as const, distance: 23 };

describe('the nearby-duplicate steps', () => {
  it('a pin asks for the search; a typed address goes straight to the summary', () => {
    const pinned = engine.answer(at('location'), msg({ location: { latitude: -6.2, longitude: 106.8 } }));
    expect(pinned.effect).toEqual({ action: 'find_duplicate', retryStep: 'location' });
    expect(pinned.replies).toEqual([]);
    const typed = engine.answer(at('location'), msg({ text: 'Jl. Melati No. 3' }));
    expect(typed.effect).toBeUndefined();
    expect(said(typed)).toContain('Ringkasan laporan Anda');
  });

  it('nothing found ("no"): the summary; an offer: the question with number, description, status in words and distance', () => {
    const searching = at('find_duplicate', { location: { latitude: -6.2, longitude: 106.8 } });
    expect(said(engine.continueAfter(searching, 'find_duplicate', 'no'))).toContain('Ringkasan laporan Anda');
    const asked = engine.continueAfter({ ...searching, data: { ...searching.data, duplicate: offer } }, 'find_duplicate');
    expect(asked.state.step).toBe('duplicate');
    expect(said(asked)).toBe('Sudah ada laporan serupa di dekat lokasi Anda:\nADU-2612-00042 — Lampu jalan mati di depan masjid\nStatus: Sedang ditindaklanjuti\nJarak: ± 23 m dari titik Anda\n\nApakah ini masalah yang sama? Jika YA, Anda ikut memantau laporan itu dan mendapat kabar perkembangannya, tanpa tiket baru. Jika TIDAK, laporan Anda kami buat sebagai tiket baru.');
    expect(asked.replies.at(-1)?.choices?.map((c) => c.label)).toEqual(['Ya', 'Tidak']);
    // After a language switch the question is asked again in English, the status in English words.
    expect(engine.promptFor({ ...asked.state, locale: 'en' })[0]?.text).toContain('Status: Being followed up');
  });

  it('yes asks to follow the ticket; no goes to the summary; following that fails over to the summary too', () => {
    const asking = at('duplicate', { location: { latitude: -6.2, longitude: 106.8 }, duplicate: offer });
    expect(engine.answer(asking, msg({ text: 'iya sama' })).effect).toEqual({ action: 'follow_ticket', retryStep: 'duplicate' });
    expect(said(engine.answer(asking, msg({ text: 'bukan, beda' })))).toContain('Ringkasan laporan Anda');
    expect(said(engine.answer(asking, msg({ text: 'tidak' })))).toContain('Ringkasan laporan Anda');
    expect(said(engine.continueAfter({ ...asking, step: 'follow_duplicate' }, 'follow_duplicate', 'no'))).toContain('Ringkasan laporan Anda');
    // Followed: the report is over (no summary, no ticket of its own).
    const followed = engine.continueAfter({ ...asking, step: 'follow_duplicate' }, 'follow_duplicate');
    expect(followed.state.flow).toBeUndefined();
    expect(followed.replies).toEqual([]);
  });
});
