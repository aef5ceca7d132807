// The official WhatsApp Cloud API: a webhook on the app's HTTP server (GET
// verification, POST signed with X-Hub-Signature-256 over the raw body) in,
// the Graph API out. Meta delivers webhooks more than once; the inbound log
// makes that harmless. A message is answered 200 only once it is stored
// (media included), so a failure makes Meta deliver it again.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/schema.js';
import type { PhotoInput } from '../../conversation/messages.js';
import type { ConversationRouter } from '../../conversation/router.js';
import type { HealthRegistry } from '../../observability/health.js';
import type { Logger } from '../../observability/logger.js';
import type { OutboxDispatcher } from '../../outbox/dispatcher.js';
import type { OutboxStore } from '../../outbox/store.js';
import type { AttachmentStore } from '../../storage/attachments.js';
import { storePhoto, storeVoice } from '../photo-intake.js';
import { GraphClient } from './graph.js';
import { type CloudWebhook, normaliseWebhook } from './normalise.js';
import { cloudSender, lateTemplates } from './sender.js';

export const WHATSAPP_WEBHOOK_PATH = '/webhooks/whatsapp';

export interface CloudChannelDeps {
  readonly config: Config['channels']['whatsappCloud'] & { readonly token: string; readonly phoneNumberId: string };
  readonly photoMaxBytes: number;
  readonly router: ConversationRouter;
  readonly outbox: OutboxDispatcher;
  readonly outboxStore: OutboxStore;
  readonly attachments: AttachmentStore;
  readonly health: HealthRegistry;
  readonly logger: Logger;
}

export function registerWhatsAppCloud(http: FastifyInstance, deps: CloudChannelDeps): void {
  const graph = new GraphClient(deps.config.apiRoot, deps.config.token, deps.config.phoneNumberId);
  deps.outbox.register(cloudSender(graph, deps.attachments, { templates: lateTemplates(deps.config) }));
  if (!deps.config.appSecret || !deps.config.verifyToken) deps.logger.warn('WhatsApp Cloud API: set WHATSAPP_CLOUD_APP_SECRET and WHATSAPP_CLOUD_VERIFY_TOKEN to receive messages');
  deps.health.set('whatsappCloud', 'up', { detail: { webhook: WHATSAPP_WEBHOOK_PATH } });

  const fetchMedia = async (mediaId: string, voice?: { contentType: string }): Promise<PhotoInput> => {
    const { bytes, tooLarge } = await graph.downloadMedia(mediaId, deps.photoMaxBytes);
    if (tooLarge) return { rejected: 'too_large' };
    return voice ? storeVoice(deps.attachments, { bytes, source: 'whatsapp', contentType: voice.contentType }) : storePhoto(deps.attachments, { bytes, source: 'whatsapp' });
  };

  void http.register((scope, _options, done) => {
    // The signature covers the exact bytes Meta sent, so the body is kept raw here.
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, parsed) => { parsed(null, body); });

    scope.get(WHATSAPP_WEBHOOK_PATH, async (request, reply) => {
      const query = request.query as Record<string, string | undefined>;
      if (query['hub.mode'] === 'subscribe' && deps.config.verifyToken !== undefined && query['hub.verify_token'] === deps.config.verifyToken) {
        return reply.type('text/plain').send(query['hub.challenge'] ?? '');
      }
      return reply.code(403).send({ error: 'verification failed' });
    });

    scope.post(WHATSAPP_WEBHOOK_PATH, async (request, reply) => {
      const raw = request.body as Buffer | undefined;
      if (!raw || !validSignature(raw, request.headers['x-hub-signature-256'], deps.config.appSecret)) {
        return reply.code(401).send({ error: 'bad signature' });
      }
      let payload: CloudWebhook;
      try {
        payload = JSON.parse(raw.toString('utf8')) as CloudWebhook;
      } catch {
        return reply.code(400).send({ error: 'not JSON' });
      }
      const { messages, statuses } = normaliseWebhook(payload);
      for (const { message, mediaId, voice } of messages) {
        const file = mediaId ? await fetchMedia(mediaId, voice) : undefined;
        await deps.router.handle(!file ? message : voice ? { ...message, voice: file } : { ...message, photos: [file] });
      }
      for (const status of statuses) {
        const error = status.errors?.map((e) => `${String(e.code)} ${e.title ?? ''}`.trim()).join('; ');
        await deps.outboxStore.recordStatus(status.id, status.status, new Date(Number(status.timestamp) * 1_000), error);
      }
      deps.health.set('whatsappCloud', 'up', { detail: { webhook: WHATSAPP_WEBHOOK_PATH, lastUpdateAt: new Date().toISOString() } });
      return reply.code(200).send({ ok: true });
    });
    done();
  });
}

/** HMAC-SHA256 of the raw body with the app secret, compared in constant time. */
export function validSignature(raw: Buffer, header: string | string[] | undefined, secret: string | undefined): boolean {
  if (!secret || typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(raw).digest('hex'));
  const given = Buffer.from(header.slice('sha256='.length));
  return given.length === expected.length && timingSafeEqual(given, expected);
}
