// A receiver under a lease (scheduler/singleton.ts) against the real
// `job_leases` collection: one holder at a time; a holder that died is
// replaced once its lease runs out; one that cannot renew stops before its
// lease could be taken; a stop or a receiver that gives up hands it back.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import type { JobLeases } from '../../src/scheduler/lease.js';
import { Singleton } from '../../src/scheduler/singleton.js';
import { mongoJobLeases } from '../../src/storage/lease-store.js';
import { useTestDatabase } from '../support/database.js';
import { until } from '../support/until.js';

const db = useTestDatabase(import.meta.filename);
const logger = createLogger({ level: 'silent' });
const TTL = 900;

/** Work that runs until its lease ends, recording when it started and was told to stop. */
function recorder() {
  const runs: { startedAt: number; endedAt?: number }[] = [];
  const work = async (held: AbortSignal) => {
    const run: { startedAt: number; endedAt?: number } = { startedAt: Date.now() };
    runs.push(run);
    await new Promise<void>((resolve) => { held.addEventListener('abort', () => { resolve(); }, { once: true }); });
    run.endedAt = Date.now();
  };
  return { runs, work };
}

describe('a receiver under a lease', () => {
  it('runs on one instance; the other takes over within the lease after the holder dies without a word', async () => {
    const leases = mongoJobLeases(db.connection);
    // A holder renewed its lease and was killed the next moment.
    expect(await leases.take('receiver:dead', 'killed-instance', TTL)).toBe(true);
    const killedAt = Date.now();
    const standby = recorder();
    const b = new Singleton({ leases, name: 'receiver:dead', owner: 'b', ttlMs: TTL, logger });
    b.start(standby.work);
    await until('b receiving', () => standby.runs.length === 1, 5_000);
    const after = (standby.runs[0]?.startedAt ?? 0) - killedAt;
    expect(after).toBeGreaterThanOrEqual(TTL - 50); // never while the dead holder's lease could still be live
    expect(after).toBeLessThan((TTL * 4) / 3 + 300); // the lease, plus at most one standby interval
    expect(b.receiving).toBe(true);
    await b.stop();
    expect(b.receiving).toBe(false);
  });

  it('never lets two instances receive at once, and a stop hands over at once', async () => {
    const leases = mongoJobLeases(db.connection);
    const first = recorder();
    const second = recorder();
    const a = new Singleton({ leases, name: 'receiver:pair', owner: 'a', ttlMs: TTL, logger });
    const b = new Singleton({ leases, name: 'receiver:pair', owner: 'b', ttlMs: TTL, logger });
    a.start(first.work);
    await until('a receiving', () => first.runs.length === 1);
    b.start(second.work);
    await new Promise((resolve) => setTimeout(resolve, TTL * 2)); // several renewals and tries
    expect(second.runs).toHaveLength(0);
    const stoppedAt = Date.now();
    await a.stop();
    await until('b receiving', () => second.runs.length === 1, 5_000);
    expect((second.runs[0]?.startedAt ?? 0) - stoppedAt).toBeLessThan(TTL / 3 + 300);
    expect(first.runs[0]?.endedAt).toBeLessThanOrEqual(second.runs[0]?.startedAt ?? 0);
    await b.stop();
  });

  it('stops receiving before its lease could run out when renewals fail (the database is unreachable)', async () => {
    const real = mongoJobLeases(db.connection);
    let reachable = true;
    const flaky: JobLeases = {
      take: (job, owner, ms) => (reachable ? real.take(job, owner, ms) : Promise.reject(new Error('connection refused'))),
      release: (job, owner) => real.release(job, owner),
    };
    const work = recorder();
    const a = new Singleton({ leases: flaky, name: 'receiver:flaky', owner: 'a', ttlMs: TTL, logger });
    a.start(work.work);
    await until('a receiving', () => work.runs.length === 1);
    reachable = false;
    const cutAt = Date.now();
    await until('a stopped receiving', () => work.runs[0]?.endedAt !== undefined, 5_000);
    // Its last good renewal was at most a third of the lease before the cut; it ends a sixth before expiry.
    expect((work.runs[0]?.endedAt ?? 0) - cutAt).toBeLessThan((TTL * 5) / 6);
    expect(a.receiving).toBe(false);
    await a.stop();
  });

  it('hands the lease back when the receiver gives up by itself, so another may try', async () => {
    const leases = mongoJobLeases(db.connection);
    const a = new Singleton({ leases, name: 'receiver:gives-up', owner: 'a', ttlMs: 60_000, logger });
    let tries = 0;
    a.start(() => { tries++; return Promise.reject(new Error('IMAP login refused')); });
    await until('a tried', () => tries >= 1);
    await until('the lease free for b', () => leases.take('receiver:gives-up', 'b', 60_000), 5_000);
    await a.stop();
  });
});
