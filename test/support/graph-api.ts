// A small Graph API server for tests, on a loopback port: the subset the
// WhatsApp Cloud API channel uses (send messages, upload media, resolve and
// download media), with scripted failures and a general fault hook.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dropConnection, type Fault, sleep } from './faults.js';
import { closeServer, listenOnLoopback } from './loopback.js';

/** One call to the Graph API stand-in, as the fault hook sees it. */
export interface GraphCall {
  /** `send` (POST …/messages), `upload` (POST …/media), `media` (GET a media object), `download` (its bytes). */
  readonly kind: 'send' | 'upload' | 'media' | 'download' | 'other';
  readonly method: string;
  readonly path: string;
  /** A send's recipient. */
  readonly to?: string;
  /** A send's body, parsed. */
  readonly body?: Record<string, unknown>;
}

/** Decides a fault for one call, or none. */
export type GraphApiFaults = (call: GraphCall) => Fault | undefined;

export class FakeGraphApi {
  readonly token = 'EAAG-test-token';
  readonly phoneNumberId = '109876543210';
  readonly sent: Record<string, unknown>[] = [];
  /** The message id (wamid) answered for each of `sent`, in the same order. */
  readonly sentIds: string[] = [];
  /** When each of `sent` was taken (Date.now()), in the same order. */
  readonly sentAt: number[] = [];
  /** Faults injected into calls, decided per call; scripted `failSends()` responses come first. */
  faults: GraphApiFaults | undefined;
  readonly uploads: Buffer[] = [];
  private readonly media = new Map<string, Buffer>();
  private readonly failures: { status: number; body: Record<string, unknown> }[] = [];
  private server: Server | undefined;
  private counter = 0;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => { void this.route(req, res); });
    this.url = await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  addMedia(id: string, bytes: Buffer): void {
    this.media.set(id, bytes);
  }

  /** The next sends fail with these responses, in order. */
  failSends(...failures: { status: number; body: Record<string, unknown> }[]): void {
    this.failures.push(...failures);
  }

  textsTo(to: string): string[] {
    return this.sent
      .filter((m) => m.to === to)
      .map((m) => {
        const text = m.text as { body?: string } | undefined;
        const interactive = m.interactive as { body?: { text?: string } } | undefined;
        return text?.body ?? interactive?.body?.text ?? '';
      });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.url);
    const body = Buffer.concat(chunks);
    const download = /^\/download\/(.+)$/.exec(url.pathname);
    const call = this.describe(req, url, body, download !== null);
    // A scripted failure (failSends) comes first; the hook is not asked then.
    const fault = call.kind === 'send' && this.failures.length > 0 ? undefined : this.faults?.(call);
    if (fault?.kind === 'drop') {
      dropConnection(res);
      return;
    }
    if (fault?.kind === 'status') {
      this.reply(res, fault.status, fault.body);
      return;
    }
    if (download && req.headers.authorization === `Bearer ${this.token}`) {
      const bytes = this.media.get(download[1] ?? '');
      if (fault?.kind === 'slow') await sleep(fault.ms);
      if (!res.destroyed) res.writeHead(bytes ? 200 : 404, { 'content-type': 'image/jpeg' }).end(bytes);
      return;
    }
    const [status, answer] = this.answer(req, url, body);
    if (fault?.kind === 'slow') await sleep(fault.ms);
    this.reply(res, status, answer);
  }

  private describe(req: IncomingMessage, url: URL, body: Buffer, download: boolean): GraphCall {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (download) return { kind: 'download', method, path };
    if (method === 'POST' && path === `/${this.phoneNumberId}/messages`) {
      let parsed: Record<string, unknown> | undefined;
      try {
        parsed = JSON.parse(body.toString()) as Record<string, unknown>;
      } catch {
        parsed = undefined;
      }
      return { kind: 'send', method, path, ...(typeof parsed?.to === 'string' ? { to: parsed.to } : {}), ...(parsed ? { body: parsed } : {}) };
    }
    if (method === 'POST' && path === `/${this.phoneNumberId}/media`) return { kind: 'upload', method, path };
    if (method === 'GET' && /^\/[\w.-]+$/.test(path)) return { kind: 'media', method, path };
    return { kind: 'other', method, path };
  }

  private answer(req: IncomingMessage, url: URL, body: Buffer): [number, unknown] {
    if (req.headers.authorization !== `Bearer ${this.token}`) return [401, { error: { code: 190, message: 'Invalid OAuth access token' } }];
    if (req.method === 'POST' && url.pathname === `/${this.phoneNumberId}/messages`) {
      const failure = this.failures.shift();
      if (failure) return [failure.status, failure.body];
      const message = JSON.parse(body.toString()) as Record<string, unknown>;
      const id = `wamid.out${String(++this.counter)}`;
      this.sent.push(message);
      this.sentIds.push(id);
      this.sentAt.push(Date.now());
      return [200, { messaging_product: 'whatsapp', contacts: [{ wa_id: message.to }], messages: [{ id }] }];
    }
    if (req.method === 'POST' && url.pathname === `/${this.phoneNumberId}/media`) {
      this.uploads.push(body);
      return [200, { id: `upload${String(++this.counter)}` }];
    }
    const mediaId = /^\/([\w.-]+)$/.exec(url.pathname)?.[1];
    if (req.method === 'GET' && mediaId && this.media.has(mediaId)) {
      return [200, { url: `${this.url}/download/${mediaId}`, mime_type: 'image/jpeg', file_size: this.media.get(mediaId)?.length, id: mediaId }];
    }
    return [404, { error: { code: 100, message: 'Unknown path' } }];
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}
