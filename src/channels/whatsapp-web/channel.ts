// WhatsApp through whatsapp-web.js (WhatsApp Web in Debian's Chromium). The
// library only emits `message` for messages that arrive while it is
// connected, so after every (re)connection the adapter reads the unread
// messages of each person's chat itself; the inbound log drops what it has
// already seen. A chat's messages reach the router in the order they came:
// a photo being downloaded is not overtaken by the text sent after it, and
// what arrives during a catch-up waits behind the unread messages.
// One instance holds the session at a time (a lease, scheduler/singleton.ts):
// one that loses the lease closes the session at once; another takes over
// when the holder dies or stops. Only the holder can send: an instance
// without the session leaves a reply due in the outbox and says so on the
// bus, and the holder sends it (at once, or when its session is ready).
import type { Bus } from '../../bus/bus.js';
import type { ChannelCapabilities, PhotoInput } from '../../conversation/messages.js';
import { KeyedQueue } from '../../conversation/keyed-queue.js';
import type { ConversationRouter } from '../../conversation/router.js';
import type { HealthRegistry } from '../../observability/health.js';
import type { Logger } from '../../observability/logger.js';
import type { OutboxDispatcher } from '../../outbox/dispatcher.js';
import type { JobLeases } from '../../scheduler/lease.js';
import { Singleton } from '../../scheduler/singleton.js';
import type { AttachmentStore } from '../../storage/attachments.js';
import { storePhoto, storeVoice } from '../photo-intake.js';
import { sleep } from '../sleep.js';
import { normaliseWebMessage, type WebMessageLike } from './normalise.js';
import { WebSending } from './sending.js';

/** The part of whatsapp-web.js's `Message` the adapter uses, media included. */
export interface WebMessage extends WebMessageLike {
  downloadMedia(): Promise<{ mimetype: string; data: string; filename?: string | null } | undefined | null>;
}

export interface WebChat {
  readonly id: { readonly _serialized: string };
  readonly isGroup: boolean;
  readonly unreadCount: number;
  fetchMessages(options: { limit: number }): Promise<WebMessage[]>;
  sendSeen(): Promise<boolean>;
}

/** The part of whatsapp-web.js's `Client` the adapter uses. */
export interface WebClient {
  on(event: 'qr', listener: (qr: string) => void): unknown;
  on(event: 'authenticated' | 'ready', listener: () => void): unknown;
  on(event: 'auth_failure' | 'disconnected', listener: (reason: string) => void): unknown;
  on(event: 'message', listener: (message: WebMessage) => void): unknown;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  getChats(): Promise<WebChat[]>;
  sendMessage(chatId: string, content: unknown, options?: Record<string, unknown>): Promise<{ id: { _serialized: string } }>;
}

export const WHATSAPP_WEB_CAPABILITIES: ChannelCapabilities = { knowsPhone: true, canRequestContact: false, canRequestLocation: false, buttons: false, oneShot: false };

export interface WhatsAppWebDeps {
  readonly client: WebClient;
  /** Builds the library's MessageMedia for an outgoing photo. */
  readonly media: (mimetype: string, base64: string, filename: string) => unknown;
  readonly router: ConversationRouter;
  readonly outbox: OutboxDispatcher;
  readonly attachments: AttachmentStore;
  readonly health: HealthRegistry;
  readonly logger: Logger;
  readonly leases: JobLeases;
  readonly owner: string;
  /** The session lease's time to live (`leases.singleton`); renewed every third of it. */
  readonly leaseMs?: number;
  /** How the instances without the session tell the holder that replies wait for it (default: none). */
  readonly bus?: Bus;
  /** At most one message per this interval, to look like a person and not get the number banned. */
  readonly sendIntervalMs?: number;
  readonly onQr?: (qr: string) => void;
  /** The QR code where every instance's admin page finds it (only the session holder has it). */
  readonly sharedQr?: SharedQr;
}

/** The waiting QR code, stored for the other instances (storage/whatsapp-qr-store.ts). */
export interface SharedQr {
  save(qr: string): Promise<void>;
  clear(): Promise<void>;
  current(): Promise<string | undefined>;
}

const LEASE = 'whatsapp-web-session';
const DEFAULT_LEASE_MS = 30_000;

