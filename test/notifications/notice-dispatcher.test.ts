// The durable mail queue on the real database and over real SMTP: queued once
// per key, a claim left by a dead instance taken over by the sweep, retry
// timers cancelled by stop(), and the attempts bounded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mailer, smtpMailer } from '../../src/notifications/mailer.js';
import { NoticeDispatcher, type NoticeInput } from '../../src/notifications/notice-dispatcher.js';
import { createLogger } from '../../src/observability/logger.js';
import { noticeModel } from '../../src/storage/models/notice.js';
import { mongoNoticeStore } from '../../src/storage/notice-store.js';
import { defaultConfig } from '../support/config.js';
import { useTestDatabase } from '../support/database.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { until } from '../support/until.js';

const db = useTestDatabase(import.meta.filename);
const logger = createLogger({ level: 'silent' });
let smtp: SmtpSink;
let mailer: Mailer;

beforeAll(async () => {
  smtp = await new SmtpSink().start();
  const configured = smtpMailer(defaultConfig((c) => {
    c.channels.email.smtp = { host: '127.0.0.1', port: smtp.port, secure: false };
    c.channels.email.from = 'Aduan <aduan@kotacontoh.go.id>';
  }).channels.email);
  if (!configured) throw new Error('SMTP is configured in this test');
  mailer = configured;
});
afterAll(async () => {
  mailer.close();
  await smtp.stop();
});

const noAttachments = { read: () => Promise.resolve(null) };
const dispatcher = (options: ConstructorParameters<typeof NoticeDispatcher>[4] = {}) => new NoticeDispatcher(mongoNoticeStore(db.connection), mailer, noAttachments, logger, { baseBackoffMs: 300, ...options });
const notice = (id: string): NoticeInput => ({ id, kind: 'test', mail: { to: ['kabid@kotacontoh.go.id'], subject: `Uji ${id}`, text: 'Isi', attachments: [{ filename: 'data.csv', contentType: 'text/csv', text: 'a,b\r\n1,2\r\n' }] } });
const mailsFor = (id: string) => smtp.mails.filter((m) => m.subject === `Uji ${id}`);
const stored = (id: string) => noticeModel(db.connection).findById(id).lean();

describe('notice dispatcher', () => {
  it('queues a key once and sends it at once, with a stable Message-ID and the inline attachment', async () => {
    const notices = dispatcher();
    expect(await notices.enqueue(notice('once'))).toBe(true);
    expect(await notices.enqueue(notice('once'))).toBe(false);
    await notices.idle();
    expect(mailsFor('once')).toHaveLength(1);
    expect(mailsFor('once')[0]?.raw).toContain('filename=data.csv');
    expect(mailsFor('once')[0]?.raw).toMatch(/Message-ID: <aduan\.n\.none\.[0-9a-f]{20}@kotacontoh\.go\.id>/i);
    expect(await stored('once')).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('a notice whose instance died holding it is sent by the sweep once its claim ends, once even with two sweeps', async () => {
    // Stored claimed by an instance that died before sending (its claim has run out).
    const store = mongoNoticeStore(db.connection);
    await store.enqueue({ ...notice('orphan'), mail: { ...notice('orphan').mail, messageId: '<orphan@kotacontoh.go.id>' } }, new Date(), new Date(Date.now() - 1));
    const [a, b] = [dispatcher(), dispatcher()];
    const [x, y] = await Promise.all([a.sweep(), b.sweep()]);
    expect(x + y).toBe(1);
    expect(mailsFor('orphan')).toHaveLength(1);
    expect(await stored('orphan')).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('stop() cancels the retry timers; the notice waits for the sweep of whoever comes next', async () => {
    const first = dispatcher();
    smtp.refusals.push(451);
    await first.enqueue(notice('stopped'));
    await first.idle();
    await first.stop();
    await new Promise((resolve) => setTimeout(resolve, 800)); // past its backoff: no timer fires
    expect(mailsFor('stopped')).toHaveLength(0);
    expect(await stored('stopped')).toMatchObject({ status: 'pending', attempts: 1 });
    expect(await first.enqueue(notice('after-stop'))).toBe(true); // queued, left for others while stopping
    expect(await stored('after-stop')).toMatchObject({ status: 'pending', attempts: 0 });

    const next = dispatcher();
    expect(await next.sweep()).toBe(2);
    expect(mailsFor('stopped')).toHaveLength(1);
    expect(mailsFor('after-stop')).toHaveLength(1);
  });

  it('gives up after maxAttempts transient refusals, and says why', async () => {
    const notices = dispatcher({ baseBackoffMs: 50, maxAttempts: 3 });
    smtp.refusals.push(451, 452, 421);
    await notices.enqueue(notice('tired'));
    await until('the notice to fail', async () => (await stored('tired'))?.status === 'failed', 5_000);
    const failed = await stored('tired');
    expect(failed).toMatchObject({ attempts: 3 });
    expect(failed?.lastError).toContain('421');
    expect(mailsFor('tired')).toHaveLength(0);
    await notices.stop();
  });
});
