// Natural answers as pure functions: the colloquial yes/no/cancel/skip table,
// choices by number or label, ticket numbers as status requests, and the
// rule that finds a typed location too vague to find.
import { describe, expect, it } from 'vitest';
import { answerCategory, answerChoice, answerConfirm, answerKey, isDoneWord, means, readYesNo } from '../../src/conversation/answers.js';
import { parseCommand } from '../../src/conversation/commands.js';
import type { InboundMessage } from '../../src/conversation/messages.js';
import { isVagueLocation } from '../../src/conversation/vague-location.js';
import { defaultConfig } from '../support/config.js';

const msg = (text: string): InboundMessage => ({ channel: 'webchat', channelUserId: 'u', messageId: 'm', at: new Date(), text });
const yesNo = (text: string, goAhead = false) => readYesNo(text, { goAhead, yesLabel: 'Ya', noLabel: 'Tidak' });

describe('yes, no, cancel and skip, as people type them', () => {
  it('takes every colloquial yes and no as the whole message, whatever the case, punctuation or stretched letters', () => {
    for (const yes of ['iya', 'iy', 'ya', 'yaa', 'Yaaa!', 'yoi', 'ok', 'Oke.', 'okey', 'sip', 'siap', 'betul', 'benar', 'sudah', 'udah', 'udh', 'sdh', '👍', '1', 'Ya']) {
      expect(yesNo(yes), yes).toEqual({ value: true, rest: '' });
    }
    for (const no of ['tidak', 'tdk', 'ga', 'gak', 'ngga', 'nggak', 'enggak', 'engga', 'g', 'belum', 'blm', 'blom', 'no', 'nope', 'Nggak!!', '2', 'TIDAK']) {
      expect(yesNo(no), no).toEqual({ value: false, rest: '' });
    }
  });

  it('reads an answer at the start of a sentence, with what follows it; a "but" makes a yes a no; "tidak tahu" is no answer', () => {
    expect(yesNo('iya sudah beres')).toEqual({ value: true, rest: 'sudah beres' });
    expect(yesNo('Tidak, masih berlubang')).toEqual({ value: false, rest: 'masih berlubang' });
    expect(yesNo('belum... masih rusak pak')).toEqual({ value: false, rest: 'masih rusak pak' });
    expect(yesNo('sudah diperbaiki tapi masih bocor')).toMatchObject({ value: false });
    for (const unclear of ['tidak tahu', 'ya ampun', 'gimana ya', 'masih rusak', '3', '']) expect(yesNo(unclear), unclear).toBeUndefined();
  });

  it('"gpp" agrees to go ahead (a summary, stored details) but does not say a problem is solved', () => {
    expect(yesNo('gpp', true)).toEqual({ value: true, rest: '' });
    expect(yesNo('gak papa', true)).toEqual({ value: true, rest: '' });
    expect(yesNo('gpp')).toBeUndefined();
    expect(yesNo('tidak apa-apa, kirim saja', true)).toMatchObject({ value: true });
    expect(yesNo('tidak apa-apa, biarkan saja')).toBeUndefined(); // not a "tidak"
    expect(answerConfirm(msg('gpp'), 'Ya', 'Tidak')).toEqual({ ok: true, value: true });
    expect(answerConfirm(msg('blm'), 'Ya', 'Tidak')).toEqual({ ok: true, value: false });
    expect(answerConfirm(msg('hmm'), 'Ya', 'Tidak')).toMatchObject({ ok: false, retry: 'retry.confirm' });
  });

  it('cancel and skip only as the whole message', () => {
    for (const cancel of ['batal', 'batalin', 'gak jadi', 'ga jadi', 'nggak jadi', 'Gak jadi deh!']) expect(means('cancel', cancel), cancel).toBe(cancel !== 'Gak jadi deh!');
    expect(means('cancel', 'gak jadi lapor, jalannya sudah diperbaiki')).toBe(false);
    for (const skip of ['tidak ada foto', 'gak ada', 'ga ada', 'nggak ada', 'skip', 'lewati', 'sudah', 'udah', 'cukup', 'selesai', 'no photo', 'done', 'Tidak ada foto.', 'ga punya foto']) {
      expect(isDoneWord(skip), skip).toBe(true);
    }
    for (const notSkip of ['ada foto', 'foto', 'sebentar saya cari fotonya', 'tidak ada foto karena hp saya rusak tapi nanti saya kirim']) expect(isDoneWord(notSkip), notSkip).toBe(false);
  });

  it('compares through one key: lower case, punctuation as space, stretched letters once', () => {
    expect(answerKey('  Iyaaa,   BETUL!! ')).toBe('iya betul');
    expect(answerKey('Buat laporan/pengaduan')).toBe('buat laporan pengaduan');
  });
});

