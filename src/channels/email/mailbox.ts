// One IMAP connection on the inbox (imapflow): new mail is fetched by UID,
// handed over, flagged \Seen only once the handler has it safely stored,
// and the last handled UID is kept per UIDVALIDITY in MongoDB, so a restart
// neither loses nor repeats mail. Auto-IDLE waits 15 s after the last
// command, so IDLE is started explicitly after each batch; a poll timer and
// a reconnect with backoff cover IDLE connections that die silently. Only
// the instance holding the mailbox lease reads it (scheduler/singleton.ts):
// one that loses it stops after the mail in hand.
import { ImapFlow } from 'imapflow';
import type { Logger } from '../../observability/logger.js';
import type { JobLeases } from '../../scheduler/lease.js';
import { Singleton } from '../../scheduler/singleton.js';
import type { EmailStore, MailboxCursor } from '../../storage/email-store.js';
import { sleep } from '../sleep.js';

export interface MailboxSettings {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly user: string;
  readonly password: string;
  readonly mailbox: string;
  /** Look for new mail at least this often, whatever IDLE says. */
  readonly pollIntervalMs: number;
  /** Mail larger than this is not downloaded (the handler is told its envelope). */
  readonly maxMessageBytes: number;
  /**
   * Read mail (stored by the bot: \Seen, not \Flagged for a person) older than this is deleted from the mailbox:
   * the raw mail holds addresses and signatures; what a ticket needs is in the database (retention.rawInbound).
   */
  readonly keepReadMailMs?: number;
}

/** What became of a message: it decides the flags it gets in the mailbox. */
export type Handled = 'stored' | 'ignored' | 'for_a_person';

export interface MailHandler {
  handle(source: Buffer): Promise<Handled>;
  /** A message too large to download: the sender can still be told. */
  oversize(envelope: { from?: string; subject?: string; messageId?: string; size: number }): Promise<void>;
}

export interface MailboxDeps {
  readonly settings: MailboxSettings;
  readonly store: EmailStore;
  readonly leases: JobLeases;
  readonly owner: string;
  /** The mailbox lease's time to live (`leases.singleton`); renewed every third of it. */
  readonly leaseMs?: number;
  readonly handler: MailHandler;
  readonly logger: Logger;
  readonly onState?: (state: 'up' | 'down' | 'standby', detail?: string) => void;
}

const DEFAULT_LEASE_MS = 30_000;
const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 60_000;
const STOP_GRACE_MS = 5_000;
/** Old read mail is looked for at most this often (a search of the whole mailbox). */
const PURGE_EVERY_MS = 3_600_000;

export class MailboxWatcher {
  private stopping = false;
  /** The current holding of the mailbox lease: aborts when it is lost. */
  private held: AbortSignal | undefined;
  private readonly singleton: Singleton;
  private client: ImapFlow | undefined;
  private wake: (() => void) | undefined;
  private started = false;
  private readonly key: string;
  private lastPurge = 0;

  constructor(private readonly deps: MailboxDeps) {
    const { user, host, mailbox } = deps.settings;
    this.key = `${user}@${host}/${mailbox}`;
    this.singleton = new Singleton({
      leases: deps.leases,
      name: `email:${this.key}`,
      owner: deps.owner,
      ttlMs: deps.leaseMs ?? DEFAULT_LEASE_MS,
      logger: deps.logger,
      onRole: (receiving) => { if (!receiving && !this.stopping) deps.onState?.('standby', 'another instance reads the mailbox'); },
    });
  }

