// An SMTP server on a loopback port that keeps every message it receives.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly from: string;
  readonly to: string[];
  readonly raw: string;
  readonly subject: string;
}

export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  /**
   * SMTP reply codes for the next messages instead of accepting them, in turn:
   * `[451, 550]` answers the next one "try again later" and the one after "refused for good".
   */
  readonly refusals: number[] = [];
  /** How many messages were refused. */
  refused = 0;
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData: (stream, session, done) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const refusal = this.refusals.shift();
        if (refusal !== undefined) {
          this.refused++;
          done(Object.assign(new Error(refusal >= 500 ? 'Message refused by policy' : 'Mailbox busy, try again later'), { responseCode: refusal }));
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const subject = decodeWords(/^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)?.[1]?.replace(/\r\n[ \t]/g, ' ') ?? '');
        this.mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw, subject });
        done();
      });
    },
  });
  port = 0;

  /** Connection errors seen (a client killed mid-session, as the chaos test does). */
  readonly connectionErrors: Error[] = [];

  async start(): Promise<this> {
    // smtp-server emits a client's broken connection (ECONNRESET) on the server; unheard, it would crash the test run.
    this.server.on('error', (error: Error) => this.connectionErrors.push(error));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => { this.server.close(() => { resolve(); }); });
  }
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= / =?UTF-8?B?…?=) back to text. */
function decodeWords(header: string): string {
  return header
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_whole, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8'),
    );
}
