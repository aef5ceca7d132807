// The web chat: a page at `/` and its API. POST a message (JSON text or
// location, or a multipart photo); GET the bot's messages after a sequence
// number, optionally waiting for them (long poll); GET the conversation's
// history, both sides, when the page is opened again.
import { fileURLToPath } from 'node:url';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type Bus, localBus } from '../../bus/bus.js';
import { conversationKey, type PhotoInput } from '../../conversation/messages.js';
import type { RateWindows } from '../../limits/rate-windows.js';
import type { Logger } from '../../observability/logger.js';
import { type ConversationRouter, RouterStoppedError } from '../../conversation/router.js';
import type { OutboxDispatcher } from '../../outbox/dispatcher.js';
import type { OutboxStore } from '../../outbox/store.js';
import type { AttachmentStore } from '../../storage/attachments.js';
import type { ConversationHistory } from '../../storage/message-store.js';
import type { MessageDoc } from '../../storage/models/message.js';
import type { AttachmentRef } from '../../tickets/model.js';
import { storePhoto } from '../photo-intake.js';
import { MESSAGE_ID_PATTERN, normaliseWebchatPost, SESSION_ID_PATTERN, type WebchatPost } from './normalise.js';
import { RateLimit } from '../rate-limit.js';
import { webchatSender } from './sender.js';
import { Waiters } from './waiters.js';
import { waitKey, wakeAcrossInstances } from './wake.js';

export const PUBLIC_DIR = fileURLToPath(new URL('../../../src/channels/webchat/public/', import.meta.url));

export interface WebchatDeps {
  readonly router: ConversationRouter;
  readonly outbox: OutboxDispatcher;
  readonly outboxStore: OutboxStore;
  readonly attachments: AttachmentStore;
  readonly history: ConversationHistory;
  readonly photoMaxBytes: number;
  /** Messages per session per minute. */
  readonly rateLimit?: number;
  /** Counts shared by every instance, so the limit holds behind a load balancer. */
  readonly rateWindows?: RateWindows;
  readonly logger?: Logger;
  /** Where a reply queued by any instance wakes the long polls (default: this process only). */
  readonly bus?: Bus;
}

const MAX_WAIT_S = 25;
/** A long poll reads again this often even unwoken: the safety net for a signal lost between instances (wake.ts). */
const RECHECK_MS = 5_000;
/** Messages a reloaded page gets back: enough for a report and its follow-up, bounded for the query. */
const HISTORY_LIMIT = 100;

// JSON posts are checked here; the same URL takes multipart photos, which a body schema cannot describe.
const postBody = z
  .strictObject({
    sessionId: z.string().regex(new RegExp(SESSION_ID_PATTERN), 'expected 16–64 letters, digits, - or _'),
    messageId: z.string().regex(new RegExp(MESSAGE_ID_PATTERN)).optional(),
    text: z.string().max(20_000).optional(),
    location: z.strictObject({ latitude: z.number(), longitude: z.number() }).optional(),
  })
  .refine((p) => p.text !== undefined || p.location !== undefined, 'expected "text" or "location"');

const getQuery = {
  type: 'object',
  required: ['sessionId'],
  additionalProperties: false,
  properties: {
    sessionId: { type: 'string', pattern: SESSION_ID_PATTERN },
    after: { type: 'integer', minimum: 0, default: 0 },
    wait: { type: 'integer', minimum: 0, maximum: MAX_WAIT_S, default: 0 },
  },
} as const;

const sessionQuery = {
  type: 'object',
  required: ['sessionId'],
  additionalProperties: false,
  properties: { sessionId: { type: 'string', pattern: SESSION_ID_PATTERN } },
} as const;

/** A bot message as the page shows it; a photo by the URL that serves it to this session only. */
function botMessage(sessionId: string, seq: number, message: { text?: string; choices?: readonly { value: string; label: string }[]; request?: string; photo?: AttachmentRef | undefined }) {
  return {
    id: seq,
    text: message.text ?? '',
    ...(message.choices?.length ? { choices: message.choices } : {}),
    ...(message.request ? { request: message.request } : {}),
    ...(message.photo ? { photo: `/api/webchat/photos/${String(seq)}?sessionId=${encodeURIComponent(sessionId)}` } : {}),
  };
}

