// Telegram long polling under the receiver lease, in one process against the
// Bot API stand-in: an instance whose lease another instance has taken stops
// polling at once (its waiting getUpdates is aborted, no new one is made) and
// stands by, healthy; when the lease is free again it polls again. Two
// processes and a SIGKILL: test/app/failover.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramChannel } from '../../../src/channels/telegram/channel.js';
import { HealthRegistry } from '../../../src/observability/health.js';
import { createLogger } from '../../../src/observability/logger.js';
import { mongoJobLeases } from '../../../src/storage/lease-store.js';
import { jobLeaseModel } from '../../../src/storage/models/job-lease.js';
import { FakeBotApi } from '../../support/bot-api.js';
import { createRig } from '../../support/conversation.js';
import { useTestDatabase } from '../../support/database.js';
import { until } from '../../support/until.js';

const db = useTestDatabase(import.meta.filename);
const api = new FakeBotApi();
const LEASE_MS = 900;
beforeAll(async () => { api.exclusivePolling = true; await api.start(); });
afterAll(async () => { await api.stop(); });

describe('Telegram polling under the lease', () => {
  it('stops polling at once when another instance holds the lease, and polls again when it is free', async () => {
    const rig = await createRig(db, { channel: 'telegram' });
    const health = new HealthRegistry();
    const channel = new TelegramChannel({
      config: { ...rig.config.channels.telegram, botToken: api.token, apiRoot: api.url },
      photoMaxBytes: rig.config.limits.photoMaxBytes,
      router: rig.router,
      outbox: rig.outbox,
      attachments: rig.storage.attachments,
      health,
      logger: createLogger({ level: 'silent' }),
      lease: { leases: mongoJobLeases(db.connection), owner: 'tg-a', ttlMs: LEASE_MS },
    });
    const polls = () => api.calls.filter((c) => c === 'getUpdates').length;
    channel.start();
    await until('polling', () => health.snapshot().telegram?.receiving === true && polls() > 0);
    expect(health.snapshot().telegram).toMatchObject({ status: 'up', receiving: true, detail: { role: 'poller' } });

    const leaseName = `telegram:${api.token.split(':')[0] ?? ''}`;
    await jobLeaseModel(db.connection).updateOne({ _id: leaseName }, { $set: { owner: 'tg-elsewhere', until: new Date(Date.now() + 60_000) } });
    const takenAt = Date.now();
    await until('standing by', () => health.snapshot().telegram?.receiving === false, 5_000);
    expect(Date.now() - takenAt).toBeLessThan(LEASE_MS); // at the next renewal, a third of the lease later
    expect(health.snapshot().telegram).toMatchObject({ status: 'up', receiving: false, detail: { role: 'standby' } });
    const pollsWhenStopped = polls();
    api.push(api.message(8101, { text: 'halo' }));
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS));
    expect(polls()).toBe(pollsWhenStopped); // no getUpdates while another instance holds the lease
    expect(api.textsTo(8101)).toEqual([]);

    await jobLeaseModel(db.connection).updateOne({ _id: leaseName }, { $set: { until: new Date(0) } });
    await until('polling again and answered', () => api.textsTo(8101).some((t) => t.includes('Silakan pilih layanan')), 10_000);
    expect(health.snapshot().telegram?.receiving).toBe(true);
    expect(api.conflicts).toBe(0);
    await channel.stop();
    expect(health.snapshot().telegram).toMatchObject({ status: 'disabled', receiving: false });
  });
});
