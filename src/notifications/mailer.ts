// Outgoing email over the SMTP_* settings (nodemailer): notices to agencies,
// supervisors and central operators, and the email channel's replies to
// reporters. Every message we send is marked Auto-Submitted, so well-behaved
// auto-responders do not answer it (RFC 3834).
import nodemailer from 'nodemailer';
import type { Config } from '../config/schema.js';

export interface MailAttachment {
  readonly filename: string;
  readonly content: string | Buffer;
  readonly contentType: string;
}

export interface Mail {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  readonly attachments?: readonly MailAttachment[];
  /** Our own Message-ID (with angle brackets), so replies can be matched. */
  readonly messageId?: string;
  readonly inReplyTo?: string;
  readonly references?: readonly string[];
  readonly replyTo?: string;
  /** `auto-replied` answers a person's mail; `auto-generated` (default) is a notice. */
  readonly autoSubmitted?: 'auto-generated' | 'auto-replied';
}

export interface Mailer {
  /** The address mail is sent from (MAIL_FROM). */
  readonly from: string;
  /** Sends; resolves with the Message-ID used. */
  send(mail: Mail): Promise<string>;
  close(): void;
}

/** A mailer when SMTP_HOST and MAIL_FROM are set; undefined otherwise. */
export function smtpMailer(email: Config['channels']['email']): Mailer | undefined {
  const { smtp, from } = email;
  if (!smtp.host || !from) return undefined;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
  });
  return {
    from,
    async send(mail) {
      const info = await transport.sendMail({
        from,
        to: [...mail.to],
        subject: mail.subject,
        text: mail.text,
        ...(mail.html === undefined ? {} : { html: mail.html }),
        attachments: (mail.attachments ?? []).map((a) => ({ ...a })),
        ...(mail.messageId === undefined ? {} : { messageId: mail.messageId }),
        ...(mail.inReplyTo === undefined ? {} : { inReplyTo: mail.inReplyTo }),
        ...(mail.references?.length ? { references: [...mail.references] } : {}),
        ...(mail.replyTo === undefined ? {} : { replyTo: mail.replyTo }),
        headers: { 'Auto-Submitted': mail.autoSubmitted ?? 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
      });
      return info.messageId;
    },
    close: () => { transport.close(); },
  };
}

/** The HTML part of a plain-text mail: the same words, escaped, line breaks kept. */
export function textToHtml(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return `<!doctype html><html><body><div style="font-family:sans-serif;white-space:pre-wrap">${escaped}</div></body></html>`;
}