describe('choices by number or by label', () => {
  const menu = [{ value: 'report', label: 'Buat laporan/pengaduan' }, { value: 'status', label: 'Cek status laporan' }, { value: 'question', label: 'Tanya informasi' }];
  const pick = (text: string) => answerChoice(msg(text), menu);

  it('takes the number as listed, the value a button sends back, the label, a line of the list copied back, or one unique part', () => {
    for (const [text, value] of [['1', 'report'], ['2.', 'status'], ['no 3', 'question'], ['pilih 1', 'report'], ['report', 'report'], ['buat laporan/pengaduan', 'report'], ['1. Buat laporan/pengaduan', 'report'], ['tanya', 'question'], ['Buat laporan', 'report'], ['mau cek status laporan', 'status']] as const) {
      expect(pick(text), text).toEqual({ ok: true, value });
    }
  });

  it('refuses what fits no choice or more than one', () => {
    for (const text of ['4', '0', 'laporan', 'xyz']) expect(pick(text), text).toMatchObject({ ok: false, retry: 'retry.choice' });
    expect(pick('1. Tanya informasi')).toEqual({ ok: true, value: 'question' }); // a stale list's number: the words decide
  });

  it('categories: by number, by name in either language, by keyword, or by part of a name', () => {
    const { categories } = defaultConfig();
    const category = (text: string) => answerCategory(msg(text), categories, 'id');
    expect(category('3')).toEqual({ ok: true, value: 'drainase_banjir' });
    expect(category('3. Drainase / banjir')).toEqual({ ok: true, value: 'drainase_banjir' });
    expect(category('Air bersih')).toEqual({ ok: true, value: 'air_bersih' });
    expect(category('damaged road')).toEqual({ ok: true, value: 'jalan_rusak' });
    expect(category('lampu PJU mati')).toEqual({ ok: true, value: 'penerangan_jalan' });
    expect(category('drainase')).toEqual({ ok: true, value: 'drainase_banjir' });
    expect(category('12')).toMatchObject({ ok: false, retry: 'retry.category' });
  });
});

describe('a ticket number is a status request', () => {
  it('alone, in lower case, after cek/status/cek status, with a question mark; never inside a sentence', () => {
    for (const text of ['ADU-2612-00001', 'adu-2612-00001', '  ADU-2612-00001 ', 'cek ADU-2612-00001', 'Cek status adu-2612-00001?', 'status: ADU-2612-00001', '/status ADU-2612-00001', 'nomor tiket ADU-2612-00001']) {
      expect(parseCommand(text), text).toEqual({ type: 'status', number: 'ADU-2612-00001' });
    }
    expect(parseCommand('cek status')).toEqual({ type: 'status' });
    expect(parseCommand('status abc')).toEqual({ type: 'status' });
    for (const text of ['ADU-2612-00001 belum ditangani sama sekali', 'tiket saya hilang', 'cek dulu ya']) expect(parseCommand(text), text).toBeUndefined();
  });

  it('cancel words from the table are commands', () => {
    expect(parseCommand('gak jadi')).toEqual({ type: 'cancel' });
    expect(parseCommand('Batalin!')).toEqual({ type: 'cancel' });
  });
});

describe('a typed location too vague to find', () => {
  it('names no street, number or landmark', () => {
    for (const text of ['dekat pasar', 'di sini', 'rumah saya', 'depan rumah', 'Depan sekolah', 'sebelah indomaret', 'di jalan raya', 'jalan depan rumah saya', 'pasar yang dekat sini', 'Sukamaju', 'near the market', '']) {
      expect(isVagueLocation(text), text).toBe(true);
    }
  });

  it('passes a street, a number or a named landmark at once', () => {
    for (const text of ['Jl. Melati No. 3', 'depan Masjid Al-Ikhlas, Jl. Kenanga', 'RT 02 RW 05 Kel. Sukamaju', 'Depan Pasar Baru', 'Gg. Mawar depan musala', 'Simpang Dewa Ruci', 'Jl. Raya Bogor', 'TPS Jl. Kenanga dekat pasar', 'Perumahan Griya Asri Blok C2', 'depan SDN 3', 'dekat rumah sakit Harapan Kita', 'Kelurahan Sukamaju', 'Baker Street']) {
      expect(isVagueLocation(text), text).toBe(false);
    }
  });
});