export class WhatsAppWebChannel {
  private qrCode: string | undefined;
  private stopped = false;
  /** Ends the waits (lease, reconnection back-off) when the channel stops. */
  private readonly stopping = new AbortController();
  private readonly singleton: Singleton;
  /** The current holding of the session lease: aborts when it is lost or the channel stops. */
  private held: AbortSignal | undefined;
  /** Connected and ready under the lease: sends can go. */
  private ready = false;
  private readonly sending: WebSending;
  private started: Promise<void> | undefined;
  private catchingUp: Promise<number> = Promise.resolve(0);
  /** Per chat, until each message is handed to the router (whose own queue keeps that order). */
  private readonly intake = new KeyedQueue();
  /** Settles once the latest catch-up has queued the unread messages; live messages wait for it. */
  private unreadQueued: Promise<void> = Promise.resolve();

  constructor(private readonly deps: WhatsAppWebDeps) {
    this.sending = new WebSending({ ...deps, capabilities: WHATSAPP_WEB_CAPABILITIES, canSend: () => this.ready && this.receiving && !this.stopped, holding: () => this.receiving });
    deps.outbox.register(this.sending.sender());
    deps.health.set('whatsapp', 'starting');
    this.singleton = new Singleton({ leases: deps.leases, name: LEASE, owner: deps.owner, ttlMs: deps.leaseMs ?? DEFAULT_LEASE_MS, logger: deps.logger });
  }

  /** Whether this instance holds the session and receives. */
  get receiving(): boolean {
    return this.singleton.receiving;
  }

  /** Connected under the lease: not stopping and the lease held. */
  private get holding(): boolean {
    return !this.stopped && this.held?.aborted === false;
  }

  /** The QR code to scan, while the session waits for one. */
  get qr(): string | undefined {
    return this.qrCode;
  }

  /** The QR code to scan, from this instance or, behind a load balancer, from the one holding the session. */
  async currentQr(): Promise<string | undefined> {
    if (this.qrCode !== undefined || this.receiving) return this.qrCode;
    return this.deps.sharedQr?.current().catch(() => undefined);
  }

  start(): void {
    if (this.started) return;
    this.listen();
    this.sending.listen();
    this.started = Promise.resolve();
    this.deps.health.set('whatsapp', 'up', { detail: { role: 'standby', reason: 'another instance holds the session' }, receiving: false });
    this.singleton.start((held) => this.hold(held));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    await this.singleton.stop();
    await this.sending.stop();
    this.deps.health.set('whatsapp', 'disabled', { receiving: false });
  }

  /** The session while this instance holds the lease; closed at once when the lease is lost. */
  private async hold(held: AbortSignal): Promise<void> {
    this.held = held;
    await this.connect();
    await new Promise<void>((resolve) => {
      if (held.aborted) resolve();
      else held.addEventListener('abort', () => { resolve(); }, { once: true });
    });
    this.ready = false;
    this.qrCode = undefined; // a new holder shows its own
    await this.deps.client.destroy().catch(() => undefined);
    if (!this.stopped) {
      this.deps.logger.warn('WhatsApp: this instance no longer holds the session lease; session closed');
      this.deps.health.set('whatsapp', 'up', { detail: { role: 'standby', reason: 'another instance holds the session' }, receiving: false });
    }
  }

  private listen(): void {
    const { client, logger, health } = this.deps;
    client.on('qr', (qr) => {
      this.qrCode = qr;
      health.set('whatsapp', 'starting', { detail: { waitingForQrScan: true } });
      logger.info('WhatsApp: scan the QR code (terminal or /admin/whatsapp/qr) with the phone of the bot number');
      this.deps.onQr?.(qr);
      void this.deps.sharedQr?.save(qr).catch((error: unknown) => { logger.warn({ err: error }, 'WhatsApp: the QR code could not be shared with the other instances'); });
    });
    client.on('authenticated', () => {
      this.qrCode = undefined;
      void this.deps.sharedQr?.clear().catch(() => undefined); // a minute old, it is not shown anyway
      logger.info('WhatsApp: authenticated');
    });
    client.on('auth_failure', (reason) => {
      health.set('whatsapp', 'down', { lastError: `authentication failed: ${reason}` });
      logger.error({ reason }, 'WhatsApp: authentication failed; a new QR scan is needed');
    });
    client.on('ready', () => {
      health.set('whatsapp', 'up', { detail: { role: 'session', connectedAt: new Date().toISOString() }, receiving: true });
      logger.info('WhatsApp: ready');
      this.ready = true;
      this.sending.sendDue(); // what instances without the session left for this one
      void this.catchUp().catch((error: unknown) => { logger.error({ err: error }, 'WhatsApp: catching up failed; unread messages will be read again on reconnect'); });
    });
    client.on('disconnected', (reason) => {
      this.ready = false;
      health.set('whatsapp', 'down', { lastError: `disconnected: ${reason}` });
      logger.warn({ reason }, 'WhatsApp: disconnected; reconnecting');
      if (this.holding) void this.reconnect();
    });
    client.on('message', (message) => {
      // Read after the unread messages a catch-up in progress is about to queue.
      void this.unreadQueued
        .then(() => this.handle(message))
        .catch((error: unknown) => { logger.error({ err: error }, 'WhatsApp message could not be stored; it will be read again on reconnect'); });
    });
  }

