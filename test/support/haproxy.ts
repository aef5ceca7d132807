// HAProxy from Debian (`apt-get install haproxy`) as a child process in the
// foreground, in front of several instances of the service: round-robin, no
// stickiness, health checks on /healthz. Its config is generated into a temp
// dir; each response names the instance that answered (`x-served-by`), so a
// test can tell which instance a request landed on.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './loopback.js';

export interface Backend {
  /** The server's name in the config and in `x-served-by`. */
  readonly name: string;
  readonly port: number;
}

/** The config: what a city's load balancer in front of Aduan needs (deploy/haproxy.cfg is the deployed one). */
export function haproxyConfig(port: number, backends: readonly Backend[]): string {
  return [
    'global',
    '  maxconn 2000',
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 60s',
    '  timeout server 60s',
    // Server-sent events and long polls are open connections: the tunnel timeout covers them.
    '  timeout tunnel 1h',
    // A connection refused by a dead instance is retried on another (a request already sent is not: it may have been acted on).
    '  retries 3',
    '  option redispatch 1',
    'frontend web',
    `  bind 127.0.0.1:${String(port)}`,
    '  option forwardfor',
    '  default_backend aduan',
    'backend aduan',
    '  balance roundrobin',
    '  option httpchk GET /healthz',
    '  http-check expect status 200',
    '  http-response set-header x-served-by %[srv_name]',
    // A check every 500 ms; a slow answer (a loaded machine) is not a dead instance: 2 s to answer, 3 misses.
    '  timeout check 2s',
    '  default-server inter 500ms fall 3 rise 2',
    ...backends.map((b) => `  server ${b.name} 127.0.0.1:${String(b.port)} check`),
    '',
  ].join('\n');
}

export class HaproxyProcess {
  readonly url: string;
  readonly output: string[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  private constructor(readonly port: number, readonly configFile: string) {
    this.url = `http://127.0.0.1:${String(port)}`;
    // -db: foreground, no daemon; -W is not needed without reloads.
    this.child = spawn('haproxy', ['-f', configFile, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [this.child.stdout, this.child.stderr]) stream?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    // Not installed: say how to get it instead of failing on an unhandled spawn error.
    this.child.once('error', (error) => this.output.push(`${error.message}: HAProxy comes from Debian, apt-get install haproxy (.ci/run does)\n`));
    this.exited = new Promise((resolve) => this.child.once('close', () => { resolve(); }));
  }

  static async start(backends: readonly Backend[]): Promise<HaproxyProcess> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'aduan-haproxy-'));
    const configFile = join(dir, 'haproxy.cfg');
    writeFileSync(configFile, haproxyConfig(port, backends));
    const proxy = new HaproxyProcess(port, configFile);
    await proxy.waitForListening();
    return proxy;
  }

  /** Resolves once HAProxy answers (any status: the backends may still be starting). */
  private async waitForListening(ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      try {
        await (await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(1_000) })).arrayBuffer();
        return;
      } catch {
        if (this.child.exitCode !== null || this.child.pid === undefined || Date.now() > deadline) throw new Error(`haproxy did not start:\n${this.output.join('')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  async stop(): Promise<void> {
    if (this.child.pid === undefined) return;
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}
