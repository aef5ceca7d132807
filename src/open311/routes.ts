// The Open311 GeoReport v2 server (http://wiki.open311.org/GeoReport_v2):
// discovery at /open311/discovery.{json,xml}, the API under /open311/v2/.
// Reading is public (no personal data, see view.ts); creating a request needs
// an `api_key` an admin issued in the inbox. `jurisdiction_id` is accepted and
// not needed: this server serves one city.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Locale, Texts } from '../conversation/texts.js';
import type { Open311KeyStore } from '../storage/open311-key-store.js';
import type { PublicTicketStore } from '../storage/open311-store.js';
import type { Config } from '../config/schema.js';
import type { Ticket } from '../tickets/model.js';
import { type Format, sendErrors, sendList, sendOne, splitFormat } from './answer.js';
import { type IntakeDeps, openRequest } from './intake.js';
import { describeIssues, localeQuery, newRequestForm, requestsQuery } from './schemas.js';
import { requestView, type Say, serviceView, serviceViews, statusesOf, w3c } from './view.js';

export interface Open311Deps extends IntakeDeps {
  readonly config: IntakeDeps['config'] & { readonly city: Pick<Config['city'], 'name' | 'timezone' | 'locale'> };
  readonly keys: Open311KeyStore;
  readonly requests: PublicTicketStore;
  readonly texts: Texts;
  /** When the services last changed: the configuration was loaded at start. */
  readonly changeset: Date;
}

/** The spec's default window and cap of `GET requests`. */
const WINDOW_MS = 90 * 24 * 3_600_000;
const MAX_RESULTS = 1_000;
const FORMATS = ['json', 'xml'] as const;

export function open311Routes(app: FastifyInstance, deps: Open311Deps): void {
  const { config, texts } = deps;
  const localeOf = (request: FastifyRequest): Locale => localeQuery.safeParse(request.query).data?.locale ?? config.city.locale;
  const sayIn = (locale: Locale): Say => (key, vars) => texts.t(locale, key, vars);

  // Public reads: any web page may use them (no cookies are involved).
  app.addHook('onSend', async (request, reply) => {
    if (request.method === 'GET') void reply.header('access-control-allow-origin', '*');
  });
  // A body too large or unreadable, or a failure on our side: still the spec's error shape, in the asked format.
  app.setErrorHandler((error: { statusCode?: number }, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'open311 request failed');
    const format: Format = /\.xml(\?|$)/.test(request.url) ? 'xml' : 'json';
    return sendErrors(reply, format, status, [status === 500 ? 'the server could not answer: try again later' : 'the request could not be read']);
  });

  for (const format of FORMATS) {
    app.get(`/open311/discovery.${format}`, (request, reply) => {
      const say = sayIn(localeOf(request));
      const changeset = w3c(deps.changeset);
      const head = { changeset, contact: say('open311.discovery.contact', { city: config.city.name }), key_service: say('open311.discovery.key_service', { city: config.city.name }) };
      const { formats, ...rest } = endpoint(request, changeset);
      return sendOne(reply, format, 'discovery', { ...head, endpoints: [{ ...rest, formats }] }, { ...head, endpoints: { endpoint: { ...rest, formats: { format: formats } } } });
    });

    app.get(`/open311/v2/services.${format}`, (request, reply) => {
      const locale = localeOf(request);
      return sendList(reply, format, 'services', 'service', serviceViews(config, locale, sayIn(locale)));
    });

    app.get(`/open311/v2/requests.${format}`, async (request, reply) => {
      const parsed = requestsQuery.safeParse(request.query);
      if (!parsed.success) return sendErrors(reply, format, 400, describeIssues(parsed.error));
      const q = parsed.data;
      const to = q.end_date ?? deps.clock();
      const from = q.start_date ?? new Date(to.getTime() - WINDOW_MS);
      if (from > to) return sendErrors(reply, format, 400, ['start_date: must not be after end_date']);
      if (to.getTime() - from.getTime() > WINDOW_MS) return sendErrors(reply, format, 400, ['start_date, end_date: the range may not span more than 90 days']);
      const statuses = q.status?.flatMap((s) => statusesOf(s));
      const found = await deps.requests.find({ ...(q.service_request_id ? { numbers: q.service_request_id } : {}), ...(q.service_code ? { categories: q.service_code } : {}), ...(statuses ? { statuses } : {}), from, to, limit: MAX_RESULTS });
      const locale = q.locale ?? config.city.locale;
      return sendList(reply, format, 'service_requests', 'request', found.map((t) => requestView(t, config, locale, sayIn(locale))));
    });

    app.post(`/open311/v2/requests.${format}`, { bodyLimit: 65_536 }, async (request, reply) => postRequest(deps, request, reply, format, localeOf(request)));
  }

  app.get('/open311/v2/services/:file', (request, reply) => {
    const file = splitFormat((request.params as { file: string }).file);
    if (!file) return sendErrors(reply, 'json', 404, ['use services/{service_code}.json or .xml']);
    const locale = localeOf(request);
    const service = serviceView(config, file.name, locale, sayIn(locale));
    if (!service) return sendErrors(reply, file.format, 404, [`service_code: "${file.name}" is not a service of this city`]);
    // Services take no extra attributes (metadata false): the definition names the service and lists none.
    return sendOne(reply, file.format, 'service_definition', { service_code: service.service_code, attributes: [] }, { service_code: service.service_code, attributes: null });
  });

  // POST answers with the service_request_id itself, so no token ever needs looking up.
  app.get('/open311/v2/tokens/:file', (request, reply) => {
    const file = splitFormat((request.params as { file: string }).file);
    return sendErrors(reply, file?.format ?? 'json', 404, ['this server answers POST requests with the service_request_id at once: there are no tokens to look up']);
  });

  app.get('/open311/v2/requests/:file', async (request, reply) => {
    const file = splitFormat((request.params as { file: string }).file);
    if (!file) return sendErrors(reply, 'json', 404, ['use requests/{service_request_id}.json or .xml']);
    const ticket = /^[A-Za-z0-9-]{1,40}$/.test(file.name) ? await deps.requests.get(file.name) : null;
    if (!ticket) return sendErrors(reply, file.format, 404, [`service_request_id: "${file.name}" was not found`]);
    const locale = localeOf(request);
    return sendList(reply, file.format, 'service_requests', 'request', [requestView(ticket, config, locale, sayIn(locale))]);
  });
}

