// A stand-in for whatsapp-web.js's Client, honouring the events and Message
// shape the library documents (qr, authenticated, ready, disconnected,
// message; from, id, type, body, hasMedia, downloadMedia, location, vCards).
// WhatsApp Web itself cannot be reached from this machine.
import { EventEmitter } from 'node:events';
import type { WebChat, WebClient, WebMessage } from '../../src/channels/whatsapp-web/channel.js';

export class StandInClient extends EventEmitter implements WebClient {
  readonly sent: { chatId: string; content: unknown }[] = [];
  readonly chats: StandInChat[] = [];
  linked = false;
  initializations = 0;
  /** Times the session was closed (`destroy()`). */
  destroyed = 0;
  private counter = 0;

  override on(event: string, listener: (...args: never[]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  initialize(): Promise<void> {
    this.initializations++;
    if (this.linked) {
      this.emit('authenticated');
      this.emit('ready');
    } else {
      this.emit('qr', `2@stand-in-qr-${String(this.initializations)}`);
    }
    return Promise.resolve();
  }

  /** The phone scans the QR code. */
  scan(): void {
    this.linked = true;
    this.emit('authenticated');
    this.emit('ready');
  }

  destroy(): Promise<void> {
    this.destroyed++;
    return Promise.resolve();
  }

  getChats(): Promise<WebChat[]> {
    return Promise.resolve(this.chats);
  }

  sendMessage(chatId: string, content: unknown): Promise<{ id: { _serialized: string } }> {
    this.sent.push({ chatId, content });
    return Promise.resolve({ id: { _serialized: `true_${chatId}_OUT${String(++this.counter)}` } });
  }

  textsTo(chatId: string): string[] {
    return this.sent.filter((s) => s.chatId === chatId && typeof s.content === 'string').map((s) => s.content as string);
  }

  message(from: string, fields: Partial<WebMessage> & { media?: Buffer; mimetype?: string }): WebMessage {
    const { media, mimetype = 'image/jpeg', ...rest } = fields;
    return {
      from,
      id: { _serialized: `false_${from}_${String(++this.counter).padStart(6, '0')}` },
      timestamp: Math.floor(Date.now() / 1_000) + this.counter,
      type: 'chat',
      body: '',
      hasMedia: media !== undefined,
      fromMe: false,
      downloadMedia: () => Promise.resolve(media ? { mimetype, data: media.toString('base64'), filename: null } : undefined),
      ...rest,
    };
  }
}

export class StandInChat implements WebChat {
  seen = 0;
  constructor(readonly id: { _serialized: string }, readonly isGroup: boolean, public messages: WebMessage[]) {}

  get unreadCount(): number {
    return this.messages.length;
  }

  fetchMessages({ limit }: { limit: number }): Promise<WebMessage[]> {
    return Promise.resolve(this.messages.slice(-limit));
  }

  sendSeen(): Promise<boolean> {
    this.seen++;
    this.messages = [];
    return Promise.resolve(true);
  }
}
