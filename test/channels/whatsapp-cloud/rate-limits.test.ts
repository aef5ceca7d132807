// The Cloud API's rate limits over HTTP: the throughput limit (130429) holds
// every send of the business number; the pair rate (131056) holds only the
// person it was met with, while others are answered at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudSender } from '../../../src/channels/whatsapp-cloud/sender.js';
import { GraphClient } from '../../../src/channels/whatsapp-cloud/graph.js';
import { createLogger } from '../../../src/observability/logger.js';
import { OutboxDispatcher } from '../../../src/outbox/dispatcher.js';
import type { NewOutbound } from '../../../src/outbox/store.js';
import { openStorage } from '../../../src/storage/storage.js';
import { defaultConfig } from '../../support/config.js';
import { useTestDatabase } from '../../support/database.js';
import { FakeGraphApi } from '../../support/graph-api.js';
import { until } from '../../support/until.js';

const db = useTestDatabase(import.meta.filename);
let graph: FakeGraphApi;

beforeAll(async () => { graph = await new FakeGraphApi().start(); });
afterAll(async () => { await graph.stop(); });

function dispatcher(): OutboxDispatcher {
  const storage = openStorage(db.connection, defaultConfig());
  const outbox = new OutboxDispatcher(storage.outbox, createLogger({ level: 'silent' }), { baseBackoffMs: 200 });
  outbox.register(cloudSender(new GraphClient(graph.url, graph.token, graph.phoneNumberId), storage.attachments, {}));
  return outbox;
}

const message = (to: string, seq: number, text: string): NewOutbound => ({ conversationKey: `whatsapp:${to}`, channel: 'whatsapp', channelUserId: to, session: 1, seq, message: { text } });
const limit = (code: number, text: string) => ({ status: 400, body: { error: { code, message: `(#${String(code)}) ${text}` } } });

describe('WhatsApp Cloud API rate limits', () => {
  it('130429 (throughput) holds every person for its window; each message then goes once, in order', async () => {
    const outbox = dispatcher();
    graph.failSends(limit(130429, 'Rate limit hit'));
    const started = Date.now();
    await outbox.enqueue([message('6281100000001', 1, 'satu'), message('6281100000001', 2, 'dua')]);
    await outbox.idle();
    await outbox.enqueue([message('6281100000002', 1, 'untuk orang lain')]);
    await outbox.idle();
    expect(graph.textsTo('6281100000002')).toEqual([]); // held: the limit is the business number's
    await until('both people to be answered', () => graph.textsTo('6281100000002').length === 1 && graph.textsTo('6281100000001').length === 2, 6_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(graph.textsTo('6281100000001')).toEqual(['satu', 'dua']);
    await outbox.stop();
  });

  it('131056 (pair rate) holds only that person; the others are answered at once', async () => {
    const outbox = dispatcher();
    graph.failSends(limit(131056, '(Business Account, Consumer Account) pair rate limit hit'));
    await outbox.enqueue([message('6281100000003', 1, 'terlalu cepat')]);
    await outbox.idle();
    await outbox.enqueue([message('6281100000004', 1, 'langsung')]);
    await outbox.idle();
    expect(graph.textsTo('6281100000004')).toEqual(['langsung']);
    expect(graph.textsTo('6281100000003')).toEqual([]);
    await outbox.stop(); // hands the waiting message back for the next instance, not sent into the window
    const stored = await openStorage(db.connection, defaultConfig()).outbox.due(new Date(Date.now() + 7_000), 10);
    expect(stored.map((r) => r.message.text)).toEqual(['terlalu cepat']);
  });
});
