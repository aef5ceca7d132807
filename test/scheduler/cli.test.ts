// `npm run job -- <name>` against the test database.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedDatabase } from '../../src/storage/embedded-db.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { openStorage } from '../../src/storage/storage.js';
import { TicketService } from '../../src/tickets/service.js';
import { defaultConfig } from '../support/config.js';
import { useTestDatabase } from '../support/database.js';
import { SmtpSink } from '../support/smtp-sink.js';

const run = promisify(execFile);
const db = useTestDatabase(import.meta.filename);
const ROOT = new URL('../../', import.meta.url).pathname;

describe('npm run job', () => {
  it('runs one job now and says what it did', async () => {
    const { stdout } = await run('npm', ['run', '--silent', 'job', '--', 'confirmations'], { cwd: ROOT, env: { ...process.env, MONGODB_URI: `${db.uri.replace(/\/?$/, '/')}${db.name}`, LOG_LEVEL: 'warn' } });
    expect(stdout.trim()).toBe('confirmations: 0 handled');
  });

  it('sends the mail a job queues before it ends (an SLA reminder)', async () => {
    const smtp = await new SmtpSink().start();
    try {
      const tickets = new TicketService(openStorage(db.connection, defaultConfig()).tickets, defaultConfig());
      const ticket = await tickets.create({ channel: 'webchat', reporter: { name: 'Rina', channelUserId: 'cli-w1' }, category: 'sampah', description: 'Sampah menumpuk di TPS Jl. Melati.' }, 'reporter');
      await ticketModel(db.connection).updateOne({ _id: ticket.number }, { $set: { 'due.firstResponseReminder': new Date(Date.now() - 1_000) } });
      const { stdout } = await run('npm', ['run', '--silent', 'job', '--', 'slaSweep'], {
        cwd: ROOT,
        env: { ...process.env, MONGODB_URI: `${db.uri.replace(/\/?$/, '/')}${db.name}`, LOG_LEVEL: 'warn', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), MAIL_FROM: 'Aduan <aduan@kotacontoh.go.id>' },
      });
      expect(stdout.trim()).toBe('slaSweep: 1 handled');
      expect(smtp.mails.filter((m) => m.subject.includes(ticket.number) && m.subject.includes('Pengingat'))).toHaveLength(1);
    } finally {
      await smtp.stop();
    }
  });

  it('names the jobs when asked for one that does not exist', async () => {
    const failed = (await run('npm', ['run', '--silent', 'job', '--', 'nope'], { cwd: ROOT }).then(
      () => ({ code: 0, stderr: '' }),
      (error: unknown) => error,
    )) as { code: number; stderr: string };
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('usage: npm run job -- <outboxRetry|conversationExpiry|slaSweep|agencyNotices|dailyReport|monthlyReport|sessionCleanup|confirmations|milestones|photoMetadata|retention>');
  });
});

// As an operator runs it, with only the environment given here.
const { MONGODB_URI: _uri, DATA_DIR: _dataDir, ...inherited } = process.env;
function npmJob(name: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return run('npm', ['run', '--silent', 'job', '--', name], { cwd: ROOT, env: { ...inherited, LOG_LEVEL: 'warn', ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: unknown) => error as { code: number; stdout: string; stderr: string },
  );
}

/** The server's URI with its database path removed, as an operator might write it (`mongodb://host:27017`). */
function withoutDatabase(uri: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]*)(?:\/[^?]*)?(\?.*)?$/, (_m, hosts: string, query?: string) => (query ? `${hosts}/${query}` : hosts));
}

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

describe('npm run job finds the service\'s database', () => {
  it('uses `aduan` when MONGODB_URI names no database', async () => {
    const server = withoutDatabase(db.uri);
    const aduan = await mongoose.createConnection(server, { dbName: 'aduan', autoIndex: false, autoCreate: false }).asPromise();
    const leases = aduan.collection<{ _id: string; lastRunAt: Date }>('job_leases');
    cleanups.push(async () => {
      // Only what this test wrote: its lease, and the collection if nothing else is in it.
      await leases.deleteOne({ _id: 'sessionCleanup' });
      if ((await leases.findOne({})) === null) await aduan.dropCollection('job_leases').catch(() => undefined);
      await aduan.close();
    });
    const before = new Date(Date.now() - 1_000);

    expect(await npmJob('sessionCleanup', { MONGODB_URI: server })).toMatchObject({ code: 0, stdout: 'sessionCleanup: 0 handled\n' });
    const lease = await leases.findOne({ _id: 'sessionCleanup' });
    expect(lease?.lastRunAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(await aduan.useDb('test').collection('job_leases').findOne({ _id: 'sessionCleanup' as never })).toBeNull();
  });

  it('without MONGODB_URI, runs against the embedded database the running service recorded under DATA_DIR', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aduan-job-cli-data-'));
    const embedded = await startEmbeddedDatabase({ dataDir, sync: 'normal' });
    cleanups.push(async () => { await embedded.stop(); rmSync(dataDir, { recursive: true, force: true }); });

    expect(await npmJob('confirmations', { DATA_DIR: dataDir })).toMatchObject({ code: 0, stdout: 'confirmations: 0 handled\n' });
    const direct = await mongoose.createConnection(embedded.uri, { dbName: 'aduan', autoIndex: false, autoCreate: false }).asPromise();
    expect(await direct.collection('job_leases').findOne({ _id: 'confirmations' as never })).not.toBeNull();
    await direct.close();
  });

  it('without MONGODB_URI and no running embedded database, exits 2 and says what to do', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aduan-job-cli-empty-'));
    cleanups.push(() => { rmSync(dataDir, { recursive: true, force: true }); return Promise.resolve(); });
    const result = await npmJob('confirmations', { DATA_DIR: dataDir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('npm run job needs the service\'s database: MONGODB_URI is unset and no embedded database is running');
    expect(result.stderr).toContain('Start the service (`npm start`) with the same DATA_DIR');
  });
});