function endpoint(request: FastifyRequest, changeset: string) {
  return { specification: 'http://wiki.open311.org/GeoReport_v2', url: `${request.protocol}://${request.host}/open311/v2`, changeset, type: 'production', formats: ['text/xml', 'application/json'] };
}

/** The form as strings: the first of repeated fields, whatever the client's encoding (form, multipart, JSON). */
async function formOf(request: FastifyRequest): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  const put = (name: string, value: unknown) => {
    if (!(name in fields) && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) fields[name] = String(value);
  };
  if (request.isMultipart()) {
    for await (const part of request.parts({ limits: { fields: 40, fieldSize: 8_000, files: 0 } })) {
      if (part.type === 'field') put(part.fieldname, part.value);
    }
    return fields;
  }
  const body = request.body;
  if (body && typeof body === 'object') for (const [name, value] of Object.entries(body)) put(name, Array.isArray(value) ? (value as unknown[])[0] : value);
  return fields;
}

async function postRequest(deps: Open311Deps, request: FastifyRequest, reply: FastifyReply, format: Format, locale: Locale): Promise<FastifyReply> {
  const fields = await formOf(request);
  const key = fields.api_key ? await deps.keys.use(fields.api_key, deps.clock()) : null;
  if (!key) return sendErrors(reply, format, 403, ['api_key: missing, unknown or revoked; ask the city for a key']);
  const parsed = newRequestForm.safeParse(fields);
  if (!parsed.success) return sendErrors(reply, format, 400, describeIssues(parsed.error));
  const result = await openRequest(deps, key, parsed.data);
  if (!result.ok) return sendErrors(reply, format, result.status, result.descriptions);
  return sendList(reply, format, 'service_requests', 'request', [{ service_request_id: result.number, service_notice: result.ticket ? notice(deps, result.ticket, locale) : null, account_id: null }]);
}

/** What happens next, when this answer created the ticket (a repeated POST gets the number alone). */
function notice(deps: Open311Deps, ticket: Ticket, locale: Locale): string | null {
  const { config, texts } = deps;
  if (ticket.forwardedTo !== undefined) return texts.t(locale, 'open311.service_notice.forwarded', { channel: config.forwarding[ticket.forwardedTo]?.name ?? ticket.forwardedTo });
  const deadline = ticket.deadline?.at;
  if (!deadline) return null;
  const when = new Intl.DateTimeFormat(locale === 'id' ? 'id-ID' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: config.city.timezone }).format(deadline);
  return texts.t(locale, 'open311.service_notice.agency', { agency: config.agencies.find((a) => a.code === ticket.agency)?.name ?? ticket.agency ?? '', deadline: when });
}
