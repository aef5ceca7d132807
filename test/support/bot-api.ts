// A small Telegram Bot API server for tests, on a loopback port: the subset
// Aduan uses (getMe, getUpdates with long polling and offsets, sendMessage,
// sendPhoto, getFile and file download, setWebhook, deleteWebhook), with
// scripted failures and a general fault hook. Updates are confirmed the way
// Telegram does it: asking with an offset forgets every update before it.
// With `floodControl` on, a 429 with retry_after is a limit on the bot, as on
// the real Bot API: every send before the time is up is refused with 429 too
// (and recorded in `intoFloodWindow`).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dropConnection, type Fault, sleep } from './faults.js';
import { closeServer, listenOnLoopback } from './loopback.js';

export interface SentMessage {
  readonly method: 'sendMessage' | 'sendPhoto';
  readonly chatId: string;
  readonly text?: string;
  readonly replyMarkup?: unknown;
  readonly photo?: Buffer;
  /** When the Bot API took it (Date.now()). */
  readonly at?: number;
}

/** A send that arrived while the bot was told to wait (429 retry_after). */
export interface FloodViolation {
  readonly method: string;
  readonly chatId: string;
  readonly at: number;
  /** When the 429 that opened the window was answered. */
  readonly windowOpenedAt: number;
  readonly windowEndsAt: number;
}

/** Decides a fault for one call (after its parameters are read), or none. */
export type BotApiFaults = (method: string, params: Record<string, unknown>) => Fault | undefined;

const SEND_METHODS = new Set(['sendMessage', 'sendPhoto']);

interface Failure {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export class FakeBotApi {
  readonly token = '123456:TEST-token_abc';
  readonly sent: SentMessage[] = [];
  readonly calls: string[] = [];
  webhook: { url: string; secret?: string } | undefined;
  private readonly updates: { update_id: number }[] = [];
  private nextUpdateId = 1000;
  private messageId = 1;
  private readonly files = new Map<string, { bytes: Buffer; path: string }>();
  private readonly failures = new Map<string, Failure[]>();
  private waiters: (() => void)[] = [];
  private server: Server | undefined;
  url = '';
  /** Faults injected into calls, decided per call; scripted `fail()` responses come first. */
  faults: BotApiFaults | undefined;
  /** A 429 with retry_after makes every send wait that long (the real Bot API's flood control). */
  floodControl = false;
  readonly intoFloodWindow: FloodViolation[] = [];
  private flood: { openedAt: number; until: number } | undefined;
  /**
   * As on the real Bot API, a getUpdates that arrives while another is still waiting ends the
   * waiting one with 409 Conflict ("terminated by other getUpdates request"): two instances
   * polling one token. Counted in `conflicts`.
   */
  exclusivePolling = false;
  conflicts = 0;
  private polling: { conflict: boolean; closed: boolean } | undefined;

  async start(): Promise<this> {
    this.server = createServer((req, res) => { void this.route(req, res); });
    this.url = await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    this.wake();
    await closeServer(this.server);
  }

  /** Queues an update for getUpdates; returns its update_id. */
  push(update: Record<string, unknown>): number {
    const id = this.nextUpdateId++;
    this.updates.push({ update_id: id, ...update });
    this.wake();
    return id;
  }

  /** A private-chat message from a user (chat id = user id). */
  message(userId: number, content: Record<string, unknown>): Record<string, unknown> {
    return {
      message: {
        message_id: this.messageId++,
        date: Math.floor(Date.now() / 1_000),
        chat: { id: userId, type: 'private', first_name: 'Warga' },
        from: { id: userId, is_bot: false, first_name: 'Warga', language_code: 'id' },
        ...content,
      },
    };
  }

  addFile(fileId: string, bytes: Buffer): void {
    this.files.set(fileId, { bytes, path: `photos/${fileId}.jpg` });
  }

