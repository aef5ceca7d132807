// `npm start` as a newcomer runs it: no MONGODB_URI, so the embedded
// database starts; /healthz answers; SIGTERM stops everything cleanly.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => { resolve(typeof address === 'object' && address ? address.port : 0); });
    });
    server.once('error', reject);
  });
}

interface Started { child: ChildProcess; output: () => string; exited: Promise<number | null>; hasExited: () => boolean }

function npmStart(env: NodeJS.ProcessEnv): Started {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MONGODB_') && k !== 'CONFIG_FILE'));
  const child = spawn('npm', ['start', '--silent'], { cwd: ROOT, env: { ...clean, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', (l) => lines.push(l));
  let done = false;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { done = true; resolve(code); }));
  return { child, output: () => lines.join('\n'), exited, hasExited: () => done };
}

// Fails with the service's own log, so that a slow or failed start on a busy
// CI machine says why instead of only "timed out".
async function waitForOutput(app: Started, text: string, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!app.output().includes(text)) {
    if (app.hasExited()) throw new Error(`the service exited before printing "${text}":\n${app.output()}`);
    if (Date.now() > deadline) throw new Error(`no "${text}" after ${ms} ms:\n${app.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start', () => {
  it('starts on the embedded database, answers /healthz and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aduan-start-'));
    const port = await freePort();
    const app = npmStart({ PORT: String(port), DATA_DIR: dataDir, HOST: '127.0.0.1' });
    await waitForOutput(app, 'Aduan is listening');

    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', database: { status: 'up', kind: 'ferretdb' }, channels: {} });
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('aduan_tickets_created_total');
    expect(app.output()).toContain('embedded database started: FerretDB over SQLite');

    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(app.output()).toMatch(/"msg":"stopped"/);
    const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    expect(processes).not.toContain(dataDir);
  }, 120_000); // a cold start shares two cores with the rest of the suite

  it('refuses to start with an invalid configuration, one line per problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aduan-badconfig-'));
    const file = join(dir, 'kota.yaml');
    writeFileSync(file, 'sla:\n  firstResponse: sehari\nlimits:\n  photosPerTicket: -1\n');
    const app = npmStart({ CONFIG_FILE: file, DATA_DIR: dir });
    expect(await app.exited).toBe(2);
    expect(app.output()).toContain(`${file}: sla.firstResponse: expected a duration like 90s, 15m, 24h or 7d, got "sehari"`);
    expect(app.output()).toContain(`${file}: limits.photosPerTicket: Too small: expected number to be >=0`);
  });

  it('gives up with a clear message when the database stays unreachable', async () => {
    const port = await freePort();
    const app = npmStart({ MONGODB_URI: `mongodb://127.0.0.1:${port}/aduan`, CONFIG_FILE: writeConnectTimeout('2s') });
    expect(await app.exited).toBe(1);
    expect(app.output()).toMatch(/database not reachable yet, retrying/);
    expect(app.output()).toMatch(/"type":"DatabaseUnavailableError","message":"database unreachable after \d+ attempts: connect ECONNREFUSED[^"]*".*"msg":"Aduan could not start"/);
  });
});

function writeConnectTimeout(timeout: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'aduan-timeout-')), 'kota.yaml');
  writeFileSync(file, `database:\n  connectTimeout: ${timeout}\n`);
  return file;
}
