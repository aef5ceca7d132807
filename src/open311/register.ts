// Wires the Open311 server onto the HTTP server: its stores, the parser of
// form-encoded bodies (in its own scope, so no other route starts taking
// forms), and its routes.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/schema.js';
import type { ConversationRouter } from '../conversation/router.js';
import { LOCALES_DIR } from '../conversation/setup.js';
import { loadTexts } from '../conversation/texts.js';
import type { Logger } from '../observability/logger.js';
import type { OutboxDispatcher } from '../outbox/dispatcher.js';
import { mongoIdempotencyStore } from '../storage/idempotency-store.js';
import { mongoOpen311KeyStore } from '../storage/open311-key-store.js';
import { mongoPublicTicketStore } from '../storage/open311-store.js';
import type { Storage } from '../storage/storage.js';
import type { TicketService } from '../tickets/service.js';
import { open311Routes } from './routes.js';

export interface Open311Wiring {
  readonly config: Config;
  readonly storage: Storage;
  readonly tickets: TicketService;
  readonly router: ConversationRouter;
  readonly outbox: Pick<OutboxDispatcher, 'sender'>;
  readonly logger: Logger;
  readonly clock?: () => Date;
}

export async function registerOpen311(http: FastifyInstance, wiring: Open311Wiring): Promise<void> {
  const { connection } = wiring.storage;
  const keys = mongoOpen311KeyStore(connection);
  await keys.ensureIndexes();
  const changeset = new Date();
  await http.register((scope, _options, done) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      const form: Record<string, string> = {};
      for (const [name, value] of new URLSearchParams(String(body))) if (!(name in form)) form[name] = value;
      done(null, form);
    });
    open311Routes(scope, {
      config: wiring.config,
      tickets: wiring.tickets,
      router: wiring.router,
      idempotency: mongoIdempotencyStore(connection),
      canMail: () => wiring.outbox.sender('email') !== undefined,
      logger: wiring.logger,
      clock: wiring.clock ?? (() => new Date()),
      keys,
      requests: mongoPublicTicketStore(connection),
      texts: loadTexts(LOCALES_DIR),
      changeset,
    });
    done();
  });
}
