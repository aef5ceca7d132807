// Composes the service from its parts: database, storage, ticket service,
// HTTP. No I/O happens before start(); stop() undoes start() in reverse.
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Connection } from 'mongoose';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import { HealthRegistry } from '../observability/health.js';
import { createMetrics } from '../observability/metrics.js';
import { connectDatabase } from '../storage/connect.js';
import { type EmbeddedDatabase, startEmbeddedDatabase } from '../storage/embedded-db.js';
import { openStorage, type Storage } from '../storage/storage.js';
import { TelegramChannel } from '../channels/telegram/channel.js';
import { registerWhatsAppCloud } from '../channels/whatsapp-cloud/channel.js';
import { WhatsAppWebChannel } from '../channels/whatsapp-web/channel.js';
import { createWhatsAppWebClient, printQr, registerQrPage } from '../channels/whatsapp-web/setup.js';
import { webchatRoutes } from '../channels/webchat/routes.js';
import { registerInbox } from '../inbox/register.js';
import type { ConversationRouter } from '../conversation/router.js';
import { setUpConversation } from '../conversation/setup.js';
import type { OutboxDispatcher } from '../outbox/dispatcher.js';
import { TicketService } from '../tickets/service.js';
import { Lifecycle } from './lifecycle.js';
import { closeHttpServer, createHttpServer } from './http.js';
import { type Mailer, smtpMailer } from '../notifications/mailer.js';
import { mongoReportStore } from '../storage/report-store.js';
import { mongoSessionStore } from '../storage/operator-store.js';
import { mongoJobLeases } from '../storage/lease-store.js';
import { type Scheduler, startScheduler } from '../scheduler/scheduler.js';
import { EmailChannel } from '../channels/email/channel.js';
import { sendAgencyNotice } from '../notifications/agency-notice.js';
import { configuredNoticeDispatcher } from '../notifications/notice-dispatcher.js';
import { mongoEmailStore } from '../storage/email-store.js';

export interface RunningApplication {
  readonly config: Config;
  readonly storage: Storage;
  readonly tickets: TicketService;
  readonly router: ConversationRouter;
  readonly outbox: OutboxDispatcher;
  readonly scheduler: Scheduler;
  readonly http: FastifyInstance;
  /** The email channel, when IMAP and SMTP are configured. */
  readonly email: EmailChannel | undefined;
  /** The address the HTTP server listens on, e.g. http://127.0.0.1:3000. */
  readonly url: string;
  stop(): Promise<void>;
}