  /** Whether this instance holds the mailbox lease and reads it. */
  get receiving(): boolean {
    return this.singleton.receiving;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.singleton.start(async (held) => {
      this.held = held;
      const wake = () => { this.wake?.(); };
      held.addEventListener('abort', wake, { once: true });
      try {
        await this.run();
      } finally {
        held.removeEventListener('abort', wake);
      }
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    // The mail in hand is finished (stored, flagged, cursor saved) and the session
    // logs out by itself; only a session stuck in a command is cut short. The lease is handed back then.
    const stopped = this.singleton.stop();
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<'stuck'>((resolve) => { timer = setTimeout(() => { resolve('stuck'); }, STOP_GRACE_MS); });
    if ((await Promise.race([stopped, stuck])) === 'stuck') await this.client?.logout().catch(() => undefined);
    clearTimeout(timer);
    await stopped;
  }

  /** Look for new mail now (tests, an operator's "check mail"). */
  poke(): void {
    this.wake?.();
  }

  /** A method: `stop()` or a lost lease flips it while an await is pending, which the compiler cannot see. */
  private stopped(): boolean {
    return this.stopping || this.held?.aborted === true;
  }

  /** Sessions while this instance holds the lease, reconnecting with backoff. */
  private async run(): Promise<void> {
    let backoff = BACKOFF_MIN_MS;
    while (!this.stopped()) {
      try {
        await this.session();
        backoff = BACKOFF_MIN_MS;
      } catch (error) {
        if (this.stopped()) break;
        this.deps.onState?.('down', error instanceof Error ? error.message : String(error));
        this.deps.logger.warn({ err: error, retryInMs: backoff }, 'IMAP connection failed; reconnecting');
        await this.pause(backoff);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      }
    }
  }

  private async session(): Promise<void> {
    const { settings } = this.deps;
    const client = new ImapFlow({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      auth: { user: settings.user, pass: settings.password },
      logger: false,
      disableAutoIdle: true,
      maxIdleTime: settings.pollIntervalMs,
      missingIdleCommand: 'STATUS',
      socketTimeout: Math.max(settings.pollIntervalMs * 3, 60_000),
    });
    // Errors also end the session through `close`; the listener keeps them from crashing the process.
    client.on('error', (error: unknown) => { this.deps.logger.warn({ err: error }, 'IMAP error'); });
    this.client = client;
    try {
      await client.connect();
      const opened = await client.mailboxOpen(settings.mailbox);
      this.deps.onState?.('up');
      let cursor = await this.startingCursor(client, Number(opened.uidValidity));
      while (!this.stopped() && client.usable) {
        cursor = await this.fetchNew(client, cursor);
        await this.purgeOld(client);
        await this.waitForMail(client);
      }
    } finally {
      this.client = undefined;
      client.removeAllListeners('exists');
      if (client.usable) await client.logout().catch(() => undefined);
      else client.close();
    }
  }

  /**
   * Where to continue: the stored cursor; for a new mailbox or a changed
   * UIDVALIDITY (UIDs renumbered) the unread mail, which is safe to process
   * again because the inbound log dedupes it by Message-ID.
   */
  private async startingCursor(client: ImapFlow, uidValidity: number): Promise<MailboxCursor> {
    const stored = await this.deps.store.cursor(this.key);
    if (stored?.uidValidity === uidValidity) return stored;
    if (stored) this.deps.logger.warn({ mailbox: this.deps.settings.mailbox, was: stored.uidValidity, now: uidValidity }, 'UIDVALIDITY changed: reading the unread mail again');
    const found = await client.search({ seen: false }, { uid: true });
    const unseen = Array.isArray(found) ? found : [];
    const first = unseen.length > 0 ? Math.min(...unseen) : client.mailbox ? client.mailbox.uidNext : 1;
    const cursor = { uidValidity, lastUid: first - 1 };
    await this.deps.store.saveCursor(this.key, cursor);
    return cursor;
  }

  private async fetchNew(client: ImapFlow, cursor: MailboxCursor): Promise<MailboxCursor> {
    const { maxMessageBytes } = this.deps.settings;
    // Collected first: no other IMAP command may run inside a fetch iterator.
    // `lastUid+1:*` returns the newest message even when it is older, hence the filter.
    const candidates = (await client.fetchAll(`${String(cursor.lastUid + 1)}:*`, { uid: true, size: true, flags: true, envelope: true }, { uid: true }))
      .filter((m) => m.uid > cursor.lastUid)
      .sort((a, b) => a.uid - b.uid);
    let current = cursor;
    for (const message of candidates) {
      if (this.stopped()) break;
      let handled: Handled;
      if ((message.size ?? 0) > maxMessageBytes) {
        const from = message.envelope?.from?.[0]?.address;
        await this.deps.handler.oversize({ ...(from ? { from } : {}), ...(message.envelope?.subject ? { subject: message.envelope.subject } : {}), ...(message.envelope?.messageId ? { messageId: message.envelope.messageId } : {}), size: message.size ?? 0 });
        handled = 'ignored';
      } else {
        const fetched = await client.fetchOne(String(message.uid), { source: true }, { uid: true });
        if (!fetched || !fetched.source) continue; // expunged meanwhile
        handled = await this.deps.handler.handle(fetched.source);
      }
      // Stored first, flagged after: a crash in between only repeats a message the inbound log ignores.
      // imapflow reports a failed STORE as `false`, not an error: moving the cursor
      // past it would leave the message looking unread forever, so the session
      // ends and the next one handles (deduped) and flags it again.
      if (!(await client.messageFlagsAdd(String(message.uid), handled === 'for_a_person' ? ['\\Flagged'] : ['\\Seen'], { uid: true }))) {
        throw new Error(`could not flag message UID ${String(message.uid)}; it will be read again`);
      }
      current = { uidValidity: current.uidValidity, lastUid: message.uid };
      await this.deps.store.saveCursor(this.key, current);
    }
    return current;
  }

  /** Deletes read mail older than `keepReadMailMs` (IMAP's BEFORE counts whole days), once an hour at most. */
  private async purgeOld(client: ImapFlow): Promise<void> {
    const keep = this.deps.settings.keepReadMailMs;
    if (keep === undefined || Date.now() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = Date.now();
    try {
      const uids = await client.search({ seen: true, flagged: false, before: new Date(Date.now() - keep) }, { uid: true });
      if (!uids || uids.length === 0) return;
      await client.messageDelete(uids.join(','), { uid: true });
      this.deps.logger.info({ channel: 'email', deleted: uids.length }, 'old read mail deleted from the mailbox (retention)');
    } catch (error) {
      // Not a reason to stop reading mail: the next hour tries again.
      this.deps.logger.warn({ err: error }, 'old read mail could not be deleted from the mailbox');
    }
  }

  private waitForMail(client: ImapFlow): Promise<void> {
    if (this.stopped()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        client.off('exists', done);
        client.off('close', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.deps.settings.pollIntervalMs);
      client.on('exists', done);
      client.on('close', done);
      this.wake = done;
      // Resolves when the next command breaks IDLE; failures surface through that command.
      void client.idle().catch(() => undefined);
    });
  }

  /** Waits, or less if the watcher is stopped or poked meanwhile. */
  private async pause(ms: number): Promise<void> {
    if (this.stopped()) return;
    const woken = new AbortController();
    this.wake = () => { woken.abort(); };
    await sleep(ms, woken.signal);
    this.wake = undefined;
  }
}
