// The Telegram channel: long polling (or a webhook) in, the Bot API out.
// An update is confirmed to Telegram (the offset moves past it) only after it
// is in the inbound log, so a crash or restart loses nothing, and the log's
// dedupe makes a redelivered update harmless. Updates of one chat are handled
// in order; different chats concurrently. Long polling runs on one instance
// at a time, under a lease (Telegram answers 409 to a second getUpdates);
// the others stand by and take over when the holder dies or stops. Sending
// and the webhook work on every instance.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { Config } from '../../config/schema.js';
import type { PhotoInput } from '../../conversation/messages.js';
import type { ConversationRouter } from '../../conversation/router.js';
import type { HealthRegistry } from '../../observability/health.js';
import type { Logger } from '../../observability/logger.js';
import type { OutboxDispatcher } from '../../outbox/dispatcher.js';
import { Singleton } from '../../scheduler/singleton.js';
import type { JobLeases } from '../../scheduler/lease.js';
import type { AttachmentStore } from '../../storage/attachments.js';
import { storePhoto, storeVoice } from '../photo-intake.js';
import { sleep } from '../sleep.js';
import { type MediaToFetch, normaliseUpdate } from './normalise.js';
import { telegramSender } from './sender.js';

export interface TelegramChannelDeps {
  readonly config: Config['channels']['telegram'] & { readonly botToken: string };
  readonly photoMaxBytes: number;
  readonly router: ConversationRouter;
  readonly outbox: OutboxDispatcher;
  readonly attachments: AttachmentStore;
  readonly health: HealthRegistry;
  readonly logger: Logger;
  /** Polling under a lease, so one instance polls (the service always gives one; a test alone may not). */
  readonly lease?: { readonly leases: JobLeases; readonly owner: string; readonly ttlMs: number };
}

const ALLOWED_UPDATES = ['message', 'edited_message'] as const;
const POLL_TIMEOUT_S = 50;
/** Tries for a photo before the person is asked to send it again (0.5 s, 1 s, 2 s apart). */
const PHOTO_ATTEMPTS = 4;
/** The public Bot API serves files up to 20 MB to bots. */
const BOT_API_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

export class TelegramChannel {
  readonly bot: Telegraf;
  private readonly abort = new AbortController();
  /** The current holding of the polling lease; aborts when it is lost or the channel stops. */
  private active: AbortSignal = this.abort.signal;
  private readonly singleton: Singleton | undefined;
  private offset = 0;
  private loop: Promise<void> | undefined;
  private username = '';
  private lastUpdateAt: string | undefined;

  constructor(private readonly deps: TelegramChannelDeps) {
    this.bot = new Telegraf(deps.config.botToken, { telegram: { apiRoot: deps.config.apiRoot } });
    deps.outbox.register(telegramSender(this.bot.telegram, deps.attachments));
    const { lease } = deps;
    // The lease is per bot: instances of two cities' bots on one database do not exclude each other.
    this.singleton = lease && this.mode === 'polling'
      ? new Singleton({ ...lease, name: `telegram:${deps.config.botToken.split(':')[0] ?? ''}`, logger: deps.logger, onRole: () => { this.state(this.status); } })
      : undefined;
    this.state('starting');
  }

  /** A method, so the compiler does not assume the answer cannot change inside a loop. */
  private stopped(): boolean {
    return this.active.aborted;
  }

  /** Whether this instance reads the bot's updates: always with a webhook, while it holds the lease when polling. */
  get receiving(): boolean {
    return this.singleton ? this.singleton.receiving : this.loop !== undefined;
  }

  get mode(): 'webhook' | 'polling' {
    return this.deps.config.webhookUrl ? 'webhook' : 'polling';
  }

  get webhookSecret(): string {
    return this.deps.config.webhookSecret ?? createHash('sha256').update(`aduan-webhook:${this.deps.config.botToken}`).digest('hex').slice(0, 48);
  }