export async function startApplication(config: Config, logger: Logger): Promise<RunningApplication> {
  const lifecycle = new Lifecycle(logger, config.shutdown.grace);
  const stop = () => lifecycle.stop();
  try {
    let uri = config.database.uri;
    let databaseKind = 'mongodb';
    if (uri === undefined) {
      const embedded: EmbeddedDatabase = await startEmbeddedDatabase({ dataDir: config.dataDir, logger });
      lifecycle.on('close', 'embedded database', () => embedded.stop());
      uri = embedded.uri;
      databaseKind = embedded.kind;
    } else {
      logger.info('using the database at MONGODB_URI');
    }

    // A URI that names no database gets `aduan` (connectDatabase decides, for the CLIs too).
    const connection: Connection = await connectDatabase({ uri, timeoutMs: config.database.connectTimeout, logger });
    lifecycle.on('close', 'database connection', () => connection.close());
    const storage = openStorage(connection, config);
    await storage.ensureIndexes();

    const metrics = createMetrics();
    const tickets = new TicketService(storage.tickets, config);
    tickets.onEvent((event) => {
      if (event.type === 'created') metrics.ticketsCreated.inc({ channel: event.ticket.channel });
      else metrics.ticketTransitions.inc({ action: event.action });
    });

    const { router, outbox } = setUpConversation(config, storage, tickets, logger, { onProcessed: (ms) => { metrics.messageProcessing.observe(ms / 1_000); } });
    // Messages being processed finish first; then the sends they queued.
    lifecycle.on('drain', 'conversations', () => router.drain());
    lifecycle.on('drain', 'outbox', () => outbox.stop());

    const health = new HealthRegistry();
    const http = createHttpServer({ logger, metrics, health, connection, databaseKind });
    const webchat = await webchatRoutes(http, { router, outbox, outboxStore: storage.outbox, attachments: storage.attachments, photoMaxBytes: config.limits.photoMaxBytes });
    // Open long polls and event streams would hold the HTTP server open: they end first.
    lifecycle.on('intake', 'long polls', () => { webchat.endLongPolls(); });
    health.set('webchat', 'up');
    const inbox = await registerInbox(http, { config, storage, tickets, router, logger });
    lifecycle.on('intake', 'inbox event streams', () => { inbox.events.close(); });
    const { botToken } = config.channels.telegram;
    const telegram = botToken
      ? new TelegramChannel({ config: { ...config.channels.telegram, botToken }, photoMaxBytes: config.limits.photoMaxBytes, router, outbox, attachments: storage.attachments, health, logger })
      : undefined;
    telegram?.registerRoutes(http);
    const { token: cloudToken, phoneNumberId } = config.channels.whatsappCloud;
    if (cloudToken && phoneNumberId) {
      registerWhatsAppCloud(http, {
        config: { ...config.channels.whatsappCloud, token: cloudToken, phoneNumberId },
        photoMaxBytes: config.limits.photoMaxBytes,
        router,
        outbox,
        outboxStore: storage.outbox,
        attachments: storage.attachments,
        health,
        logger,
      });
    }
    let whatsappWeb: WhatsAppWebChannel | undefined;
    if (config.channels.whatsappWeb.enabled) {
      const { client, media } = await createWhatsAppWebClient(config, connection);
      whatsappWeb = new WhatsAppWebChannel({ client, media, router, outbox, attachments: storage.attachments, health, logger, leases: mongoJobLeases(connection), owner: `${hostname()}:${String(process.pid)}`, onQr: (qr) => { void printQr(qr); } });
      registerQrPage(http, whatsappWeb, inbox.adminPage);
    }
    lifecycle.on('intake', 'http', () => closeHttpServer(http));

    const mailer = smtpMailer(config.channels.email);
    const reports = mongoReportStore(connection);
    // Every notice by mail goes through the durable mail queue: sent at once, retried on a timer, taken over by the outboxRetry sweep.
    const notices = mailer ? configuredNoticeDispatcher(config, { store: storage.notices, mailer, attachments: storage.attachments, reports, logger }) : undefined;
    if (mailer && notices) {
      lifecycle.on('close', 'mailer', () => { mailer.close(); });
      lifecycle.on('drain', 'mail notices', () => notices.stop());
      // The agency learns of its ticket at once; the agencyNotices job queues what a crash left undone.
      const agencyNotices = { tickets, notices, config, logger };
      tickets.onEvent((event) => {
        if (event.type === 'created' || event.action === 'route') {
          sendAgencyNotice(agencyNotices, event.ticket.number).catch((error: unknown) => { logger.error({ err: error, ticket: event.ticket.number }, 'agency notice failed'); });
        }
      });
    }
    const email = mailer ? emailChannel(config, { mailer, connection, storage, router, outbox, health, logger }) : undefined;
    if (config.channels.email.imap.host && !mailer) logger.warn('IMAP_HOST is set but SMTP_HOST or MAIL_FROM is not: the email channel stays off (it could not answer)');

    // Messages recorded by a process that died before processing them.
    await router.recover();
    const scheduler = startScheduler({ config, tickets, router, outbox, mailer, notices, reports, attachments: storage.attachments, sessions: mongoSessionStore(connection), logger }, mongoJobLeases(connection));
    lifecycle.on('intake', 'scheduler', () => scheduler.stop());

    const url = await http.listen({ port: config.server.port, host: process.env.HOST ?? '0.0.0.0' });
    logger.info({ url, database: databaseKind }, 'Aduan is listening');
    if (telegram) {
      telegram.start();
      lifecycle.on('intake', 'telegram', () => telegram.stop());
    }
    if (whatsappWeb) {
      const channel = whatsappWeb;
      channel.start();
      lifecycle.on('intake', 'whatsapp web', () => channel.stop());
    }
    if (email) {
      email.start();
      lifecycle.on('intake', 'email', () => email.stop());
    }

    return { config, storage, tickets, router, outbox, scheduler, http, email, url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The email channel when IMAP_HOST is set (and SMTP, checked by the caller). */
function emailChannel(
  config: Config,
  deps: { mailer: Mailer; connection: Connection; storage: Storage; router: ConversationRouter; outbox: OutboxDispatcher; health: HealthRegistry; logger: Logger },
): EmailChannel | undefined {
  const { imap, mailbox, pollInterval, maxMessageSize, allowedFileTypes, rateLimit } = config.channels.email;
  if (!imap.host) return undefined;
  if (!imap.user || !imap.password) throw new Error('IMAP_HOST is set: IMAP_USER and IMAP_PASSWORD are needed too');
  const { mailer, connection, storage, router, outbox, health, logger } = deps;
  return new EmailChannel({
    mailbox: { host: imap.host, port: imap.port, secure: imap.secure, user: imap.user, password: imap.password, mailbox, pollIntervalMs: pollInterval, maxMessageBytes: maxMessageSize },
    mailer,
    store: mongoEmailStore(connection),
    leases: mongoJobLeases(connection),
    owner: `${hostname()}:${String(process.pid)}`,
    router,
    outbox,
    attachments: storage.attachments,
    agencies: config.agencies,
    allowedFileTypes,
    rateLimit: { messages: rateLimit.messages, perMs: rateLimit.per },
    cityName: config.city.name,
    health,
    logger,
  });
}
