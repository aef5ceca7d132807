// A reply from the inbox reaches the citizen on the web chat, and the
// citizen's answer joins the ticket's thread for the operator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { messageModel } from '../../src/storage/models/message.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, OperatorSession, startInboxApp } from '../support/inbox.js';
import { WebchatCitizen } from '../support/webchat.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;

beforeAll(async () => { app = await startInboxApp(db); });
afterAll(async () => { await app.stop(); });

interface Thread { thread: { id: string; direction: string; text: string; author: string; delivery: string }[] }

describe('replies from the inbox', () => {
  it('reach the reporter on the web chat, and their answer reaches the operator', async () => {
    const citizen = new WebchatCitizen(app.url);
    const number = await citizen.report({ name: 'Dewi Lestari', phone: '081299990000', address: 'Jl. Anggrek 7', category: 'Drainase / banjir', description: 'Selokan meluap setiap hujan', location: { latitude: -6.2, longitude: 106.8 } });
    const operator = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);

    const sent = await operator.post<{ id: string }>(`/api/tickets/${number}/replies`, { text: 'Bu Dewi, apakah selokan yang dimaksud di sisi utara jalan?' });
    expect(sent.status).toBe(202);
    const [message] = await citizen.poll();
    expect(message?.text).toContain(`Pesan dari petugas tentang laporan ${number}`);
    expect(message?.text).toContain('apakah selokan yang dimaksud di sisi utara jalan?');

    // The citizen answers: no menu from the bot but a short thanks, once; the answer is in the ticket's thread.
    expect(await citizen.say('Iya pak, sisi utara dekat masjid')).toBe('Terima kasih, pesan Anda sudah kami teruskan ke petugas.');
    expect(await citizen.say('Yang ada warung kopinya')).toBe('');
    const { body } = await operator.get<Thread>(`/api/tickets/${number}`);
    const tail = body.thread.slice(-4);
    expect(tail).toEqual([
      expect.objectContaining({ direction: 'out', author: 'operator:admin', delivery: 'sent', id: sent.body.id }),
      expect.objectContaining({ direction: 'in', author: 'reporter', text: 'Iya pak, sisi utara dekat masjid', delivery: 'received' }),
      expect.objectContaining({ direction: 'out', author: 'bot', text: 'Terima kasih, pesan Anda sudah kami teruskan ke petugas.' }),
      expect.objectContaining({ direction: 'in', author: 'reporter', text: 'Yang ada warung kopinya' }),
    ]);
    // The intake conversation is the start of the same thread.
    expect(body.thread[0]).toMatchObject({ direction: 'in', text: 'halo' });

    // A command still works and leaves the operator's thread.
    expect(await citizen.say('menu')).toContain('Silakan pilih layanan');
  });

  it('shows a reply the channel could not deliver as failed, never as delivered', async () => {
    const citizen = new WebchatCitizen(app.url);
    const number = await citizen.report({ name: 'Tono', phone: '081211113333', address: 'Jl. Melati 3', category: 'Sampah', description: 'Sampah tidak diangkut seminggu' });
    const operator = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
    const sent = await operator.post<{ id: string }>(`/api/tickets/${number}/replies`, { text: 'Mohon maaf atas keterlambatannya.' });
    await messageModel(db.connection).updateOne({ _id: sent.body.id }, { $set: { status: 'failed', lastError: 'the person blocked the bot' } });
    const { body } = await operator.get<Thread>(`/api/tickets/${number}`);
    expect(body.thread.find((m) => m.id === sent.body.id)).toMatchObject({ delivery: 'failed', error: 'the person blocked the bot' });
  });
});