  /** The webhook route, on the app's HTTP server; register before it listens. */
  registerRoutes(http: FastifyInstance): void {
    if (!this.deps.config.webhookUrl) return;
    const path = new URL(this.deps.config.webhookUrl).pathname;
    http.post(path, async (request, reply) => {
      if (request.headers['x-telegram-bot-api-secret-token'] !== this.webhookSecret) {
        return reply.code(401).send({ error: 'unauthorized' });
      }
      const update = request.body as Update | undefined;
      if (typeof update?.update_id !== 'number') return reply.code(400).send({ error: 'not an update' });
      // Answer only once the update is in the inbound log: an error makes Telegram deliver it again.
      await this.handleUpdate(update);
      return reply.code(200).send({ ok: true });
    });
  }

  /** Connects in the background; a Bot API that is down at start is retried without holding up the other channels. */
  start(): void {
    if (this.singleton) {
      this.loop = Promise.resolve();
      this.singleton.start(async (held) => {
        this.active = AbortSignal.any([this.abort.signal, held]);
        await this.run();
      });
      return;
    }
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    for (let attempt = 1; !this.stopped(); attempt++) {
      try {
        await this.connect();
        break;
      } catch (error) {
        this.state('down', error);
        this.deps.logger.warn({ attempt, reason: this.redact(error) }, 'Telegram channel could not start; retrying');
        await this.pause(retryAfterMs(error) ?? Math.min(60_000, 1_000 * 2 ** attempt));
      }
    }
    if (!this.stopped() && this.mode === 'polling') await this.poll();
  }

  private async connect(): Promise<void> {
    const me = await this.bot.telegram.getMe();
    this.username = me.username;
    if (this.deps.config.webhookUrl) {
      await this.bot.telegram.setWebhook(this.deps.config.webhookUrl, { secret_token: this.webhookSecret, allowed_updates: [...ALLOWED_UPDATES] });
    } else {
      // A webhook left from an earlier deployment would make getUpdates fail with 409.
      await this.bot.telegram.deleteWebhook({ drop_pending_updates: false });
    }
    this.state('up');
    this.deps.logger.info({ username: me.username, mode: this.mode }, 'Telegram channel started');
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    await this.singleton?.stop();
    this.state('disabled');
  }

  private async poll(): Promise<void> {
    let failures = 0;
    while (!this.stopped()) {
      let updates: Update[];
      try {
        // Asking from `offset` confirms every update before it, all of them already in the inbound log.
        updates = await this.bot.telegram.callApi('getUpdates', { offset: this.offset, timeout: POLL_TIMEOUT_S, allowed_updates: [...ALLOWED_UPDATES] }, { signal: this.active as never });
        failures = 0;
        this.state('up');
      } catch (error) {
        if (this.stopped()) return;
        failures++;
        this.state('down', error);
        await this.pause(retryAfterMs(error) ?? Math.min(30_000, 500 * 2 ** failures));
        continue;
      }
      // Retry the batch until every update is stored; only then move the offset past it.
      const handled = new Set<number>();
      for (let attempt = 1; !this.stopped(); attempt++) {
        try {
          await this.handleBatch(updates, handled);
          const last = updates.at(-1);
          if (last) this.offset = last.update_id + 1;
          break;
        } catch (error) {
          this.deps.logger.error({ reason: this.redact(error), attempt }, 'Telegram updates could not be stored; retrying');
          this.state('down', error);
          await this.pause(Math.min(30_000, 500 * 2 ** attempt));
        }
      }
    }
  }

