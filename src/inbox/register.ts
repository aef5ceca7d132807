// The operator inbox: its API under /api/ (documented at /docs), its web UI
// under /inbox/, and the guard other admin pages use. One call from the
// composition root wires all of it.
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { type Bus, localBus } from '../bus/bus.js';
import type { Config } from '../config/schema.js';
import type { ConversationRouter } from '../conversation/router.js';
import type { Logger } from '../observability/logger.js';
import { mongoAuditStore } from '../storage/audit-store.js';
import { mongoInboxStore } from '../storage/inbox-store.js';
import { mongoIdempotencyStore } from '../storage/idempotency-store.js';
import { prepareCollection } from '../storage/indexes.js';
import { mongoRateWindows } from '../storage/rate-window-store.js';
import { auditModel } from '../storage/models/audit.js';
import { idempotencyModel } from '../storage/models/idempotency.js';
import { operatorModel } from '../storage/models/operator.js';
import { sessionModel } from '../storage/models/session.js';
import { mongoOperatorStore, mongoSessionStore } from '../storage/operator-store.js';
import { mongoReportStore } from '../storage/report-store.js';
import type { Storage } from '../storage/storage.js';
import type { TicketService } from '../tickets/service.js';
import { Authenticator } from './auth/authenticator.js';
import { presentedToken } from './auth/guard.js';
import { loadCannedResponses } from './canned.js';
import type { InboxContext } from './context.js';
import { inboxErrorHandler } from './errors.js';
import { InboxEvents } from './events.js';
import { storeAnswer } from './idempotency.js';
import { actionRoutes } from './routes/actions.js';
import { adminRoutes } from './routes/admin.js';
import { open311KeyRoutes } from './routes/open311-keys.js';
import { retentionRoutes } from './routes/retention.js';
import { dataRequestRoutes } from './routes/data-requests.js';
import { privacyPeopleRoutes } from './routes/privacy-people.js';
import { privacyRequestRoutes } from './routes/privacy-requests.js';
import { mongoPersonDataStore } from '../storage/person-data-store.js';
import { mongoPersonErasure } from '../storage/person-erasure.js';
import { mongoPrivacyRequestStore } from '../storage/privacy-request-store.js';
import { loadTexts } from '../conversation/texts.js';
import { LOCALES_DIR } from '../conversation/setup.js';
import { mongoRetention } from '../storage/retention-runs.js';
import { mongoOpen311KeyStore } from '../storage/open311-key-store.js';
import { macroRoutes } from './routes/macros.js';
import { mongoLabelStore } from '../storage/label-store.js';
import { authRoutes } from './routes/auth.js';
import { roundRobin } from './round-robin.js';
import { eventRoutes } from './routes/events.js';
import { intakeRoutes } from './routes/intake.js';
import { ownerRoutes } from './routes/owners.js';
import { presenceRoutes } from './routes/presence.js';
import { SharedPresence } from './shared-presence.js';
import { photoRoutes } from './routes/photos.js';
import { publicPhotoRoutes } from './routes/public-photos.js';
import { mongoPublicStore } from '../storage/public-store.js';
import { reportRoutes } from './routes/reports.js';
import { reporterRoutes } from './routes/reporter.js';
import { privacyRoutes } from './routes/privacy.js';
import { followerRoutes } from './routes/followers.js';
import { mongoFollowerStore } from '../storage/follower-store.js';
import { preparePersonStore } from '../storage/person-store.js';
import { ticketRoutes } from './routes/tickets.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { ensureUi, UI_DIST } from './ui-assets.js';
import { bootstrapAdmin, type UserDeps } from './users.js';

export interface InboxDeps {
  readonly config: Config;
  readonly storage: Storage;
  readonly tickets: TicketService;
  readonly router: ConversationRouter;
  readonly logger: Logger;
  readonly clock?: () => Date;
  /** Live updates and presence across instances (default: this process only). */
  readonly bus?: Bus;
}

export interface Inbox {
  /** A preHandler for admin-only pages outside the API (the WhatsApp QR page): a browser without an admin session goes to the login. */
  readonly adminPage: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  readonly events: InboxEvents;
  /** Lets the reports page run a report job now (the scheduler starts after the inbox). */
  readonly useScheduler: (scheduler: Pick<Scheduler, 'runNow'>) => void;
}

const UI_SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data: blob: https://tile.openstreetmap.org; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