/** What the person sent, as the page showed it when it was sent. */
function ownMessage(sessionId: string, doc: MessageDoc) {
  return {
    id: doc.messageId,
    ...(doc.text === undefined ? {} : { text: doc.text }),
    ...(doc.photos?.length ? { photo: `/api/webchat/uploads/${encodeURIComponent(doc.messageId)}?sessionId=${encodeURIComponent(sessionId)}` } : {}),
    // A file the service refused (not a photo): the bot's answer says why; the page shows that one was sent.
    ...(!doc.photos?.length && doc.photoRejections?.length ? { file: true } : {}),
    ...(doc.location ? { location: { latitude: doc.location.latitude, longitude: doc.location.longitude } } : {}),
  };
}

/** What the service stops: the long polls waiting for messages. */
export interface Webchat {
  endLongPolls(): void;
}

export async function webchatRoutes(app: FastifyInstance, deps: WebchatDeps): Promise<Webchat> {
  deps.outbox.register(webchatSender);
  const waiters = new Waiters();
  wakeAcrossInstances(deps.bus ?? localBus(), deps.outbox, waiters);
  const shared = { ...(deps.rateWindows ? { shared: deps.rateWindows } : {}), ...(deps.logger ? { logger: deps.logger } : {}) };
  const limit = new RateLimit({ name: 'webchat', limit: deps.rateLimit ?? 60, windowMs: 60_000, ...shared });
  // The history is the one read that is not by key: a page asks once when it opens, not in a loop.
  const historyLimit = new RateLimit({ name: 'webchat-history', limit: 20, windowMs: 60_000, ...shared });

  await app.register(fastifyMultipart, { limits: { fileSize: deps.photoMaxBytes + 1, files: 1, fields: 4, fieldSize: 200 } });
  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/webchat/', index: false });
  app.get('/', (_request, reply) => reply.sendFile('index.html'));
  // Browsers and bookmarks ask for /favicon.ico whatever the page links to.
  app.get('/favicon.ico', (_request, reply) => reply.redirect('/webchat/favicon.png', 301));

  const tooMany = (reply: FastifyReply) =>
    reply.code(429).send({ error: 'rate_limited', message: 'Terlalu banyak pesan. Mohon tunggu sebentar. / Too many messages, please wait a moment.' });

  app.post('/api/webchat/messages', async (request, reply) => {
    const at = new Date();
    let post: WebchatPost;
    let photo: PhotoInput | undefined;
    if (request.isMultipart()) {
      const upload = await readPhotoUpload(request, deps);
      if ('error' in upload) return reply.code(400).send(upload);
      ({ post, photo } = upload);
    } else {
      const parsed = postBody.safeParse(request.body);
      if (!parsed.success) {
        return reply.code(400).send({ error: 'bad_request', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });
      }
      post = parsed.data;
    }
    if (!(await limit.allow(post.sessionId))) return tooMany(reply);
    try {
      const { duplicate } = await deps.router.handle(normaliseWebchatPost(post, at, photo));
      return await reply.code(202).send({ accepted: true, duplicate });
    } catch (error) {
      if (!(error instanceof RouterStoppedError)) throw error;
      // The page sends it again (same messageId) after a pause; the restarted service takes it.
      return reply.code(503).header('retry-after', '2').send({ error: 'restarting', message: 'Layanan sedang dimulai ulang; pesan Anda dikirim ulang otomatis. / The service is restarting; your message will be sent again.' });
    }
  });

  app.get('/api/webchat/messages', { schema: { querystring: getQuery } }, async (request) => {
    const { sessionId, after, wait } = request.query as { sessionId: string; after: number; wait: number };
    const key = conversationKey('webchat', sessionId);
    const deadline = Date.now() + wait * 1_000;
    let records = await deps.outboxStore.after(key, after, 50);
    while (records.length === 0 && Date.now() < deadline && !waiters.isClosed) {
      await waiters.wait(waitKey(key), Math.min(RECHECK_MS, deadline - Date.now()));
      records = await deps.outboxStore.after(key, after, 50);
    }
    return { messages: records.map((r) => botMessage(sessionId, r.seq, r.message)) };
  });

  // Both sides of the conversation in the order they happened, for a page opened again (a reload):
  // the bot's messages carry their sequence number (`id`), the person's `from: "me"`; `after` is where
  // the long poll goes on from.
  app.get('/api/webchat/history', { schema: { querystring: sessionQuery } }, async (request, reply) => {
    const { sessionId } = request.query as { sessionId: string };
    if (!(await historyLimit.allow(sessionId))) return tooMany(reply);
    const docs = await deps.history.recent(conversationKey('webchat', sessionId), HISTORY_LIMIT);
    const messages = docs.map((doc) =>
      doc.direction === 'out'
        ? { from: 'bot' as const, ...botMessage(sessionId, doc.seq ?? 0, { ...doc, photo: doc.photos?.[0] }) }
        : { from: 'me' as const, ...ownMessage(sessionId, doc) });
    const after = Math.max(0, ...docs.map((d) => (d.direction === 'out' ? (d.seq ?? 0) : 0)));
    return { messages, after };
  });

  // A photo the bot sent to this session (e.g. the agency's result): only its own session may fetch it.
  app.get('/api/webchat/photos/:seq', { schema: { params: { type: 'object', properties: { seq: { type: 'integer', minimum: 1 } }, required: ['seq'] }, querystring: sessionQuery } }, async (request, reply) => {
    const { seq } = request.params as { seq: number };
    const { sessionId } = request.query as { sessionId: string };
    const [record] = await deps.outboxStore.after(conversationKey('webchat', sessionId), seq - 1, 1);
    return sendPhoto(reply, record?.seq === seq ? record.message.photo : undefined);
  });

  // A photo the person sent from this session, shown again after a reload: by its message's key, and
  // only to the session that sent it.
  app.get('/api/webchat/uploads/:messageId', { schema: { params: { type: 'object', properties: { messageId: { type: 'string', pattern: MESSAGE_ID_PATTERN } }, required: ['messageId'] }, querystring: sessionQuery } }, async (request, reply) => {
    const { messageId } = request.params as { messageId: string };
    const { sessionId } = request.query as { sessionId: string };
    const doc = await deps.history.inbound('webchat', messageId);
    return sendPhoto(reply, doc?.conversationKey === conversationKey('webchat', sessionId) ? doc.photos?.[0] : undefined);
  });

  async function sendPhoto(reply: FastifyReply, photo: AttachmentRef | undefined) {
    const stored = photo ? await deps.attachments.open(photo.fileId) : null;
    if (!stored) return reply.code(404).send({ error: 'not_found' });
    return reply.type(stored.ref.contentType).header('cache-control', 'private, max-age=86400').header('x-content-type-options', 'nosniff').send(stored.stream);
  }

  return { endLongPolls: () => { waiters.close(); } };
}

async function readPhotoUpload(request: FastifyRequest, deps: WebchatDeps): Promise<{ post: WebchatPost; photo: PhotoInput } | { error: string; message: string }> {
  const file = await request.file();
  if (!file) return { error: 'no_photo', message: 'Kirim foto pada kolom "photo". / Send the photo in the "photo" field.' };
  const field = (name: string) => {
    const value = file.fields[name];
    return value && !Array.isArray(value) && value.type === 'field' ? String(value.value) : undefined;
  };
  const sessionId = field('sessionId');
  const messageId = field('messageId');
  if (!sessionId || !new RegExp(SESSION_ID_PATTERN).test(sessionId) || (messageId !== undefined && !new RegExp(MESSAGE_ID_PATTERN).test(messageId))) {
    file.file.resume();
    return { error: 'bad_session', message: 'sessionId (16–64 letters, digits, - or _) must come before the photo.' };
  }
  const post: WebchatPost = { sessionId, ...(messageId ? { messageId } : {}) };
  let bytes: Buffer;
  try {
    bytes = await file.toBuffer();
  } catch {
    return { post, photo: { rejected: 'too_large' } };
  }
  return { post, photo: await storePhoto(deps.attachments, { bytes, filename: file.filename, source: 'webchat' }) };
}