  /**
   * Chats in parallel, each chat's updates in their order. A chat whose update fails stops there; the other
   * chats go on, and a retry of the batch skips what is `handled` already (no photo is fetched twice).
   */
  private async handleBatch(updates: readonly Update[], handled: Set<number>): Promise<void> {
    const byChat = new Map<string, Update[]>();
    for (const update of updates) {
      if (handled.has(update.update_id)) continue;
      const chat = chatOf(update);
      byChat.set(chat, [...(byChat.get(chat) ?? []), update]);
    }
    const results = await Promise.allSettled(
      [...byChat.values()].map(async (chatUpdates) => {
        for (const update of chatUpdates) {
          await this.handleUpdate(update);
          handled.add(update.update_id);
        }
      }),
    );
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async handleUpdate(update: Update): Promise<void> {
    const normalised = normaliseUpdate(update, { allowGroups: this.deps.config.allowGroups });
    this.lastUpdateAt = new Date().toISOString();
    if (normalised.kind === 'ignored') return;
    const { media } = normalised;
    const file = media ? await this.fetchPhoto(media) : undefined;
    const content = !file ? {} : media?.voice ? { voice: file } : { photos: [file] };
    await this.deps.router.handle({ ...normalised.message, ...content });
  }

  /**
   * Downloads a photo and stores it. A transient failure is tried again a few times; after that the person
   * is told the photo could not be fetched (and can send it again) rather than every chat of the bot
   * waiting behind it: Telegram gives no later update before this one is confirmed.
   */
  private async fetchPhoto(media: MediaToFetch): Promise<PhotoInput> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.fetchPhotoOnce(media);
      } catch (error) {
        if (attempt >= PHOTO_ATTEMPTS || this.stopped()) {
          if (this.stopped()) throw error; // not confirmed: the next start fetches it again
          this.deps.logger.warn({ reason: this.redact(error), attempts: attempt }, 'Telegram photo could not be downloaded; the person is asked to send it again');
          return { rejected: 'download_failed' };
        }
        await this.pause(500 * 2 ** (attempt - 1));
      }
    }
  }

  /** One try; transient failures throw. */
  private async fetchPhotoOnce(media: MediaToFetch): Promise<PhotoInput> {
    if (media.size !== undefined && (media.size > this.deps.photoMaxBytes || media.size > BOT_API_DOWNLOAD_LIMIT)) return { rejected: 'too_large' };
    let file;
    try {
      file = await this.bot.telegram.getFile(media.fileId);
    } catch (error) {
      // A 4xx will not change on retry ("file is too big" above 20 MB): answer it instead of retrying forever.
      const response = (error as { response?: { error_code?: number; description?: string } }).response;
      if (response?.error_code !== undefined && response.error_code >= 400 && response.error_code < 500) {
        return { rejected: /too big/i.test(response.description ?? '') ? 'too_large' : 'download_failed' };
      }
      throw error;
    }
    if (!file.file_path) return { rejected: 'download_failed' };
    const url = `${this.deps.config.apiRoot}/file/bot${this.deps.config.botToken}/${file.file_path}`;
    const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    if (!response.ok) throw new Error(`Telegram file download failed with HTTP ${String(response.status)}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const stored = { bytes, filename: media.filename ?? file.file_path.split('/').pop(), source: 'telegram' };
    return media.voice ? storeVoice(this.deps.attachments, { ...stored, contentType: media.voice.contentType }) : storePhoto(this.deps.attachments, stored);
  }

  /** Waits, or less if the channel stops meanwhile. */
  private pause(ms: number): Promise<void> {
    return sleep(ms, this.active);
  }

  private status: 'starting' | 'up' | 'down' | 'disabled' = 'starting';

  private state(status: 'starting' | 'up' | 'down' | 'disabled', error?: unknown): void {
    this.status = status;
    // A standby instance is healthy: it sends, and takes over the polling when the holder goes.
    const standby = this.singleton !== undefined && !this.singleton.receiving && status !== 'disabled';
    this.deps.health.set('telegram', standby ? 'up' : status, {
      detail: { mode: this.mode, ...(this.singleton ? { role: standby ? 'standby' : 'poller' } : {}), ...(this.username ? { username: this.username } : {}), ...(this.lastUpdateAt ? { lastUpdateAt: this.lastUpdateAt } : {}) },
      receiving: status !== 'disabled' && this.receiving,
      ...(error === undefined || standby ? {} : { lastError: this.redact(error) }),
    });
  }

  /** Error text without the bot token, which Bot API URLs contain. */
  private redact(error: unknown): string {
    return (error instanceof Error ? error.message : String(error)).replaceAll(this.deps.config.botToken, '<token>');
  }
}

function chatOf(update: Update): string {
  if ('message' in update) return String(update.message.chat.id);
  if ('edited_message' in update) return String(update.edited_message.chat.id);
  return 'other';
}

function retryAfterMs(error: unknown): number | undefined {
  const seconds = (error as { response?: { parameters?: { retry_after?: number } } }).response?.parameters?.retry_after;
  return seconds === undefined ? undefined : seconds * 1_000;
}
