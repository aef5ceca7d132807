// The notices of the data protection officer's answers (issue 17 item 2) on their own: one text per outcome in
// both languages, a refusal with the officer's reason, the template parameters WhatsApp needs after 24 hours,
// and a corrected profile that changes only what was corrected and sends nothing.
import { describe, expect, it } from 'vitest';
import { dataRequestClosedNotice, profileCorrected } from '../../../src/conversation/handlers/data-request-notices.js';
import { LOCALES_DIR } from '../../../src/conversation/setup.js';
import { idleState } from '../../../src/conversation/state.js';
import { loadTexts, type Locale } from '../../../src/conversation/texts.js';
import { WEB_CHAT } from '../../support/conversation.js';

const texts = loadTexts(LOCALES_DIR);
const view = (locale: Locale) => ({ t: (key: string, vars?: Record<string, string | number>) => texts.t(locale, key, vars), capabilities: WEB_CHAT });

describe('data request notices', () => {
  it('say each outcome with the reference, in Indonesian and English, marked for the late template', () => {
    const said = (outcome: 'erased' | 'exported' | 'corrected' | 'refused', locale: Locale) => dataRequestClosedNotice('PD-7K3Q9M', outcome, 'masih ada laporan yang berjalan')(idleState(locale), view(locale)).replies;
    expect(said('erased', 'id')[0]?.text).toBe('Permintaan Anda PD-7K3Q9M sudah selesai: data pribadi Anda (nama, kontak, alamat, pesan, dan foto) telah kami hapus. Laporan Anda tetap dihitung dalam statistik tanpa identitas. Ini pesan terakhir kami di percakapan ini. Terima kasih.');
    const kept = dataRequestClosedNotice('PD-7K3Q9M', 'erased', '', true)(idleState('id'), view('id')).replies[0]?.text;
    expect(kept).toContain('(nama, kontak, alamat, dan pesan) telah kami hapus. Foto kondisi lokasi tetap kami simpan tanpa identitas Anda');
    expect(said('refused', 'id')[0]?.text).toBe('Mohon maaf, permintaan Anda PD-7K3Q9M belum dapat kami penuhi. Alasannya: masih ada laporan yang berjalan\nBila ada pertanyaan, balas pesan ini.');
    expect(said('exported', 'en')[0]?.text).toContain('Your request PD-7K3Q9M is done: a copy of all the personal data we hold about you is ready');
    expect(said('corrected', 'en')[0]?.text).toBe('Your request PD-7K3Q9M is done: your personal data has been corrected. Thank you.');
    for (const outcome of ['erased', 'exported', 'corrected', 'refused'] as const) {
      for (const locale of ['id', 'en'] as const) {
        const [reply] = said(outcome, locale);
        expect(reply?.text, `${outcome} ${locale}`).not.toMatch(/data_request_closed|\{/);
        expect(reply?.notice).toEqual({ kind: 'operatorReply', params: ['PD-7K3Q9M', reply?.text] });
      }
    }
  });

  it('correct the profile the next report reuses, and send nothing', () => {
    const before = idleState('id', { name: 'Rina', phone: '+6281277773131', address: 'Jl. Cempaka 9' });
    const { replies, state } = profileCorrected({ name: 'Rina Kusumawati' })(before, view('id'));
    expect(replies).toEqual([]);
    expect(state.profile).toEqual({ name: 'Rina Kusumawati', phone: '+6281277773131', address: 'Jl. Cempaka 9' });
    expect(profileCorrected({ name: 'X' })(idleState('id'), view('id')).state.profile).toBeUndefined();
  });
});
