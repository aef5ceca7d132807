// Sending through the WhatsApp Web session, which lives in one instance (the
// lease holder). Sends are paced (one a second by default) so the number
// looks like a person's. An instance without the session sends nothing: the
// outbox leaves the reply due (`elsewhere`), this instance says so on the
// bus, and the holder sweeps the outbox at once — and again each time its
// session becomes ready, for what was left while nobody held it.
import type { Bus } from '../../bus/bus.js';
import type { ChannelCapabilities } from '../../conversation/messages.js';
import type { Logger } from '../../observability/logger.js';
import type { OutboxDispatcher } from '../../outbox/dispatcher.js';
import { type ChannelSender, DeliveryError, photoToSend } from '../../outbox/sender.js';
import type { AttachmentStore } from '../../storage/attachments.js';
import { sleep } from '../sleep.js';
import type { WebClient } from './channel.js';

/** "Replies for WhatsApp Web are due": said by an instance without the session, heard by the holder. */
const OUTBOX_TOPIC = 'whatsapp-web.outbox';
/** Said at most this often by one instance; one sweep sends everything due. */
const ANNOUNCE_EVERY_MS = 500;

export interface WebSendingDeps {
  readonly client: Pick<WebClient, 'sendMessage'>;
  readonly media: (mimetype: string, base64: string, filename: string) => unknown;
  readonly capabilities: ChannelCapabilities;
  readonly outbox: OutboxDispatcher;
  readonly attachments: AttachmentStore;
  readonly logger: Logger;
  readonly bus?: Bus;
  readonly sendIntervalMs?: number;
  /** This instance holds the session lease. */
  readonly holding: () => boolean;
  /** The session is ready under the lease: what is due can go now. */
  readonly canSend: () => boolean;
}

export class WebSending {
  private lastSend = Promise.resolve();
  private announcedAt = 0;
  private trailing: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private asked = 0;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly deps: WebSendingDeps) {}

  /** Hears the other instances' "replies are due". */
  listen(): void {
    this.unsubscribe ??= this.deps.bus?.subscribe(OUTBOX_TOPIC, () => { this.sendDue(); });
  }

  async stop(): Promise<void> {
    clearTimeout(this.trailing);
    this.trailing = undefined;
    this.unsubscribe?.();
    await this.sweeping;
  }

  /** The holder, once ready, sends what is due (the outbox's sweep); one sweep at a time, one more if asked meanwhile. */
  sendDue(): void {
    if (!this.deps.canSend()) return;
    this.asked++;
    if (this.sweeping) return;
    this.sweeping = (async () => {
      let swept;
      do {
        swept = this.asked;
        await this.deps.outbox.sweep().catch((error: unknown) => { this.deps.logger.warn({ err: error }, 'WhatsApp: sending what other instances left failed; the outbox retries it'); });
      } while (this.asked !== swept && this.deps.canSend());
    })().finally(() => { this.sweeping = undefined; });
  }

  sender(): ChannelSender {
    const interval = this.deps.sendIntervalMs ?? 1_000;
    const paced = <T>(send: () => Promise<T>): Promise<T> => {
      const result = this.lastSend.then(send);
      this.lastSend = result.then(() => sleep(interval), () => sleep(interval));
      return result;
    };
    return {
      channel: 'whatsapp',
      capabilities: this.deps.capabilities,
      delivery: 'push',
      elsewhere: () => !this.deps.holding(),
      leftElsewhere: () => { this.announce(); },
      send: (chatId, message) =>
        paced(async () => {
          try {
            let id = '';
            if (message.photo) {
              const { ref, bytes } = await photoToSend(this.deps.attachments, message.photo);
              id = (await this.deps.client.sendMessage(chatId, this.deps.media(ref.contentType, bytes.toString('base64'), ref.filename ?? 'foto.jpg'))).id._serialized;
            }
            if (message.text !== '') id = (await this.deps.client.sendMessage(chatId, message.text)).id._serialized;
            return { providerMessageId: id };
          } catch (error) {
            throw error instanceof DeliveryError ? error : new DeliveryError(error instanceof Error ? error.message : String(error), false);
          }
        }),
    };
  }

  /**
   * Tells the holder that replies wait for it: at once, or (said too recently) once more at the end of the interval,
   * so an entry left just after the holder's sweep began is not left for the slow outbox sweep.
   */
  private announce(): void {
    const bus = this.deps.bus;
    if (!bus || this.trailing) return;
    const wait = this.announcedAt + ANNOUNCE_EVERY_MS - Date.now();
    const say = () => {
      this.trailing = undefined;
      this.announcedAt = Date.now();
      bus.publish(OUTBOX_TOPIC, {});
    };
    if (wait <= 0) say();
    else this.trailing = setTimeout(say, wait).unref();
  }
}
