// The notices of a merge and a split (inbox, issue 16) on their own: the words in
// both languages and by mail, the operator-chat window moved onto the ticket that
// is the citizen's now, and the template parameters WhatsApp needs after 24 hours.
import { describe, expect, it } from 'vitest';
import { mergedNotice, splitNotice } from '../../../src/conversation/handlers/merge-notices.js';
import { LOCALES_DIR } from '../../../src/conversation/setup.js';
import { idleState } from '../../../src/conversation/state.js';
import { loadTexts, type Locale } from '../../../src/conversation/texts.js';
import { WEB_CHAT } from '../../support/conversation.js';

const texts = loadTexts(LOCALES_DIR);
const until = new Date('2026-12-02T10:00:00Z');
const view = (locale: Locale, oneShot = false) => ({ t: (key: string, vars?: Record<string, string | number>) => texts.t(locale, key, vars), capabilities: { ...WEB_CHAT, oneShot } });

describe('merge notices', () => {
  it('tells a merged reporter the new number and the count, and opens the operator window on that ticket', () => {
    const before = { ...idleState('id'), operatorChat: { ticket: 'ADU-2612-00002', until: '2026-12-01T00:00:00.000Z', acknowledged: true } };
    const { replies, state } = mergedNotice('ADU-2612-00002', 'ADU-2612-00001', 3, until)(before, view('id'));
    expect(replies.map((r) => r.text)).toEqual([
      'Kabar laporan ADU-2612-00002: masalah yang sama juga dilaporkan warga lain, jadi laporan Anda kami gabungkan dengan laporan ADU-2612-00001 (kini dilaporkan oleh 3 warga). Perkembangannya kami kabarkan di sini; ketik STATUS ADU-2612-00001 untuk mengeceknya.\nKalau masalah Anda ternyata berbeda, balas pesan ini agar petugas memisahkannya lagi.',
    ]);
    expect(state.operatorChat).toEqual({ ticket: 'ADU-2612-00001', until: until.toISOString() });
    expect(replies[0]?.notice).toMatchObject({ kind: 'operatorReply', params: ['ADU-2612-00001', expect.stringContaining('digabungkan dengan laporan ADU-2612-00001') as unknown] });

    const english = mergedNotice('ADU-2612-00002', 'ADU-2612-00001', 2, until)(idleState('en'), view('en', true));
    expect(english.replies[0]?.text).toContain('joined your report to report ADU-2612-00001 (now reported by 2 residents). We will keep you posted by email.');
  });

  it('tells a split follower their own number, reopened or new, in both languages', () => {
    const reopened = splitNotice('ADU-2612-00001', 'ADU-2612-00002', true, until)(idleState('id'), view('id')).replies[0]?.text;
    expect(reopened).toBe('Kabar laporan ADU-2612-00002: setelah kami periksa, laporan Anda berbeda dari laporan ADU-2612-00001, jadi kami tangani tersendiri lagi dengan nomor tiket ADU-2612-00002. Ketik STATUS ADU-2612-00002 untuk mengecek perkembangannya.');
    const fresh = splitNotice('ADU-2612-00001', 'ADU-2612-00009', false, until)(idleState('en'), view('en'));
    expect(fresh.replies[0]?.text).toBe('Having looked again, your report is not the same as report ADU-2612-00001, so we have recorded it on its own as ticket ADU-2612-00009.\nKeep this number; type STATUS ADU-2612-00009 to check its progress.');
    expect(fresh.state.operatorChat?.ticket).toBe('ADU-2612-00009');
    expect(splitNotice('ADU-2612-00001', 'ADU-2612-00009', false, until)(idleState('id'), view('id', true)).replies[0]?.text).toContain('Simpan nomor ini untuk menanyakan perkembangannya.');
  });
});
