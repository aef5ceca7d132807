// The service as a real child process (`node --import tsx src/app/main.ts`,
// what `npm start` execs), for tests that kill it: its JSON log lines are
// kept with the time they arrived, and it can be ended with any signal.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Variables of the deployment contract, cleared so the caller's environment cannot leak into the service. */
const CONTRACT_VARIABLES = /^(MONGODB_|TELEGRAM_|WHATSAPP_|IMAP_|SMTP_|MAIL_FROM$|ADMIN_|CONFIG_FILE$|PORT$|DATA_DIR$|CHROMIUM_PATH$|HOST$|LOG_LEVEL$)/;

export interface LogLine {
  readonly at: number;
  readonly text: string;
}

export class AppProcess {
  readonly lines: LogLine[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly startedAt = Date.now();
  private readonly child: ChildProcess;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** The first signal this test sent it, if any: an exit without one is a crash. */
  signalled: NodeJS.Signals | undefined;

  constructor(env: Record<string, string>) {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !CONTRACT_VARIABLES.test(key)));
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts'], { cwd: ROOT, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (text) => this.lines.push({ at: Date.now(), text }));
    }
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** When it logged that it listens, if it has. */
  get listeningAt(): number | undefined {
    return this.lines.find((l) => l.text.includes('Aduan is listening'))?.at;
  }

  kill(signal: NodeJS.Signals): void {
    if (!this.running) return;
    this.signalled ??= signal;
    this.child.kill(signal);
  }

  /** How it ended, once it has. */
  get exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.exitInfo;
  }

  /** Log lines at or above a pino level (40 warn, 50 error, 60 fatal), and lines that are not JSON (crashes). */
  linesAtLeast(level: number): LogLine[] {
    return this.lines.filter((line) => {
      try {
        const parsed = JSON.parse(line.text) as { level?: string | number };
        const value = typeof parsed.level === 'number' ? parsed.level : ({ trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 }[parsed.level ?? ''] ?? 0);
        return value >= level;
      } catch {
        return true;
      }
    });
  }

  async waitForListening(ms = 30_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.listeningAt === undefined) {
      if (!this.running) throw new Error(`the service exited before listening:\n${this.output()}`);
      if (Date.now() > deadline) throw new Error(`the service did not listen within ${String(ms)} ms:\n${this.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  output(): string {
    return this.lines.map((l) => l.text).join('\n');
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => { resolve(typeof address === 'object' && address ? address.port : 0); });
    });
    server.once('error', reject);
  });
}
