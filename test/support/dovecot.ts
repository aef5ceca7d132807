// A private Dovecot IMAP server on a loopback port (Debian's dovecot-imapd),
// with its own config, users and maildirs in a temp directory. Mail "arrives"
// by IMAP APPEND, the way a delivery agent drops it into the inbox.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';

const run = promisify(execFile);

export interface MailboxUser {
  readonly user: string;
  readonly password: string;
}

export class Dovecot {
  readonly host = '127.0.0.1';
  port = 0;
  private readonly dir = mkdtempSync(join(tmpdir(), 'aduan-dovecot-'));
  private readonly config = join(this.dir, 'dovecot.conf');
  private process: ChildProcess | undefined;

  constructor(private readonly users: readonly MailboxUser[]) {}

  async start(): Promise<this> {
    this.port = await freePort();
    chmodSync(this.dir, 0o755);
    mkdirSync(join(this.dir, 'mail'));
    writeFileSync(join(this.dir, 'users'), this.users.map((u) => `${u.user}:{PLAIN}${u.password}`).join('\n') + '\n');
    writeFileSync(this.config, dovecotConfig(this.dir, this.port));
    await run('chown', ['-R', 'dovecot:dovecot', join(this.dir, 'mail')]);
    // In the foreground as our child: a daemonised Dovecot would keep our pipes open.
    this.process = spawn('dovecot', ['-F', '-c', this.config], { stdio: 'ignore' });
    await waitForPort(this.port);
    return this;
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.process?.once('exit', resolve));
    this.process?.kill('SIGTERM');
    if (this.process?.exitCode === null) await exited;
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** An IMAP client logged in as `user` (for the test's own APPENDs and checks). */
  async client(user: MailboxUser): Promise<ImapFlow> {
    const client = new ImapFlow({ host: this.host, port: this.port, secure: false, auth: { user: user.user, pass: user.password }, logger: false });
    await client.connect();
    return client;
  }

  /** Delivers a raw message into a user's mailbox. */
  async deliver(user: MailboxUser, raw: string | Buffer, mailbox = 'INBOX'): Promise<void> {
    const client = await this.client(user);
    try {
      await client.append(mailbox, raw);
    } finally {
      await client.logout();
    }
  }

  /** Flags of every message in a mailbox, by UID. */
  async flags(user: MailboxUser, mailbox = 'INBOX'): Promise<Map<number, Set<string>>> {
    const client = await this.client(user);
    try {
      const lock = await client.getMailboxLock(mailbox);
      try {
        const result = new Map<number, Set<string>>();
        for (const message of await client.fetchAll('1:*', { uid: true, flags: true })) result.set(message.uid, message.flags ?? new Set());
        return result;
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
  }
}

function dovecotConfig(dir: string, port: number): string {
  return `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${dir}/users
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=${dir}/mail/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${String(port)}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function waitForPort(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createServer().listen(port, '127.0.0.1');
      socket.once('listening', () => { socket.close(); resolve(false); });
      socket.once('error', () => { resolve(true); });
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`Dovecot did not listen on port ${String(port)}; see its log`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