  private async connect(): Promise<void> {
    for (let attempt = 1; this.holding; attempt++) {
      try {
        await this.deps.client.initialize();
        return;
      } catch (error) {
        this.deps.health.set('whatsapp', 'down', { lastError: error instanceof Error ? error.message : String(error) });
        await this.pause(Math.min(60_000, 1_000 * 2 ** attempt));
      }
    }
  }

  private async reconnect(): Promise<void> {
    await this.deps.client.destroy().catch(() => undefined);
    await this.pause(2_000);
    await this.connect();
  }

  /**
   * Reads what arrived while disconnected: the unread messages of every
   * person's chat, oldest first, and marks a chat read once its messages are
   * stored and processed. Runs one at a time (`ready` can come twice). Live
   * messages arriving meanwhile are taken after the unread ones.
   */
  catchUp(): Promise<number> {
    let queued!: () => void;
    this.unreadQueued = new Promise((resolve) => { queued = resolve; });
    const read = async () => {
      try {
        return await this.readUnread(queued);
      } finally {
        queued();
      }
    };
    this.catchingUp = this.catchingUp.then(read, read);
    return this.catchingUp;
  }

  private async readUnread(queued: () => void): Promise<number> {
    const chats: { chat: WebChat; count: number; processed: Promise<boolean> }[] = [];
    for (const chat of await this.deps.client.getChats()) {
      if (chat.isGroup || chat.unreadCount <= 0) continue;
      const messages = await chat.fetchMessages({ limit: chat.unreadCount });
      // Queued at once, in order; the router processes one chat's messages one after another.
      const processed = Promise.all([...messages].sort((a, b) => a.timestamp - b.timestamp).map((message) => this.handle(message))).then(
        () => true,
        (error: unknown) => {
          this.deps.logger.error({ err: error }, 'WhatsApp: an unread message could not be stored; the chat stays unread to be read again on reconnect');
          return false;
        },
      );
      chats.push({ chat, count: messages.length, processed });
    }
    queued();
    let handled = 0;
    for (const { chat, count, processed } of chats) {
      if (!(await processed)) continue;
      handled += count;
      await chat.sendSeen();
    }
    if (handled > 0) this.deps.logger.info({ count: handled }, 'WhatsApp: caught up on messages sent while disconnected');
    return handled;
  }

  /**
   * Takes one message in its chat's order; resolves once it is stored and
   * processed. Its photo is downloaded before the chat's next message is
   * handed to the router, which keeps that order from then on.
   */
  handle(raw: WebMessage): Promise<void> {
    const handedOver = this.intake.run(raw.from, async () => {
      const normalised = normaliseWebMessage(raw);
      if (normalised.kind === 'ignored') return { processed: Promise.resolve() };
      const file = normalised.needsMedia ? await this.fetchMedia(raw, normalised.voice === true) : undefined;
      const content = !file ? {} : normalised.voice ? { voice: file } : { photos: [file] };
      // Wrapped, or the queue would wait for the processing too.
      return { processed: this.deps.router.handle({ ...normalised.message, ...content }).then(() => undefined) };
    });
    return handedOver.then(({ processed }) => processed);
  }

  /** Waits, or less if the channel stops meanwhile. */
  private pause(ms: number): Promise<void> {
    return sleep(ms, this.held ?? this.stopping.signal);
  }

  private async fetchMedia(raw: WebMessage, voice: boolean): Promise<PhotoInput> {
    // downloadMedia() gives nothing when the media has expired on the phone.
    const media = await raw.downloadMedia().catch(() => undefined);
    if (!media) return { rejected: 'download_failed' };
    const file = { bytes: Buffer.from(media.data, 'base64'), ...(media.filename ? { filename: media.filename } : {}), source: 'whatsapp' };
    return voice ? storeVoice(this.deps.attachments, { ...file, contentType: media.mimetype }) : storePhoto(this.deps.attachments, file);
  }
}
