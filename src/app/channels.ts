// The channels, one entry each: when it is on (its settings are present) and
// how it is wired. Adding a channel is adding an entry. The application wires
// every entry before the HTTP server listens (sender, routes), starts them
// after it listens, and stops each at the lifecycle's intake stage.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Connection } from 'mongoose';
import { EmailChannel } from '../channels/email/channel.js';
import { TelegramChannel } from '../channels/telegram/channel.js';
import { webchatRoutes } from '../channels/webchat/routes.js';
import { registerWhatsAppCloud } from '../channels/whatsapp-cloud/channel.js';
import { WhatsAppWebChannel } from '../channels/whatsapp-web/channel.js';
import { createWhatsAppWebClient, printQr, registerQrPage } from '../channels/whatsapp-web/setup.js';
import type { Bus } from '../bus/bus.js';
import type { Config } from '../config/schema.js';
import type { ConversationRouter } from '../conversation/router.js';
import type { Mailer } from '../notifications/mailer.js';
import type { HealthRegistry } from '../observability/health.js';
import type { Logger } from '../observability/logger.js';
import type { OutboxDispatcher } from '../outbox/dispatcher.js';
import { mongoEmailStore } from '../storage/email-store.js';
import { mongoJobLeases } from '../storage/lease-store.js';
import { mongoRateWindows } from '../storage/rate-window-store.js';
import { mongoSharedQr } from '../storage/whatsapp-qr-store.js';
import { mongoConversationHistory } from '../storage/message-store.js';
import type { Storage } from '../storage/storage.js';

/** What a channel may be wired with. */
export interface ChannelContext {
  readonly config: Config;
  readonly connection: Connection;
  readonly storage: Storage;
  readonly router: ConversationRouter;
  readonly outbox: OutboxDispatcher;
  /** Undefined when SMTP is not configured. */
  readonly mailer: Mailer | undefined;
  readonly http: FastifyInstance;
  readonly health: HealthRegistry;
  readonly logger: Logger;
  /** Signals between the instances on this database (a reply queued on one wakes a long poll on another). */
  readonly bus: Bus;
}

/** The inbox's check that lets administrators through (a browser without a session goes to its login). */
export type AdminGuard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** A channel once wired: its sender is with the outbox, its routes are on the HTTP server. */
export interface WiredChannel {
  /** Starts reading messages once the HTTP server listens; its stop is registered then. */
  readonly start?: () => void;
  /** Stops taking messages (the intake stage); for a channel without `start`, registered as soon as it is wired. */
  readonly stop?: () => Promise<void> | void;
  /** Pages for administrators, hung behind the inbox's admin check once the inbox is registered. */
  readonly adminPages?: (http: FastifyInstance, guard: AdminGuard) => void;
}

export interface ChannelEntry {
  /** Also the name of its step when the service stops. */
  readonly name: string;
  /** Wires the channel, or gives undefined when its settings are absent. */
  wire(ctx: ChannelContext): Promise<WiredChannel | undefined> | WiredChannel | undefined;
}

/**
 * Who holds a receiver's lease: this process. The random part tells apart two containers that restart as
 * pid 1 on one host name, and a restarted process from the one it replaces.
 */
const OWNER = `${hostname()}:${String(process.pid)}:${randomBytes(3).toString('hex')}`;
const owner = () => OWNER;

export const CHANNELS: readonly ChannelEntry[] = [
  {
    // Always on: `npm start` with no settings at all offers the whole flow in a browser.
    name: 'webchat',
    async wire({ config, storage, router, outbox, http, health, logger, bus }) {
      const webchat = await webchatRoutes(http, { rateWindows: mongoRateWindows(storage.connection), logger, router, outbox, bus, outboxStore: storage.outbox, attachments: storage.attachments, history: mongoConversationHistory(storage.connection), photoMaxBytes: config.limits.photoMaxBytes, rateLimit: config.channels.webchat.rateLimit });
      health.set('webchat', 'up');
      // Open long polls would hold the HTTP server open: they end at once.
      return { stop: () => { webchat.endLongPolls(); } };
    },
  },
  {
    name: 'telegram',
    wire({ config, storage, router, outbox, http, health, logger }) {
      const { botToken } = config.channels.telegram;
      if (!botToken) return undefined;
      const lease = { leases: mongoJobLeases(storage.connection), owner: owner(), ttlMs: config.leases.singleton };
      const telegram = new TelegramChannel({ config: { ...config.channels.telegram, botToken }, photoMaxBytes: config.limits.photoMaxBytes, router, outbox, attachments: storage.attachments, health, logger, lease });
      telegram.registerRoutes(http);
      return { start: () => { telegram.start(); }, stop: () => telegram.stop() };
    },
  },
  {
    name: 'whatsapp cloud',
    wire({ config, storage, router, outbox, http, health, logger }) {
      const { token, phoneNumberId } = config.channels.whatsappCloud;
      if (!token || !phoneNumberId) return undefined;
      // A webhook only: the HTTP server's stop ends it.
      registerWhatsAppCloud(http, { config: { ...config.channels.whatsappCloud, token, phoneNumberId }, photoMaxBytes: config.limits.photoMaxBytes, router, outbox, outboxStore: storage.outbox, attachments: storage.attachments, health, logger });
      return {};
    },
  },
  {
    name: 'whatsapp web',
    async wire({ config, connection, storage, router, outbox, health, logger, bus }) {
      if (!config.channels.whatsappWeb.enabled) return undefined;
      const { client, media } = await createWhatsAppWebClient(config, connection);
      const whatsappWeb = new WhatsAppWebChannel({ client, media, router, outbox, attachments: storage.attachments, health, logger, leases: mongoJobLeases(connection), owner: owner(), leaseMs: config.leases.singleton, bus, sharedQr: mongoSharedQr(connection), onQr: (qr) => { void printQr(qr); } });
      return {
        start: () => { whatsappWeb.start(); },
        stop: () => whatsappWeb.stop(),
        adminPages: (http, guard) => { registerQrPage(http, whatsappWeb, guard); },
      };
    },
  },
  {
    name: 'email',
    wire({ config, connection, storage, router, outbox, mailer, health, logger }) {
      const { imap, mailbox, pollInterval, maxMessageSize, allowedFileTypes, rateLimit } = config.channels.email;
      if (!imap.host) return undefined;
      if (!mailer) {
        logger.warn('IMAP_HOST is set but SMTP_HOST or MAIL_FROM is not: the email channel stays off (it could not answer)');
        return undefined;
      }
      if (!imap.user || !imap.password) throw new Error('IMAP_HOST is set: IMAP_USER and IMAP_PASSWORD are needed too');
      const email = new EmailChannel({
        mailbox: { host: imap.host, port: imap.port, secure: imap.secure, user: imap.user, password: imap.password, mailbox, pollIntervalMs: pollInterval, maxMessageBytes: maxMessageSize, keepReadMailMs: config.retention.rawInbound },
        mailer,
        store: mongoEmailStore(connection),
        leases: mongoJobLeases(connection),
        owner: owner(),
        leaseMs: config.leases.singleton,
        router,
        outbox,
        attachments: storage.attachments,
        agencies: config.agencies,
        allowedFileTypes,
        rateLimit: { messages: rateLimit.messages, perMs: rateLimit.per },
        rateWindows: mongoRateWindows(connection),
        cityName: config.city.name,
        health,
        logger,
      });
      return { start: () => { email.start(); }, stop: () => email.stop() };
    },
  },
];
