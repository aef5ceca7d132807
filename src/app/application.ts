// Composes the service from its parts: database, storage, ticket service,
// conversation and outbox, HTTP with the channels (./channels.ts) and the
// inbox, mail notices, scheduler. No I/O happens before start(); each part
// registers with the lifecycle what undoes it.
import type { FastifyInstance } from 'fastify';
import type { Connection } from 'mongoose';
import { type Bus, localBus } from '../bus/bus.js';
import { SharedBus } from '../bus/shared-bus.js';
import { sharePauses } from '../outbox/shared-pauses.js';
import type { Config } from '../config/schema.js';
import type { ConversationRouter } from '../conversation/router.js';
import { setUpConversation } from '../conversation/setup.js';
import { registerInbox } from '../inbox/register.js';
import { registerPublicPages } from '../public/routes.js';
import { mongoPublicStore } from '../storage/public-store.js';
import { LOCALES_DIR } from '../conversation/setup.js';
import { loadTexts } from '../conversation/texts.js';
import { registerOpen311 } from '../open311/register.js';
import { sendAgencyNotice } from '../notifications/agency-notice.js';
import { smtpMailer } from '../notifications/mailer.js';
import { configuredNoticeDispatcher } from '../notifications/notice-dispatcher.js';
import { keepReportersInformed } from '../notifications/milestones.js';
import { HealthRegistry } from '../observability/health.js';
import type { Logger } from '../observability/logger.js';
import { createMetrics, receivingGauge } from '../observability/metrics.js';
import type { OutboxDispatcher } from '../outbox/dispatcher.js';
import { type Scheduler, startScheduler } from '../scheduler/scheduler.js';
import { connectDatabase } from '../storage/connect.js';
import { mongoEventLog } from '../storage/event-log.js';
import { type EmbeddedDatabase, startEmbeddedDatabase } from '../storage/embedded-db.js';
import { mongoJobLeases } from '../storage/lease-store.js';
import { mongoSessionStore } from '../storage/operator-store.js';
import { mongoRetention } from '../storage/retention-runs.js';
import { mongoReportStore } from '../storage/report-store.js';
import { backfillNearby, relistNearby } from '../storage/ticket-followers.js';
import { openStorage, type Storage } from '../storage/storage.js';
import { TicketService } from '../tickets/service.js';
import { CHANNELS, type ChannelContext, type WiredChannel } from './channels.js';
import { closeHttpServer, createHttpServer } from './http.js';
import { Lifecycle } from './lifecycle.js';

export interface RunningApplication {
  readonly config: Config;
  readonly storage: Storage;
  readonly tickets: TicketService;
  readonly router: ConversationRouter;
  readonly outbox: OutboxDispatcher;
  readonly scheduler: Scheduler;
  readonly http: FastifyInstance;
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
    let databaseBackend: string | undefined;
    if (uri === undefined) {
      const embedded: EmbeddedDatabase = await startEmbeddedDatabase({ dataDir: config.dataDir, logger, backend: config.database.embeddedBackend });
      lifecycle.on('close', 'embedded database', () => embedded.stop());
      uri = embedded.uri;
      databaseKind = embedded.kind;
      databaseBackend = embedded.backend;
    } else {
      logger.info('using the database at MONGODB_URI');
    }

    // A URI that names no database gets `aduan` (connectDatabase decides, for the CLIs too).
    const connection: Connection = await connectDatabase({ uri, timeoutMs: config.database.connectTimeout, logger });
    lifecycle.on('close', 'database connection', () => connection.close());
    const storage = openStorage(connection, config);
    await storage.ensureIndexes();
    // Pinned tickets from before nearby duplicates get their place, so a citizen can be offered them (README, "Same problem, many reporters").
    if (config.duplicates.enabled) {
      const placed = await backfillNearby(connection, new Date(Date.now() - config.duplicates.within), config.duplicates.radius);
      if (placed > 0) logger.info({ placed }, 'earlier pinned tickets placed for the nearby-duplicates search');
    }
    // Also while switched off, since pins are listed all the same: the cells follow the radius in force.
    const relisted = await relistNearby(connection, new Date(Date.now() - config.duplicates.within), config.duplicates.radius);
    if (relisted > 0) logger.info({ relisted }, 'recent pinned tickets listed for the new nearby-duplicates radius');

    const metrics = createMetrics();
    const bus = await startSharedBus(connection, config, logger, (ms) => { metrics.liveUpdateDelay.observe(ms / 1_000); });
    // Reading stops with the intake; publishing goes on while messages drain (the others' operators still hear of them).
    lifecycle.on('intake', 'live updates from other instances', () => bus.stop());
    const tickets = new TicketService(storage.tickets, config);
    tickets.onEvent((event) => {
      if (event.type === 'created') metrics.ticketsCreated.inc({ channel: event.ticket.channel });
      else if (event.type === 'transition') metrics.ticketTransitions.inc({ action: event.action });
    });

