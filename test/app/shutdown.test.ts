// Stopping `npm start` as people do: Ctrl-C in the terminal (SIGINT to the
// whole process group, which npm forwards again), a SIGTERM from a process
// manager, both at once. One clean stop: open long polls end, leases are
// handed back (a restart reads the mailbox at once), exit code 0.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { freePort } from '../support/loopback.js';
import { bodyOf, MailServers } from '../support/mail.js';
import { until } from '../support/until.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const db = useTestDatabase(import.meta.filename);
let servers: MailServers;

beforeAll(async () => { servers = await new MailServers().start(); });
afterAll(async () => { await servers.stop(); });

interface Service {
  readonly child: ChildProcess;
  readonly port: number;
  output(): string;
  readonly exited: Promise<number | null>;
}

/** `npm start` in a process group of its own, as a terminal runs it. */
async function npmStart(env: NodeJS.ProcessEnv): Promise<Service> {
  const port = await freePort();
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MONGODB_') && k !== 'CONFIG_FILE'));
  const child = spawn('npm', ['start', '--silent'], { cwd: ROOT, detached: true, env: { ...clean, LOG_LEVEL: 'info', PORT: String(port), HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', (l) => lines.push(l));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve(code); }));
  const service = { child, port, output: () => lines.join('\n'), exited };
  await until('the service to listen', () => service.output().includes('Aduan is listening'), 90_000);
  return service;
}

const group = (service: Service, signal: NodeJS.Signals) => { process.kill(-(service.child.pid ?? 0), signal); };
/** The exit (and the process table) in a test after a stop may come quickly: each of these is sent while the first still runs. */
const signals = (service: Service, ...list: NodeJS.Signals[]) => { for (const signal of list) group(service, signal); };

function mailEnv(): NodeJS.ProcessEnv {
  return {
    MONGODB_URI: `${db.uri.replace(/\/?$/, '/')}${db.name}`,
    IMAP_HOST: servers.dovecot.host,
    IMAP_PORT: String(servers.dovecot.port),
    IMAP_SECURE: 'false',
    IMAP_USER: servers.bot.user,
    IMAP_PASSWORD: servers.bot.password,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(servers.sink.port),
    SMTP_SECURE: 'false',
    MAIL_FROM: `Aduan Kota Contoh <${servers.botAddress}>`,
    CONFIG_FILE: configFile('channels:\n  email:\n    pollInterval: 60s\n'),
    ADMIN_USERNAME: 'admin',
    ADMIN_PASSWORD: 'rahasia-admin-123',
  };
}

function configFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'aduan-shutdown-')), 'kota.yaml');
  writeFileSync(file, yaml);
  return file;
}

async function emailUp(service: Service): Promise<void> {
  await until('the mailbox to be read', async () => {
    const health = (await (await fetch(`http://127.0.0.1:${String(service.port)}/healthz`)).json()) as { channels: Record<string, { status: string } | undefined> };
    return health.channels.email?.status === 'up';
  }, 30_000);
}

/** Opens an operator's live-update stream; its promise tells how it ended. */
async function openEventStream(service: Service): Promise<{ ended: Promise<'ended' | 'failed'> }> {
  const base = `http://127.0.0.1:${String(service.port)}`;
  const login = (await (await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'rahasia-admin-123', bearer: true }) })).json()) as { token: string };
  const response = await fetch(`${base}/api/events`, { headers: { authorization: `Bearer ${login.token}` } });
  const reader = response.body?.getReader();
  const read = async (): Promise<'ended' | 'failed'> => {
    if (!reader) return 'failed';
    try {
      while (!(await reader.read()).done) { /* heartbeats and events */ }
      return 'ended';
    } catch {
      return 'failed';
    }
  };
  return { ended: read() };
}

describe('stopping npm start', () => {
  it('Ctrl-C (SIGINT to the group, forwarded again by npm) stops once, ends an open long poll and event stream, and hands back the mailbox', async () => {
    const first = await npmStart(mailEnv());
    await emailUp(first);
    const poll = fetch(`http://127.0.0.1:${String(first.port)}/api/webchat/messages?sessionId=shutdown-test-session-1&after=0&wait=25`);
    const stream = await openEventStream(first);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the poll is waiting
    const started = Date.now();
    group(first, 'SIGINT');
    expect(await first.exited).toBe(0);
    const took = Date.now() - started;
    expect((await poll).status).toBe(200); // answered (empty) at once, not after its 25 s
    expect(await stream.ended).toBe('ended'); // the operator's live updates ended, not cut
    expect(took).toBeLessThan(5_000);
    expect(first.output()).not.toMatch(/exiting at once|took too long|error while stopping/);
    expect(first.output()).toMatch(/"msg":"stopped"/);

    // Every lease was handed back: nothing is held by the stopped instance.
    const connection = await mongoose.createConnection(db.uri, { dbName: db.name }).asPromise();
    const held = await connection.collection('job_leases').find({ until: { $gt: new Date() } }).toArray();
    await connection.close();
    expect(held).toEqual([]);

    // A restart reads mail at once, not after the old instance's mailbox lease (3 × poll interval = 3 min) ran out.
    const second = await npmStart(mailEnv());
    await emailUp(second);
    const before = servers.mailsTo('warga.shutdown@example.org').length;
    await servers.deliver({ from: 'Warga <warga.shutdown@example.org>', subject: 'Lampu jalan mati', text: 'Lampu jalan di Jl. Melati 3 mati sejak kemarin.', messageId: '<shutdown-1@example.org>' });
    const reply = await servers.nextMailTo('warga.shutdown@example.org', before);
    expect(bodyOf(reply)).not.toBe('');

    // SIGTERM and SIGINT together, and again: still one clean stop.
    signals(second, 'SIGTERM', 'SIGINT', 'SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain('already stopping'); // the copies are the same request
    expect(second.output()).not.toMatch(/exiting at once|took too long/);
  }, 120_000);
});
