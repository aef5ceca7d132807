// Raw mail in the bot's IMAP mailbox (Dovecot) past retention.rawInbound: read mail the bot stored is deleted
// from the mailbox; recent mail, and mail flagged for a person to answer, stays.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Handled, type MailHandler, MailboxWatcher } from '../../src/channels/email/mailbox.js';
import { createLogger } from '../../src/observability/logger.js';
import { mongoEmailStore } from '../../src/storage/email-store.js';
import { mongoJobLeases } from '../../src/storage/lease-store.js';
import { useTestDatabase } from '../support/database.js';
import { Dovecot } from '../support/dovecot.js';
import { until } from '../support/until.js';

const db = useTestDatabase(import.meta.filename);
const BOT = { user: 'aduan', password: 'rahasia-imap' };
const DAY = 86_400_000;
let dovecot: Dovecot;

beforeAll(async () => { dovecot = await new Dovecot([BOT]).start(); });
afterAll(async () => { await dovecot.stop(); });

const mail = (subject: string) => `From: Warga <warga@warga.example>\r\nTo: aduan@kotacontoh.go.id\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@warga.example>\r\n\r\nIsi laporan.\r\n`;

/** Stores everything, except the mail a person must answer. */
const handler: MailHandler = {
  handle: (source: Buffer): Promise<Handled> => Promise.resolve(source.toString().includes('Subject: Untuk petugas') ? 'for_a_person' : 'stored'),
  oversize: () => Promise.resolve(),
};

async function subjects(): Promise<string[]> {
  const client = await dovecot.client(BOT);
  try {
    await client.mailboxOpen('INBOX');
    const found: string[] = [];
    for await (const m of client.fetch('1:*', { envelope: true })) found.push(m.envelope?.subject ?? '?');
    return found.sort();
  } finally {
    await client.logout();
  }
}

describe('mail retention', () => {
  it('deletes read mail older than the period from the mailbox, keeps recent mail and mail for a person', async () => {
    const client = await dovecot.client(BOT);
    const old = new Date(Date.now() - 200 * DAY);
    await client.append('INBOX', mail('Laporan lama'), [], old);
    await client.append('INBOX', mail('Untuk petugas'), [], old);
    await client.append('INBOX', mail('Laporan baru'));
    await client.logout();

    const watcher = new MailboxWatcher({
      settings: { host: dovecot.host, port: dovecot.port, secure: false, user: BOT.user, password: BOT.password, mailbox: 'INBOX', pollIntervalMs: 1_000, maxMessageBytes: 10_000_000, keepReadMailMs: 90 * DAY },
      store: mongoEmailStore(db.connection),
      leases: mongoJobLeases(db.connection),
      owner: 'test',
      handler,
      logger: createLogger({ level: 'silent' }),
    });
    watcher.start();
    try {
      await until('the old read mail deleted', async () => !(await subjects()).includes('Laporan lama'));
    } finally {
      await watcher.stop();
    }
    expect(await subjects()).toEqual(['Laporan baru', 'Untuk petugas']);
  });
});
