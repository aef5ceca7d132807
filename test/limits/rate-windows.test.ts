// Limits shared by instances (limits/rate-windows.ts, storage/rate-window-store.ts)
// on the real database: two stores on two connections (two instances) count
// together; the estimate slides over the window boundary instead of allowing
// twice the limit there; no key is stored in the clear; and a web chat or
// email limit whose store fails counts in the instance instead of refusing.
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimit } from '../../src/channels/rate-limit.js';
import { LoginThrottle } from '../../src/inbox/auth/throttle.js';
import { memoryRateWindows, type RateWindows } from '../../src/limits/rate-windows.js';
import { createLogger } from '../../src/observability/logger.js';
import { rateWindowModel } from '../../src/storage/models/rate-window.js';
import { mongoRateWindows } from '../../src/storage/rate-window-store.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase(import.meta.filename);
let other: mongoose.Connection;
beforeAll(async () => { other = await mongoose.createConnection(db.uri, { dbName: db.name, autoIndex: false, autoCreate: false }).asPromise(); });
afterAll(async () => { await other.close(); });

const MINUTE = 60_000;
/** A moment `ms` into a minute-long window. */
const into = (ms: number) => new Date(Math.floor(Date.now() / MINUTE) * MINUTE + MINUTE + ms);

describe('shared rate windows', () => {
  it('counts the hits of two instances together, concurrent first hits included', async () => {
    const a = mongoRateWindows(db.connection);
    const b = mongoRateWindows(other);
    const at = into(1_000);
    const counts: number[] = [];
    for (let n = 0; n < 6; n++) counts.push(await (n % 2 === 0 ? a : b).hit('test', 'session-1', MINUTE, at));
    expect(counts).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await b.peek('test', 'session-1', MINUTE, at)).toBe(6);
    expect(await a.peek('test', 'session-2', MINUTE, at)).toBe(0);
    // Concurrent first hits of a new window (two instances at the same moment) all count.
    const burst = await Promise.all([...Array(10).keys()].map((n) => (n % 2 === 0 ? a : b).hit('test', 'session-3', MINUTE, at)));
    expect(burst.toSorted((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('slides across the window boundary: the previous window counts by the share still within the last minute', async () => {
    const windows = mongoRateWindows(db.connection);
    for (let n = 0; n < 10; n++) await windows.hit('slide', 'sender', MINUTE, into(50_000));
    // A quarter into the next window, three quarters of the previous one still lie within the last minute.
    expect(await windows.hit('slide', 'sender', MINUTE, into(MINUTE + 15_000))).toBeCloseTo(1 + 10 * 0.75, 5);
    // A whole window later it is forgotten.
    expect(await windows.peek('slide', 'sender', MINUTE, into(3 * MINUTE))).toBe(0);
  });

  it('stores no key in the clear: phone numbers, addresses and IPs are hashed with the installation secret', async () => {
    const windows = mongoRateWindows(db.connection);
    await windows.hit('email', 'siti.rahma@warga.example', MINUTE, into(0));
    await windows.hit('login-address', '203.0.113.77', MINUTE, into(0));
    const stored = JSON.stringify(await rateWindowModel(db.connection).find({ _id: { $ne: '~secret' } }).lean());
    expect(stored).not.toContain('siti');
    expect(stored).not.toContain('203.0.113');
    expect(stored).toMatch(/email:[\w-]{22}:\d+/);
    // Every instance hashes alike: the secret is made once, in the database.
    expect(await mongoRateWindows(other).peek('email', 'siti.rahma@warga.example', MINUTE, into(0))).toBe(1);
  });

  it('limits at the configured total, and fails open to a count in this instance when the database cannot count', async () => {
    const limit = new RateLimit({ name: 'webchat', limit: 3, windowMs: MINUTE, shared: mongoRateWindows(db.connection) });
    const at = into(2_000);
    const allowed = [];
    for (let n = 0; n < 5; n++) allowed.push(await limit.allow('session-limit', at));
    expect(allowed).toEqual([true, true, true, false, false]);

    const broken: RateWindows = { hit: () => Promise.reject(new Error('not reachable')), peek: () => Promise.reject(new Error('not reachable')) };
    const open = new RateLimit({ name: 'webchat', limit: 2, windowMs: MINUTE, shared: broken, logger: createLogger({ level: 'silent' }) });
    expect([await open.allow('s', at), await open.allow('s', at), await open.allow('s', at)]).toEqual([true, true, false]);
  });

  it('throttles failed logins per address across instances and fails closed', async () => {
    const a = new LoginThrottle(mongoRateWindows(db.connection), 3, MINUTE);
    const b = new LoginThrottle(mongoRateWindows(other), 3, MINUTE);
    const at = into(3_000);
    await a.fail('198.51.100.9', at);
    await b.fail('198.51.100.9', at);
    expect(await a.blocked('198.51.100.9', at)).toBe(false);
    await a.fail('198.51.100.9', at);
    expect(await b.blocked('198.51.100.9', at)).toBe(true);
    expect(await b.blocked('198.51.100.10', at)).toBe(false);
    const broken = new LoginThrottle({ hit: () => Promise.reject(new Error('down')), peek: () => Promise.reject(new Error('down')) }, 3, MINUTE);
    await expect(broken.blocked('198.51.100.9', at)).rejects.toThrow('down');
  });

  it('keeps the in-process windows bounded and alike', async () => {
    const memory = memoryRateWindows();
    for (let n = 0; n < 3; n++) await memory.hit('m', 'k', MINUTE, into(59_000));
    expect(await memory.peek('m', 'k', MINUTE, into(MINUTE + 30_000))).toBeCloseTo(1.5, 5);
  });
});