  /** The next calls of `method` fail with these responses, in order. */
  fail(method: string, ...failures: Failure[]): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...failures]);
  }

  get pending(): number {
    return this.updates.length;
  }

  textsTo(chatId: number): string[] {
    return this.sent.filter((m) => m.chatId === String(chatId) && m.text !== undefined).map((m) => m.text ?? '');
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) {
      const found = [...this.files.values()].find((f) => f.path === file[2]);
      res.writeHead(found && file[1] === this.token ? 200 : 404).end(found?.bytes);
      return;
    }
    const call = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
    if (call?.[1] !== this.token) {
      this.reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      return;
    }
    const method = call[2] ?? '';
    this.calls.push(method);
    const failure = this.failures.get(method)?.shift();
    if (failure) {
      this.reply(res, failure.status, failure.body);
      return;
    }
    const params = await this.params(req, url);
    if (this.floodControl && SEND_METHODS.has(method) && this.flood && Date.now() < this.flood.until) {
      const { openedAt, until } = this.flood;
      this.intoFloodWindow.push({ method, chatId: String(params.chat_id), at: Date.now(), windowOpenedAt: openedAt, windowEndsAt: until });
      const retryAfter = Math.ceil((until - Date.now()) / 1_000);
      this.reply(res, 429, { ok: false, error_code: 429, description: `Too Many Requests: retry after ${String(retryAfter)}`, parameters: { retry_after: retryAfter } });
      return;
    }
    const fault = this.faults?.(method, params);
    if (fault?.kind === 'drop') {
      dropConnection(res);
      return;
    }
    if (fault?.kind === 'status') {
      const retryAfter = (fault.body.parameters as { retry_after?: number } | undefined)?.retry_after;
      if (fault.status === 429 && retryAfter !== undefined) {
        const until = Date.now() + retryAfter * 1_000;
        if (!this.flood || this.flood.until < until) this.flood = { openedAt: Date.now(), until };
      }
      this.reply(res, fault.status, fault.body);
      return;
    }
    const poll = method === 'getUpdates' && this.exclusivePolling ? this.startPoll(res) : undefined;
    const updates = await (method === 'getUpdates' ? this.getUpdates(params) : Promise.resolve([]));
    if (poll && this.polling === poll) this.polling = undefined;
    if (poll?.conflict) {
      this.reply(res, 409, { ok: false, error_code: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' });
      return;
    }
    const [status, body] = this.answer(method, params, updates);
    if (fault?.kind === 'slow') await sleep(fault.ms);
    this.reply(res, status, body);
  }

  /** A getUpdates begins: one still waiting on an open connection is ended with 409. */
  private startPoll(res: ServerResponse): { conflict: boolean; closed: boolean } {
    const previous = this.polling;
    if (previous && !previous.closed) {
      previous.conflict = true;
      this.conflicts++;
      this.wake();
    }
    const poll = { conflict: false, closed: false };
    res.once('close', () => { poll.closed = true; });
    this.polling = poll;
    return poll;
  }

  private answer(method: string, params: Record<string, unknown>, updates: unknown[]): [number, unknown] {
    const ok = (result: unknown): [number, unknown] => [200, { ok: true, result }];
    const text = (key: string) => (typeof params[key] === 'string' || typeof params[key] === 'number' ? String(params[key]) : '');
    switch (method) {
      case 'getMe':
        return ok({ id: 42, is_bot: true, first_name: 'Aduan', username: 'AduanKotaBot' });
      case 'getUpdates':
        return ok(updates);
      case 'sendMessage':
        this.sent.push({ method, chatId: text('chat_id'), text: text('text'), replyMarkup: parseJson(params.reply_markup), at: Date.now() });
        return ok({ message_id: this.messageId++, date: 0, chat: { id: Number(params.chat_id), type: 'private' }, text: params.text });
      case 'sendPhoto':
        this.sent.push({ method, chatId: text('chat_id'), photo: params.photo as Buffer, at: Date.now() });
        return ok({ message_id: this.messageId++, date: 0, chat: { id: Number(params.chat_id), type: 'private' }, photo: [] });
      case 'getFile': {
        const stored = this.files.get(text('file_id'));
        if (!stored) return [400, { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' }];
        return ok({ file_id: params.file_id, file_unique_id: params.file_id, file_size: stored.bytes.length, file_path: stored.path });
      }
      case 'setWebhook':
        this.webhook = { url: text('url'), ...(text('secret_token') ? { secret: text('secret_token') } : {}) };
        return ok(true);
      case 'deleteWebhook':
        this.webhook = undefined;
        return ok(true);
      default:
        return [404, { ok: false, error_code: 404, description: 'Not Found: method not found' }];
    }
  }

  private async getUpdates(params: Record<string, unknown>): Promise<unknown[]> {
    const offset = Number(params.offset ?? 0);
    if (offset > 0) {
      while (this.updates[0] && this.updates[0].update_id < offset) this.updates.shift();
    }
    const timeout = Math.min(Number(params.timeout ?? 0), 50);
    if (this.updates.length === 0 && timeout > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeout * 1_000);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
    return this.updates.slice(0, Number(params.limit ?? 100));
  }

  private async params(req: IncomingMessage, url: URL): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const type = req.headers['content-type'] ?? '';
    const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
    if (type.includes('application/json') && body.length) Object.assign(params, JSON.parse(body.toString()) as Record<string, unknown>);
    if (type.includes('multipart/form-data')) {
      // A test peer parsing its own small, trusted uploads; a server facing the internet would stream them.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      const form = await new Response(body, { headers: { 'content-type': type } }).formData();
      for (const [key, value] of form.entries()) params[key] = typeof value === 'string' ? value : Buffer.from(await value.arrayBuffer());
    }
    return params;
  }


  private reply(res: ServerResponse, status: number, body: unknown): void {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
