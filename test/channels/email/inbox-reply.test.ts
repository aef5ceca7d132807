// A reply from the inbox reaches the reporter by email, in the thread of
// their report, and the reporter's answer to that mail joins the ticket's
// thread for the operator, without the quoted mail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../../src/app/application.js';
import { TICKET_NUMBER } from '../../support/conversation.js';
import { useTestDatabase } from '../../support/database.js';
import { ADMIN, OperatorSession, startInboxApp } from '../../support/inbox.js';
import { bodyOf, header, MailServers } from '../../support/mail.js';
import { until } from '../../support/until.js';

const db = useTestDatabase(import.meta.filename);
let servers: MailServers;
let app: RunningApplication;

beforeAll(async () => {
  servers = await new MailServers().start();
  app = await startInboxApp(db, (c) => { servers.configure(c); });
});
afterAll(async () => {
  await app.stop();
  await servers.stop();
});

interface Thread { thread: { id: string; direction: string; text: string; author: string; delivery: string }[] }

describe('replies from the inbox by email', () => {
  it('reach the reporter in the thread of their report, and their answer reaches the operator', async () => {
    const reporter = 'rina@warga.example';
    await servers.deliver({
      from: 'Rina Wulandari <rina@warga.example>',
      subject: 'Pohon tumbang di Jl. Flamboyan',
      messageId: '<laporan-rina@warga.example>',
      text: 'Pohon besar tumbang menutup separuh jalan di Jl. Flamboyan depan masjid, kendaraan sulit lewat.\nTelepon: 0812 5555 6666\nAlamat: Jl. Flamboyan 3\nLokasi: Jl. Flamboyan depan Masjid Al-Ikhlas',
    });
    const created = await servers.nextMailTo(reporter, 0, 'ADU-');
    const number = TICKET_NUMBER.exec(bodyOf(created))?.[0] ?? '';
    expect(number).not.toBe('');
    const createdId = header(created, 'Message-ID') ?? '';
    expect(createdId).not.toBe('');

    const operator = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
    const sent = await operator.post<{ id: string }>(`/api/tickets/${number}/replies`, { text: 'Bu Rina, apakah pohonnya menimpa kabel listrik?' });
    expect(sent.status).toBe(202);
    const reply = await servers.nextMailTo(reporter, 1);
    expect(bodyOf(reply)).toContain(`Pesan dari petugas tentang laporan ${number}`);
    expect(bodyOf(reply)).toContain('Bu Rina, apakah pohonnya menimpa kabel listrik?');
    expect(bodyOf(reply)).toContain('Balas email ini untuk menjawab petugas.');
    expect(bodyOf(reply)).not.toContain('MENU'); // no chat commands in a mail
    expect(reply.subject).toBe(`Re: [${number}] Pohon tumbang di Jl. Flamboyan`);
    // In the thread: an answer to the ticket mail, which answered the report.
    expect(header(reply, 'In-Reply-To')).toBe(createdId);
    expect(header(reply, 'References')?.split(/\s+/)).toEqual(['<laporan-rina@warga.example>', createdId]);
    const replyId = header(reply, 'Message-ID') ?? '';
    expect(replyId).not.toBe(createdId);
    expect(servers.mailsTo(reporter)).toHaveLength(2);

    // The citizen answers that mail, quoting it as mail clients do.
    const quoted = bodyOf(reply).trimEnd().split(/\r?\n/).map((line) => `> ${line}`).join('\n');
    await servers.deliver({
      from: 'Rina Wulandari <rina@warga.example>',
      subject: `Re: ${reply.subject}`,
      messageId: '<jawaban-rina@warga.example>',
      inReplyTo: replyId,
      references: `<laporan-rina@warga.example> ${createdId} ${replyId}`,
      text: `Tidak pak, kabelnya aman. Tapi dahannya menutup selokan.\n\nPada Rab, 25 Nov 2026, Aduan Kota Contoh <${servers.botAddress}> menulis:\n${quoted}`,
    });
    const thread = async () => (await operator.get<Thread>(`/api/tickets/${number}`)).body.thread;
    await until('the answer in the thread', async () => (await thread()).some((m) => m.direction === 'in' && m.text.includes('kabelnya aman')), 20_000);
    const messages = await thread();
    const question = messages.findIndex((m) => m.id === sent.body.id);
    const answer = messages.findIndex((m) => m.direction === 'in' && m.text.includes('kabelnya aman'));
    expect(messages[question]).toMatchObject({ direction: 'out', author: 'operator:admin', delivery: 'sent' });
    // Its new words only, after the operator's question.
    expect(messages[answer]).toMatchObject({ author: 'reporter', text: 'Tidak pak, kabelnya aman. Tapi dahannya menutup selokan.', delivery: 'received' });
    expect(answer).toBeGreaterThan(question);

    // The bot acknowledges it in the same thread; it is not taken for a new report.
    const ack = await servers.nextMailTo(reporter, 2);
    expect(bodyOf(ack)).toContain(`sudah kami tambahkan ke laporan ${number}`);
    expect(header(ack, 'In-Reply-To')).toBe('<jawaban-rina@warga.example>');
    expect(header(ack, 'References')?.split(/\s+/)).toEqual(['<laporan-rina@warga.example>', createdId, replyId, '<jawaban-rina@warga.example>']);
    expect(ack.subject).toBe(`Re: [${number}] Pohon tumbang di Jl. Flamboyan`);
    const list = await operator.get<{ tickets: { number: string }[] }>(`/api/tickets?q=${encodeURIComponent('Rina Wulandari')}`);
    expect(list.body.tickets.map((t) => t.number)).toEqual([number]);
  });
});
