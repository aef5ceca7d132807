// Phone intake: the new ticket's number goes to the caller on the Telegram
// conversation of their earlier report (found by the phone they gave there).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { FakeBotApi } from '../support/bot-api.js';
import { TICKET_NUMBER } from '../support/conversation.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, OperatorSession, startInboxApp } from '../support/inbox.js';
import { until } from '../support/until.js';

const db = useTestDatabase(import.meta.filename);
let api: FakeBotApi;
let app: RunningApplication;

beforeAll(async () => {
  api = await new FakeBotApi().start();
  app = await startInboxApp(db, (c) => {
    c.channels.telegram.botToken = api.token;
    c.channels.telegram.apiRoot = api.url;
  });
});
afterAll(async () => {
  await app.stop();
  await api.stop();
});

async function say(user: number, text: string, expected: string): Promise<string> {
  const before = api.textsTo(user).length;
  api.push(api.message(user, { text }));
  let found = '';
  await until(`"${expected}" for ${String(user)}`, () => {
    found = api.textsTo(user).slice(before).find((t) => t.includes(expected)) ?? '';
    return found !== '';
  }, 20_000);
  return found;
}

describe('the ticket number sent to a phone caller', () => {
  it('goes to their earlier Telegram conversation when the operator ticks it, once', async () => {
    const user = 7301;
    await say(user, 'halo', 'Silakan pilih layanan');
    await say(user, '1', 'nama lengkap');
    await say(user, 'Komang Ayu', 'nomor HP');
    await say(user, '0812 4444 5555', 'alamat');
    await say(user, 'Jl. Melati 5', 'jenis masalah');
    await say(user, 'Lampu jalan', 'Ceritakan');
    await say(user, 'Lampu jalan padam di depan rumah.', 'Kirim foto');
    await say(user, 'selesai', 'lokasi');
    await say(user, 'Jl. Melati 5', 'Ringkasan laporan');
    const earlier = TICKET_NUMBER.exec(await say(user, 'Ya', 'nomor tiket'))?.[0] ?? '';
    expect(earlier).not.toBe('');

    const operator = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
    const caller = await operator.get<{ identity: { name: string }; tickets: { number: string; channel: string }[]; channels: string[] }>('/api/intake/caller?phone=%2B6281244445555');
    expect(caller.body.identity.name).toBe('Komang Ayu');
    expect(caller.body.tickets).toEqual([expect.objectContaining({ number: earlier, channel: 'telegram' })]);
    expect(caller.body.channels).toEqual(['telegram']);

    const form = new FormData();
    form.append('complaint', JSON.stringify({ channel: 'phone', reporter: { name: 'Komang Ayu', phone: '081244445555' }, category: 'sampah', description: 'Sampah tidak diangkut seminggu', notify: 'telegram' }));
    const headers = { cookie: operator.cookie ?? '', 'x-csrf-token': operator.csrf ?? '', 'idempotency-key': 'intake-7301' };
    const response = await fetch(`${app.url}/api/intake`, { method: 'POST', headers, body: form });
    expect(response.status).toBe(201);
    const created = await response.json() as { number: string; notified: string };
    expect(created.notified).toBe('telegram');
    await until('the number on Telegram', () => api.textsTo(user).some((t) => t.includes(created.number)), 20_000);
    const text = api.textsTo(user).find((t) => t.includes(created.number)) ?? '';
    expect(text).toContain(`Laporan Anda melalui telepon telah kami catat dengan nomor tiket ${created.number}`);
    expect(text).toContain(`STATUS ${created.number}`);
    // …and the ticket's public status page (src/public/).
    expect(text).toMatch(new RegExp(`Lihat perkembangannya di: http://localhost:\\d+/t/${created.number}\\?k=[A-Za-z0-9_-]{24}`));

    // A repeated press (same idempotency key) creates nothing and sends nothing again.
    const again = new FormData();
    again.append('complaint', JSON.stringify({ channel: 'phone', reporter: { name: 'Komang Ayu', phone: '081244445555' }, category: 'sampah', description: 'Sampah tidak diangkut seminggu', notify: 'telegram' }));
    const repeat = await fetch(`${app.url}/api/intake`, { method: 'POST', headers, body: again });
    expect(((await repeat.json()) as { number: string }).number).toBe(created.number);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.textsTo(user).filter((t) => t.includes(created.number))).toHaveLength(1);

    const audit = await operator.get<{ entries: { action: string; detail?: Record<string, unknown> }[] }>(`/api/audit?ticket=${created.number}`);
    expect(audit.body.entries.find((e) => e.action === 'create_ticket')?.detail).toMatchObject({ notified: 'telegram' });
  });
});
