// How the email channel reads a mail: the new words of a reply, mail that
// must never be answered, and which thread a reply belongs to.
import { describe, expect, it } from 'vitest';
import { ignoreReason } from '../../../src/channels/email/classify.js';
import { newText } from '../../../src/channels/email/reply-text.js';
import { matchThread, messageIdFor, replySubject } from '../../../src/notifications/mail-threading.js';

const headers = (h: Record<string, string>) => new Map(Object.entries(h));

describe('the new words of a reply', () => {
  it.each([
    ['Gmail', 'Ya, sudah beres.\n\nOn Mon, 24 Nov 2026 at 10:00, Aduan <aduan@kota.go.id> wrote:\n> Apakah masalah Anda sudah selesai?'],
    ['Indonesian Gmail, wrapped', 'Ya, sudah beres.\n\nPada Sen, 24 Nov 2026 pukul 10.00 Aduan <aduan@kota.go.id>\nmenulis:\n> Apakah masalah Anda sudah selesai?'],
    ['Outlook', 'Ya, sudah beres.\n\n________________________________\nFrom: Aduan <aduan@kota.go.id>\nSent: Monday, 24 November 2026 10:00\nTo: warga@x.id\nSubject: [ADU-2611-00001]'],
    ['a signature', 'Ya, sudah beres.\n-- \nBudi Santoso\n0812 0000 0000'],
    ['a phone', 'Ya, sudah beres.\n\nDikirim dari iPhone saya'],
  ])('drops the quote and signature (%s)', (_client, text) => {
    expect(newText(text)).toBe('Ya, sudah beres.');
  });

  it('keeps a report that merely mentions "Dari:"', () => {
    expect(newText('Dari: warga RT 03\nJalan berlubang di depan masjid.')).toBe('Dari: warga RT 03\nJalan berlubang di depan masjid.');
  });
});

describe('mail that is never answered', () => {
  const own = ['aduan@kota.go.id'];
  const mail = (from: string, h: Record<string, string> = {}, subject = 'Laporan') => ignoreReason({ from, headers: headers(h), subject }, own);

  it('answers a person', () => { expect(mail('warga@x.id')).toBeUndefined(); });
  it.each([
    ['our own address', mail('aduan@kota.go.id'), 'own_address'],
    ['Auto-Submitted', mail('warga@x.id', { 'auto-submitted': 'auto-replied' }), 'auto_submitted'],
    ['an out-of-office subject', mail('warga@x.id', {}, 'Balasan otomatis: sedang cuti'), 'auto_reply'],
    ['Precedence: auto_reply', mail('warga@x.id', { precedence: 'auto_reply' }), 'auto_reply'],
    ['a bounce', mail('MAILER-DAEMON@x.id'), 'bounce'],
    ['a delivery report', mail('warga@x.id', { 'content-type': 'multipart/report; report-type=delivery-status' }), 'bounce'],
    ['a mailing list', mail('warga@x.id', { 'list-id': '<warga.x.id>' }), 'mailing_list'],
    ['a no-reply sender', mail('noreply@bank.example'), 'no_reply_address'],
    ['no sender', mail(''), 'no_sender'],
  ])('ignores %s', (_what, reason, expected) => { expect(reason).toBe(expected); });
  it('answers Auto-Submitted: no', () => { expect(mail('warga@x.id', { 'auto-submitted': 'no' })).toBeUndefined(); });
});

describe('threads', () => {
  const domain = 'kota.go.id';
  const ours = messageIdFor('r', 'ADU-2611-00042', 'out:email:warga@x.id:000000002', domain);
  const agency = messageIdFor('a', 'ADU-2611-00042', 'agency:ADU-2611-00042:DPUPR:0', domain);

  it('gives the same outbox entry the same Message-ID (a retried send threads as one message)', () => {
    expect(messageIdFor('r', 'ADU-2611-00042', 'out:email:warga@x.id:000000002', domain)).toBe(ours);
    expect(ours).not.toContain('warga'); // no address in a header others can see
  });
  it('finds the ticket from In-Reply-To, References, or the subject', () => {
    expect(matchThread({ inReplyTo: ours }, domain)).toEqual({ kind: 'r', ticketNumber: 'ADU-2611-00042' });
    expect(matchThread({ references: ['<x@gmail.com>', agency] }, domain)).toEqual({ kind: 'a', ticketNumber: 'ADU-2611-00042' });
    expect(matchThread({ inReplyTo: '<rewritten@outlook.com>', subject: 'RE: [ADU-2611-00042] Lampu mati' }, domain)).toEqual({ kind: 'r', ticketNumber: 'ADU-2611-00042' });
    expect(matchThread({ inReplyTo: ours.replace(domain, 'other.example') }, domain)).toBeUndefined();
  });
  it('writes one "Re:" and one ticket tag however long the thread', () => {
    expect(replySubject('Re: RE: [ADU-2611-00042] Lampu mati', 'ADU-2611-00042', 'Pengaduan')).toBe('Re: [ADU-2611-00042] Lampu mati');
    expect(replySubject('', undefined, 'Pengaduan')).toBe('Re: Pengaduan');
  });
});
