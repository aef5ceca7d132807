// Raw RFC 822 bytes to the parts the channel needs, through mailparser: any
// charset and transfer encoding, HTML-only mail as text, attachments and
// inline images as bytes. A message too broken to parse is an error the
// caller handles (it is kept in the mailbox, flagged for a person).
import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';

export interface EmailAttachment {
  readonly filename?: string;
  /** As declared by the sender; images are sniffed again before they are stored. */
  readonly contentType: string;
  readonly content: Buffer;
  /** Shown inside the body (a pasted photo, a logo in a signature). */
  readonly inline: boolean;
}

export interface ParsedEmail {
  /** The Message-ID, or a digest of the bytes for mail without one. */
  readonly messageId: string;
  readonly from?: { readonly address: string; readonly name?: string };
  readonly subject: string;
  readonly date?: Date;
  readonly inReplyTo?: string;
  readonly references: readonly string[];
  /** First value of each header, by lower-case name, unparsed. */
  readonly headers: ReadonlyMap<string, string>;
  /** The body as plain text, quotes and signature still in it. */
  readonly text: string;
  readonly attachments: readonly EmailAttachment[];
}

export async function parseEmail(source: Buffer): Promise<ParsedEmail> {
  const mail = await simpleParser(source, { skipImageLinks: true, skipTextToHtml: true });
  const headers = new Map<string, string>();
  for (const { key, line } of mail.headerLines) {
    if (!headers.has(key)) headers.set(key, line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim());
  }
  const sender = mail.from?.value[0];
  const address = sender?.address?.trim().toLowerCase();
  const references = typeof mail.references === 'string' ? [mail.references] : (mail.references ?? []);
  const text = mail.text ?? (typeof mail.html === 'string' ? htmlToText(mail.html) : '');
  return {
    messageId: mail.messageId?.trim() ? mail.messageId.trim() : `<sha256.${createHash('sha256').update(source).digest('hex')}@aduan.invalid>`,
    ...(address ? { from: { address, ...(sender?.name.trim() ? { name: sender.name.trim() } : {}) } } : {}),
    subject: (mail.subject ?? '').trim(),
    ...(mail.date && !Number.isNaN(mail.date.getTime()) ? { date: mail.date } : {}),
    ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo.trim() } : {}),
    references,
    headers,
    text,
    attachments: mail.attachments.map((a) => ({
      ...(a.filename ? { filename: a.filename } : {}),
      contentType: a.contentType.toLowerCase(),
      content: a.content,
      inline: a.contentDisposition === 'inline' || a.related === true,
    })),
  };
}

/** The last resort when mailparser could not turn the HTML into text itself. */
function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h\d)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .trim();
}