export async function registerInbox(http: FastifyInstance, deps: InboxDeps): Promise<Inbox> {
  const { config, storage, logger } = deps;
  const connection = storage.connection;
  for (const model of [operatorModel(connection), sessionModel(connection), auditModel(connection), idempotencyModel(connection)]) await prepareCollection(model);
  const clock = deps.clock ?? (() => new Date());
  const people = await preparePersonStore(connection);
  const operators = mongoOperatorStore(connection);
  const sessions = mongoSessionStore(connection);
  const audit = mongoAuditStore(connection);
  const authenticator = new Authenticator(operators, sessions, config.inbox, clock);
  const users: UserDeps = { operators, sessions, audit, agencies: config.agencies.map((a) => a.code), passwordCost: config.inbox.passwordCost, clock };
  if ((await bootstrapAdmin(users, config.admin)) === 'created') logger.info('the first inbox administrator was created from ADMIN_USERNAME');

  const bus = deps.bus ?? localBus();
  const events = new InboxEvents(bus);
  deps.tickets.onEvent((event) => {
    events.publish({ type: 'ticket', number: event.ticket.number, status: event.ticket.status, ...(event.ticket.agency ? { agency: event.ticket.agency } : {}), action: event.type === 'transition' ? event.action : 'create' });
  });
  const assign = roundRobin({ config: config.inbox.roundRobin, connection, operators, inbox: mongoInboxStore(connection), audit, events, clock });
  deps.tickets.onEvent((event) => {
    // A ticket reaching an agency (created there or transferred to it) with no owner: round-robin, when on.
    if (event.type !== 'transition' || event.action === 'route') {
      assign(event.ticket).catch((error: unknown) => { logger.error({ err: error, ticket: event.ticket.number }, 'round-robin assignment failed'); });
    }
  });
  deps.router.onTicketMessage((number) => {
    void deps.tickets.get(number).then((ticket) => { events.publish({ type: 'message', number, ...(ticket.agency ? { agency: ticket.agency } : {}) }); }, () => undefined);
  });

  const ctx: InboxContext = {
    config,
    tickets: deps.tickets,
    router: deps.router,
    attachments: storage.attachments,
    inbox: mongoInboxStore(connection),
    operators,
    authenticator,
    audit,
    events,
    reports: mongoReportStore(connection),
    canned: loadCannedResponses(config.inbox.cannedFile),
    clock,
    rateWindows: mongoRateWindows(connection),
    idempotency: { store: mongoIdempotencyStore(connection), ttlMs: config.inbox.idempotencyTtl, clock },
    jobs: {},
  };

  await http.register(fastifyCookie);
  if (!http.hasRequestDecorator('isMultipart')) await http.register(fastifyMultipart);
  await http.register(async (scope) => {
    scope.setValidatorCompiler(validatorCompiler);
    scope.setSerializerCompiler(serializerCompiler);
    scope.setErrorHandler(inboxErrorHandler);
    scope.addHook('onSend', storeAnswer(ctx.idempotency));
    await scope.register(fastifySwagger, {
      openapi: {
        info: { title: 'Aduan operator inbox API', version: '1', description: 'Cookie sessions send `x-csrf-token` on every change; scripts log in with `"bearer": true` and send `Authorization: Bearer <token>`.' },
        components: { securitySchemes: { cookie: { type: 'apiKey', in: 'cookie', name: 'aduan_session' }, bearer: { type: 'http', scheme: 'bearer' } } },
        security: [{ cookie: [] }, { bearer: [] }],
      },
      transform: jsonSchemaTransform,
    });
    await scope.register(fastifySwaggerUi, { routePrefix: '/docs' });
    const app = scope.withTypeProvider<ZodTypeProvider>();
    authRoutes(app, ctx);
    ticketRoutes(app, ctx);
    intakeRoutes(app, ctx);
    actionRoutes(app, ctx);
    macroRoutes(app, ctx, mongoLabelStore(connection));
    ownerRoutes(app, ctx);
    presenceRoutes(app, ctx, new SharedPresence(bus, events));
    photoRoutes(app, ctx);
    publicPhotoRoutes(app, ctx, mongoPublicStore(connection));
    reportRoutes(app, ctx);
    reporterRoutes(app, ctx, people);
    privacyRoutes(app, ctx);
    followerRoutes(app, ctx, mongoFollowerStore(connection));
    eventRoutes(app, ctx);
    adminRoutes(app, ctx, users);
    open311KeyRoutes(app, ctx, mongoOpen311KeyStore(connection));
    retentionRoutes(app, ctx, mongoRetention(connection, storage.attachments));
    dataRequestRoutes(app, ctx, storage.dataRequests);
    const privacyRequests = mongoPrivacyRequestStore(connection);
    privacyRequestRoutes(app, ctx, privacyRequests);
    privacyPeopleRoutes(app, ctx, { people: mongoPersonDataStore(connection, privacyRequests), erasure: mongoPersonErasure(connection, storage.attachments, privacyRequests), requests: privacyRequests, texts: loadTexts(LOCALES_DIR) });
  });
  await registerUi(http, logger);

  return {
    events,
    useScheduler(scheduler) {
      ctx.jobs.scheduler = scheduler;
    },
    async adminPage(request, reply) {
      const presented = presentedToken(request);
      const auth = presented ? await authenticator.authenticate(presented.token) : null;
      if (!auth) {
        await reply.redirect('/inbox/');
        return;
      }
      if (auth.operator.role !== 'admin') await reply.code(403).type('text/plain; charset=utf-8').send('Hanya admin. / Administrators only.');
    },
  };
}

async function registerUi(http: FastifyInstance, logger: Logger): Promise<void> {
  const ready = await ensureUi(logger);
  http.get('/inbox', (_request, reply) => reply.redirect('/inbox/'));
  if (!ready) {
    http.get('/inbox/', (_request, reply) => reply.code(503).type('text/plain; charset=utf-8').send('Antarmuka kotak masuk belum dibangun: jalankan `npm run build:inbox`. / The inbox UI is not built: run `npm run build:inbox`.'));
    return;
  }
  await http.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply) => { void reply.headers(UI_SECURITY_HEADERS); });
    await scope.register(fastifyStatic, { root: UI_DIST, prefix: '/inbox/', decorateReply: false, index: ['index.html'], cacheControl: false });
  });
}
