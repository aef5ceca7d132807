// Failed sends over the Bot API: retried when their backoff ends (not when
// the sweep happens to run), and a 429 holds every send of the bot until its
// retry_after has passed.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../../src/app/application.js';
import { messageModel } from '../../../src/storage/models/message.js';
import { startTestApp } from '../../support/app.js';
import { FakeBotApi } from '../../support/bot-api.js';
import { useTestDatabase } from '../../support/database.js';
import { fakeJpeg } from '../../support/images.js';
import { until } from '../../support/until.js';

const db = useTestDatabase(import.meta.filename);
let api: FakeBotApi;
let app: RunningApplication | undefined;

beforeAll(async () => { api = await new FakeBotApi().start(); });
afterEach(async () => { await app?.stop(); app = undefined; });
afterAll(async () => { await api.stop(); });

async function start(): Promise<RunningApplication> {
  app = await startTestApp(db, (c) => {
    c.channels.telegram.botToken = api.token;
    c.channels.telegram.apiRoot = api.url;
    c.schedules.outboxRetry = '0 0 1 1 *'; // once a year: only the retry timer can deliver in time
    c.outbox.retryBase = 300;
  });
  return app;
}

/** When each Bot API call arrived, watched from outside the fake (every few ms). */
function watchCalls(): { calls: { method: string; at: number }[]; stop: () => void } {
  const calls: { method: string; at: number }[] = [];
  let seen = api.calls.length;
  const look = () => {
    for (; seen < api.calls.length; seen++) calls.push({ method: api.calls[seen] ?? '', at: Date.now() });
  };
  const timer = setInterval(look, 2);
  return { calls, stop: () => { clearInterval(timer); look(); } };
}

const start_ = { text: '/start', entities: [{ type: 'bot_command', offset: 0, length: 6 }] };

describe('Telegram sends that fail', () => {
  it('are retried when their backoff ends: three transient errors cost ~2 s at a 300 ms base, not a sweep interval', async () => {
    await start();
    const user = 7101;
    await until('the channel to poll', () => api.calls.includes('getUpdates'));
    const error = { status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } };
    api.fail('sendMessage', error, error, { status: 502, body: { ok: false, error_code: 502, description: 'Bad Gateway' } });
    const watch = watchCalls();
    api.push(api.message(user, start_));
    await until('the menu to arrive', () => api.textsTo(user).some((t) => t.includes('Silakan pilih layanan')), 10_000);
    watch.stop();
    const sends = watch.calls.filter((c) => c.method === 'sendMessage');
    // Three failures, then the answer's messages (greeting and menu), each once.
    expect(sends.length).toBe(3 + api.textsTo(user).length);
    expect(new Set(api.textsTo(user)).size).toBe(api.textsTo(user).length);
    const [first, , , delivered] = sends;
    // Backoff 300 + 600 + 1,200 ms with ±20 % jitter: 1.68–2.52 s. The sweep would have waited a year.
    expect((delivered?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThan(1_500);
    expect((delivered?.at ?? 0) - (first?.at ?? 0)).toBeLessThan(3_500);
  });

  it('a 429 with retry_after holds every chat of the bot until it has passed, then each message goes once, in order', async () => {
    await start();
    await until('the channel to poll', () => api.calls.includes('getUpdates'));
    api.fail('sendMessage', { status: 429, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 2', parameters: { retry_after: 2 } } });
    const watch = watchCalls();
    api.push(api.message(7201, start_));
    await until('the 429', () => watch.calls.some((c) => c.method === 'sendMessage'));
    const limitedAt = watch.calls.find((c) => c.method === 'sendMessage')?.at ?? 0;
    // A send already on its way when the 429 came back cannot be called back: the window holds from when the service has read it.
    await until('the service to have read the 429', async () => (await messageModel(db.connection).exists({ conversationKey: 'telegram:7201', lastError: /^429/ })) !== null);
    const knownAt = Date.now();
    // Other chats write while the bot is limited: their answers wait for the window too.
    api.push(api.message(7202, start_));
    api.push(api.message(7203, start_));
    api.push(api.message(7201, { text: 'halo' }));
    await until('every chat to get its menu', () => [7201, 7202, 7203].every((u) => api.textsTo(u).some((t) => t.includes('Silakan pilih layanan'))), 10_000);
    await until('the answer to "halo"', () => api.textsTo(7201).length > api.textsTo(7202).length, 10_000);
    watch.stop();
    const sends = watch.calls.filter((c) => c.method === 'sendMessage');
    const intoWindow = sends.filter((c) => c.at > knownAt && c.at < limitedAt + 2_000);
    expect(intoWindow).toEqual([]);
    // The refused send, then every answer once.
    const answers = [7201, 7202, 7203].flatMap((u) => api.textsTo(u));
    expect(sends.length).toBe(1 + answers.length);
    for (const user of [7202, 7203]) expect(api.textsTo(user)).toEqual(api.textsTo(7202));
    // 7201's answer to /start came before its answer to "halo".
    expect(api.textsTo(7201).slice(0, api.textsTo(7202).length)).toEqual(api.textsTo(7202));
    expect(api.textsTo(7201).length).toBeGreaterThan(api.textsTo(7202).length);
  });

  it('a photo Telegram will not hand over is given up after a few tries (the person is asked again), and other chats are not held up', async () => {
    await start();
    await until('the channel to poll', () => api.calls.includes('getUpdates'));
    const error = { status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } };
    api.fail('getFile', error, error, error, error, error, error, error, error);
    api.addFile('broken-photo', fakeJpeg(2_000, 1));
    api.push(api.message(7301, start_));
    await until('the menu', () => api.textsTo(7301).some((t) => t.includes('Silakan pilih layanan')));
    api.push(api.message(7301, { photo: [{ file_id: 'broken-photo', file_unique_id: 'u1', width: 800, height: 600, file_size: 2_000 }] }));
    await until('the photo to be tried', () => api.calls.includes('getFile'));
    const started = Date.now();
    api.push(api.message(7302, start_));
    await until('the other chat to be answered', () => api.textsTo(7302).some((t) => t.includes('Silakan pilih layanan')), 8_000);
    await until('the person to be asked for the photo again', () => api.textsTo(7301).some((t) => t.includes('foto gagal diterima')), 8_000);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(api.calls.filter((c) => c === 'getFile')).toHaveLength(4);
  });
});
