// The mail servers of the email channel's tests: a private Dovecot holding the
// bot's mailbox, where mail "arrives" by IMAP APPEND, and an SMTP sink that
// keeps what the bot sends; with helpers to write mail as a client would and
// to read what was received.
import { createRequire } from 'node:module';
import type { Config } from '../../src/config/schema.js';
import { Dovecot, type MailboxUser } from './dovecot.js';
import { type ReceivedMail, SmtpSink } from './smtp-sink.js';
import { until } from './until.js';

// nodemailer's own MIME builder writes the test mail, as a real client would.
const MailComposer = createRequire(import.meta.url)('nodemailer/lib/mail-composer') as new (mail: Record<string, unknown>) => { compile(): { build(): Promise<Buffer> } };

export interface TestMail {
  from: string;
  subject: string;
  text?: string;
  html?: string;
  messageId: string;
  inReplyTo?: string;
  references?: string;
  headers?: Record<string, string>;
  attachments?: { filename: string; content: Buffer; contentType: string; cid?: string }[];
}

export class MailServers {
  readonly bot: MailboxUser = { user: 'aduan', password: 'rahasia-imap' };
  readonly botAddress = 'aduan@kotacontoh.go.id';
  readonly dovecot = new Dovecot([this.bot]);
  readonly sink = new SmtpSink();

  async start(): Promise<this> {
    await Promise.all([this.dovecot.start(), this.sink.start()]);
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all([this.dovecot.stop(), this.sink.stop()]);
  }

  /** Points the email channel at these servers. */
  configure(c: Config): void {
    c.channels.email.imap = { host: this.dovecot.host, port: this.dovecot.port, secure: false, user: this.bot.user, password: this.bot.password };
    c.channels.email.smtp = { host: '127.0.0.1', port: this.sink.port, secure: false };
    c.channels.email.from = `Aduan Kota Contoh <${this.botAddress}>`;
    c.channels.email.pollInterval = 2_000;
  }

  /** A mail to the bot, dropped into its inbox. */
  async deliver(mail: TestMail): Promise<void> {
    const raw = await new MailComposer({ to: this.botAddress, date: new Date(), ...mail }).compile().build();
    await this.dovecot.deliver(this.bot, raw);
  }

  mailsTo(address: string): ReceivedMail[] {
    return this.sink.mails.filter((m) => m.to.includes(address));
  }

  /** The first mail to `address` after the first `after` of them (containing a text, if given), waiting for it. */
  async nextMailTo(address: string, after: number, containing?: string): Promise<ReceivedMail> {
    let found: ReceivedMail | undefined;
    await until(`a mail to ${address}${containing ? ` containing "${containing}"` : ''}`, () => {
      found = this.mailsTo(address).slice(after).find((m) => containing === undefined || bodyOf(m).includes(containing));
      return found !== undefined;
    }, 20_000);
    if (!found) throw new Error('unreachable');
    return found;
  }

  /** Every mail in the bot's inbox is \\Seen (handled) or \\Flagged (for a person). */
  async untilEveryMailHandled(): Promise<void> {
    let waiting: number[] = [];
    await until('every mail handled', async () => {
      waiting = [...(await this.dovecot.flags(this.bot))].filter(([, f]) => !f.has('\\Seen') && !f.has('\\Flagged')).map(([uid]) => uid);
      return waiting.length === 0;
    }, 20_000).catch((error: unknown) => { throw new Error(`${String(error)}; still unread: UIDs ${waiting.join(', ')}`); });
  }
}

/** The text/plain part of a received mail, decoded. */
export function bodyOf(mail: ReceivedMail): string {
  const part = /Content-Type: text\/plain[^\r\n]*\r\nContent-Transfer-Encoding: ([\w-]+)\r\n\r\n([\s\S]*?)\r\n(?:--|$)/i.exec(mail.raw);
  if (!part) return mail.raw;
  const [, encoding, content = ''] = part;
  if (encoding?.toLowerCase() === 'base64') return Buffer.from(content, 'base64').toString('utf8');
  if (encoding?.toLowerCase() === 'quoted-printable') {
    return Buffer.from(content.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
  }
  return content;
}

/** A header of a received mail, unfolded (undecoded: see `ReceivedMail.subject` for the subject). */
export const header = (mail: ReceivedMail, name: string): string | undefined => new RegExp(`^${name}: (.*(?:\\r\\n[ \\t].*)*)`, 'mi').exec(mail.raw)?.[1]?.replace(/\r\n[ \t]/g, ' ');
