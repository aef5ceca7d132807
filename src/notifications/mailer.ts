// Email to agencies, supervisors and central operators (not the citizen email
// channel, which has its own issue): nodemailer over the SMTP_* settings.
import nodemailer from 'nodemailer';
import type { Config } from '../config/schema.js';

export interface Mail {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly attachments?: readonly { filename: string; content: string; contentType: string }[];
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
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
    async send({ to, subject, text, attachments = [] }) {
      await transport.sendMail({ from, to: [...to], subject, text, attachments: attachments.map((a) => ({ ...a })), headers: { 'Auto-Submitted': 'auto-generated' } });
    },
    close: () => { transport.close(); },
  };
}