    const { router, outbox } = setUpConversation(config, storage, tickets, logger, { onProcessed: (ms) => { metrics.messageProcessing.observe(ms / 1_000); } });
    // A platform's pause on the whole bot (a 429) holds the sends of every instance (README, "Shared limits").
    sharePauses(bus, outbox);
    // The reporter hears each milestone of their ticket at once; the milestones job sends what a crash left unsent.
    keepReportersInformed({ tickets, router, config, logger });
    // Messages being processed finish first; then the sends they queued.
    lifecycle.on('drain', 'conversations', () => router.drain());
    lifecycle.on('drain', 'outbox', () => outbox.stop());
    // What they changed reaches the other instances' operators before the database closes.
    lifecycle.on('drain', 'live updates to other instances', () => bus.flushed());

    const mailer = smtpMailer(config.channels.email);
    if (mailer) lifecycle.on('close', 'mailer', () => { mailer.close(); });
    const health = new HealthRegistry();
    receivingGauge(metrics.registry, health);
    const http = createHttpServer({ logger, metrics, health, connection, databaseKind, ...(databaseBackend ? { databaseBackend } : {}) });
    // The web chat's entry comes first: its multipart settings are the ones the inbox finds registered.
    const channels = await wireChannels({ config, connection, storage, router, outbox, mailer, http, health, logger, bus }, lifecycle);
    const inbox = await registerInbox(http, { config, storage, tickets, router, logger, bus });
    // Status pages, public photos and the map: no login, no personal data.
    registerPublicPages(http, { config, tickets, store: mongoPublicStore(connection), attachments: storage.attachments, texts: loadTexts(LOCALES_DIR) });
    // Open event streams would hold the HTTP server open: they end first.
    lifecycle.on('intake', 'inbox event streams', () => { inbox.events.close(); });
    for (const { wired } of channels) wired.adminPages?.(http, inbox.adminPage);
    // Open311 GeoReport v2 for city apps (after the inbox, whose admins issue its keys).
    await registerOpen311(http, { config, storage, tickets, router, outbox, logger });
    lifecycle.on('intake', 'http', () => closeHttpServer(http));

    const reports = mongoReportStore(connection);
    // Every notice by mail goes through the durable mail queue: sent at once, retried on a timer, taken over by the outboxRetry sweep.
    const notices = mailer ? configuredNoticeDispatcher(config, { store: storage.notices, mailer, attachments: storage.attachments, reports, logger }) : undefined;
    if (notices) {
      lifecycle.on('drain', 'mail notices', () => notices.stop());
      // The agency learns of its ticket at once; the agencyNotices job queues what a crash left undone.
      const agencyNotices = { tickets, notices, config, logger };
      tickets.onEvent((event) => {
        if (event.type === 'created' || (event.type === 'transition' && event.action === 'route')) {
          sendAgencyNotice(agencyNotices, event.ticket.number).catch((error: unknown) => { logger.error({ err: error, ticket: event.ticket.number }, 'agency notice failed'); });
        }
      });
    }

    // Messages recorded by a process that died before processing them.
    await router.recover();
    const scheduler = startScheduler({ config, tickets, router, outbox, mailer, notices, reports, attachments: storage.attachments, sessions: mongoSessionStore(connection), retention: mongoRetention(connection, storage.attachments), logger }, mongoJobLeases(connection));
    inbox.useScheduler(scheduler);
    lifecycle.on('intake', 'scheduler', () => scheduler.stop());

    const url = await http.listen({ port: config.server.port, host: process.env.HOST ?? '0.0.0.0' });
    logger.info({ url, database: databaseKind }, 'Aduan is listening');
    for (const { name, wired } of channels) {
      if (!wired.start) continue;
      wired.start();
      if (wired.stop) lifecycle.on('intake', name, wired.stop);
    }

    return { config, storage, tickets, router, outbox, scheduler, http, url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The bus every instance on this database shares (README, "Live updates across instances"), reading from now on.
 * The embedded database serves this process alone (a second one on its directory is refused, and it listens on
 * loopback only): there the bus stays in the process, and costs the database nothing.
 */
async function startSharedBus(connection: Connection, config: Config, logger: Logger, onDelivered: (delayMs: number) => void): Promise<Bus & Pick<SharedBus, 'stop' | 'flushed'>> {
  if (config.database.uri === undefined) return { ...localBus(), stop: () => Promise.resolve(), flushed: () => Promise.resolve() };
  const log = mongoEventLog(connection);
  await log.ensureIndexes(config.events.keep);
  const bus = new SharedBus({ log, pollMs: config.events.pollInterval, keepMs: config.events.keep, logger, onDelivered });
  await bus.start();
  return bus;
}

/**
 * Wires the channels whose settings are present, in the table's order, with
 * their routes on the HTTP server before it listens. A channel that has
 * nothing to start (the web chat's long polls) can be stopped from now on.
 */
async function wireChannels(ctx: ChannelContext, lifecycle: Lifecycle): Promise<{ name: string; wired: WiredChannel }[]> {
  const channels: { name: string; wired: WiredChannel }[] = [];
  for (const entry of CHANNELS) {
    const wired = await entry.wire(ctx);
    if (!wired) continue;
    if (!wired.start && wired.stop) lifecycle.on('intake', entry.name, wired.stop);
    channels.push({ name: entry.name, wired });
  }
  return channels;
}
