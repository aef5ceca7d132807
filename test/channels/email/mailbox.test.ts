// The mailbox reader against Dovecot, with a handler the test controls: what
// happens to a mail that is in hand when the bot is told to stop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Handled, type MailHandler, MailboxWatcher } from '../../../src/channels/email/mailbox.js';
import { createLogger } from '../../../src/observability/logger.js';
import { mongoJobLeases } from '../../../src/storage/lease-store.js';
import { jobLeaseModel } from '../../../src/storage/models/job-lease.js';
import { mongoEmailStore } from '../../../src/storage/email-store.js';
import { useTestDatabase } from '../../support/database.js';
import { Dovecot } from '../../support/dovecot.js';
import { until } from '../../support/until.js';

const db = useTestDatabase(import.meta.filename);
const BOT = { user: 'aduan', password: 'rahasia-imap' };
let dovecot: Dovecot;

beforeAll(async () => { dovecot = await new Dovecot([BOT]).start(); });
afterAll(async () => { await dovecot.stop(); });

const mail = (n: number) => `From: Warga <warga${String(n)}@warga.example>\r\nTo: aduan@kotacontoh.go.id\r\nSubject: Laporan ${String(n)}\r\nMessage-ID: <m${String(n)}@warga.example>\r\n\r\nJalan rusak nomor ${String(n)}.\r\n`;

/** Records each mail it is given; the first one waits until the test lets it go. */
class HeldHandler implements MailHandler {
  readonly seen: string[] = [];
  private release: (() => void) | undefined;
  private readonly held = new Promise<void>((resolve) => { this.release = resolve; });

  async handle(source: Buffer): Promise<Handled> {
    const subject = /Subject: (.*)\r\n/.exec(source.toString())?.[1] ?? '?';
    this.seen.push(subject);
    if (this.seen.length === 1) await this.held;
    return 'stored';
  }

  oversize(): Promise<void> {
    return Promise.resolve();
  }

  letGo(): void {
    this.release?.();
  }
}

function watcher(handler: MailHandler, owner: string): MailboxWatcher {
  return new MailboxWatcher({
    settings: { host: dovecot.host, port: dovecot.port, secure: false, user: BOT.user, password: BOT.password, mailbox: 'INBOX', pollIntervalMs: 1_000, maxMessageBytes: 10_000_000 },
    store: mongoEmailStore(db.connection),
    leases: mongoJobLeases(db.connection),
    owner,
    handler,
    logger: createLogger({ level: 'silent' }),
  });
}

describe('mailbox reader', () => {
  it('finishes the mail in hand when stopped: it is marked read and never handed over again', async () => {
    await dovecot.deliver(BOT, mail(1));
    await dovecot.deliver(BOT, mail(2));
    const first = new HeldHandler();
    const reader = watcher(first, 'first');
    reader.start();
    await until('the first mail in hand', () => first.seen.length === 1);
    const stopped = reader.stop();
    first.letGo();
    await stopped;
    expect(first.seen).toEqual(['Laporan 1']);
    expect([...(await dovecot.flags(BOT)).values()].map((f) => f.has('\\Seen'))).toEqual([true, false]);

    const second = new HeldHandler();
    second.letGo();
    const next = watcher(second, 'second');
    next.start();
    await until('the second mail read', async () => [...(await dovecot.flags(BOT)).values()].every((f) => f.has('\\Seen')));
    await next.stop();
    expect(second.seen).toEqual(['Laporan 2']);
  });
});

describe('mailbox reader under the lease', () => {
  it('stops reading at once when another instance holds the mailbox lease, and reads again when it is free', async () => {
    const states: string[] = [];
    const handler = new HeldHandler();
    handler.letGo();
    const reader = new MailboxWatcher({
      settings: { host: dovecot.host, port: dovecot.port, secure: false, user: BOT.user, password: BOT.password, mailbox: 'INBOX', pollIntervalMs: 500, maxMessageBytes: 10_000_000 },
      store: mongoEmailStore(db.connection),
      leases: mongoJobLeases(db.connection),
      owner: 'lease-a',
      leaseMs: 900,
      handler,
      logger: createLogger({ level: 'silent' }),
      onState: (state) => { states.push(state); },
    });
    reader.start();
    await until('reading', () => reader.receiving && states.at(-1) === 'up');
    const lease = `email:${BOT.user}@${dovecot.host}/INBOX`;
    await jobLeaseModel(db.connection).updateOne({ _id: lease }, { $set: { owner: 'lease-elsewhere', until: new Date(Date.now() + 60_000) } });
    await until('standing by', () => !reader.receiving && states.at(-1) === 'standby', 5_000);
    const seenBefore = handler.seen.length;
    await dovecot.deliver(BOT, mail(3));
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // three polls' worth
    expect(handler.seen).toHaveLength(seenBefore); // not read: another instance holds the mailbox
    await jobLeaseModel(db.connection).updateOne({ _id: lease }, { $set: { until: new Date(0) } });
    await until('read after the lease came back', () => handler.seen.includes('Laporan 3'), 10_000);
    await reader.stop();
  });
});
