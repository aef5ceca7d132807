// The public pages on the HTTP server: a ticket's status page and its public
// photos (/t/<number>?k=<token>), the map (/peta) and its data. No login; no
// personal data (./view.ts, ./map.ts). Every wrong link gets the same 404.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/schema.js';
import { LOCALES, type Locale, type Texts } from '../conversation/texts.js';
import type { AttachmentStore } from '../storage/attachments.js';
import type { PublicStore } from '../storage/public-store.js';
import { TicketNotFoundError } from '../tickets/errors.js';
import type { Ticket } from '../tickets/model.js';
import type { TicketService } from '../tickets/service.js';
import { type MapData, mapData, mapFilters, mapPage } from './map.js';
import { notFoundPage, statusPage } from './status-page.js';
import { tokenMatches } from './token.js';
import { publicFileIds, publicTicketView } from './view.js';

export interface PublicPagesDeps {
  readonly config: Config;
  readonly tickets: TicketService;
  readonly store: PublicStore;
  readonly attachments: AttachmentStore;
  readonly texts: Texts;
  readonly clock?: () => Date;
}

const NUMBER = /^[A-Z]{2,6}-\d{4}-\d{5,}$/;
/** Filters × languages × days: few in practice; past this the cache starts afresh (a crawler trying every `days`). */
const MAP_CACHE_ENTRIES = 500;
const FILE_ID = /^[0-9a-f]{24}$/;

// No script on a status page; the map runs only its own module and Leaflet, and may load OpenStreetMap tiles.
// no-referrer: the token in a status page's address must not travel to another site.
const BASE_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };
const STATUS_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const MAP_CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self' data: https://tile.openstreetmap.org; style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// From src/public/ or dist/public/ alike, two levels up is the project (the image copies src/public/assets).
const PETA_JS = new URL('../../src/public/assets/peta.js', import.meta.url);
const LEAFLET_DIR = new URL('./', `file://${createRequire(import.meta.url).resolve('leaflet/dist/leaflet-src.esm.js')}`);

/** Read once at start: three small files. The script and stylesheet of the map page. */
function loadAssets(): Record<string, { type: string; body: Buffer }> {
  const read = (url: URL) => readFileSync(fileURLToPath(url));
  return {
    'peta.js': { type: 'text/javascript; charset=utf-8', body: read(PETA_JS) },
    'leaflet.js': { type: 'text/javascript; charset=utf-8', body: read(new URL('leaflet-src.esm.js', LEAFLET_DIR)) },
    'leaflet.css': { type: 'text/css; charset=utf-8', body: read(new URL('leaflet.css', LEAFLET_DIR)) },
  };
}

/** `?lang=en|id` first, then the browser's Accept-Language, else Indonesian. */
export function pageLocale(request: FastifyRequest): Locale {
  const asked = (request.query as { lang?: unknown }).lang;
  if (typeof asked === 'string' && (LOCALES as readonly string[]).includes(asked)) return asked as Locale;
  const header = request.headers['accept-language'] ?? '';
  const preferred = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = Number(params.find((p) => p.trim().startsWith('q='))?.trim().slice(2) ?? '1');
      return { lang: tag.toLowerCase().split('-')[0] ?? '', q: Number.isFinite(q) ? q : 0 };
    })
    .filter((p) => p.q > 0 && (LOCALES as readonly string[]).includes(p.lang))
    .sort((a, b) => b.q - a.q)[0];
  return (preferred?.lang as Locale | undefined) ?? 'id';
}

/** The same address with the other language asked for. */
function otherLanguage(request: FastifyRequest, locale: Locale): string {
  const url = new URL(request.url, 'http://x');
  url.searchParams.set('lang', locale === 'id' ? 'en' : 'id');
  return `${url.pathname}${url.search}`;
}

export function registerPublicPages(http: FastifyInstance, deps: PublicPagesDeps): void {
  const { config, texts } = deps;
  const clock = deps.clock ?? (() => new Date());
  const assets = loadAssets();
  const pageContext = (request: FastifyRequest) => {
    const locale = pageLocale(request);
    return { locale, texts, city: config.city.name, timeZone: config.city.timezone, otherLanguageHref: otherLanguage(request, locale) };
  };

  // The map is public and may be shared widely: one query per filter and language every `public.map.cacheFor` at most,
  // however many people open it (the page says the data is as of a minute ago anyway).
  const mapCache = new Map<string, { until: number; data: Promise<MapData> }>();
  const cachedMap = (locale: Locale, filters: ReturnType<typeof mapFilters>): Promise<MapData> => {
    const now = clock().getTime();
    const key = JSON.stringify([locale, filters.category, filters.status, filters.days]);
    const hit = mapCache.get(key);
    if (hit && hit.until > now) return hit.data;
    if (mapCache.size >= MAP_CACHE_ENTRIES) mapCache.clear();
    const data = mapData(deps.store, config, texts, locale, filters, new Date(now));
    mapCache.set(key, { until: now + config.public.map.cacheFor, data });
    // A failed query is not kept: the next visitor asks again.
    data.catch(() => { mapCache.delete(key); });
    return data;
  };

  /** The ticket a link names, only with its right token; undefined for everything else, alike. */
  async function linkedTicket(number: string, token: unknown): Promise<Ticket | undefined> {
    if (!NUMBER.test(number) || typeof token !== 'string') return undefined;
    let ticket: Ticket;
    try {
      ticket = await deps.tickets.get(number);
    } catch (error) {
      if (error instanceof TicketNotFoundError) return undefined;
      throw error;
    }
    return tokenMatches(ticket.publicToken, token) ? ticket : undefined;
  }

  // A browser's Accept names text/html (and often */*); a script asking for JSON names only that.
  const wantsJson = (request: FastifyRequest, suffix: boolean) => {
    const accept = request.headers.accept ?? '';
    return suffix || (accept.includes('application/json') && !accept.includes('text/html'));
  };

  http.get('/t/:number', async (request, reply) => {
    const param = (request.params as { number: string }).number;
    const json = param.endsWith('.json');
    const number = json ? param.slice(0, -5) : param;
    const ctx = pageContext(request);
    const ticket = await linkedTicket(number, (request.query as { k?: unknown }).k);
    reply.headers({ ...BASE_HEADERS, 'cache-control': 'private, no-cache', vary: 'accept, accept-language' });
    if (wantsJson(request, json)) {
      if (!ticket) return reply.code(404).send({ error: 'not_found' });
      return reply.send(publicTicketView(ticket, { config, texts, locale: ctx.locale }));
    }
    reply.header('content-security-policy', STATUS_CSP).type('text/html; charset=utf-8');
    if (!ticket) return reply.code(404).send(notFoundPage(ctx));
    return reply.send(statusPage(publicTicketView(ticket, { config, texts, locale: ctx.locale }), ctx));
  });

  http.get('/t/:number/photos/:fileId', async (request, reply) => {
    const { number, fileId } = request.params as { number: string; fileId: string };
    const ticket = FILE_ID.test(fileId) ? await linkedTicket(number, (request.query as { k?: unknown }).k) : undefined;
    const stored = ticket && publicFileIds(ticket).has(fileId) ? await deps.attachments.open(fileId) : null;
    reply.headers(BASE_HEADERS);
    if (!stored) return reply.code(404).type('text/html; charset=utf-8').header('content-security-policy', STATUS_CSP).send(notFoundPage(pageContext(request)));
    // A copy never changes (a new marking is a new file), but unmarking must take effect: cached an hour, in the browser only.
    return reply.type(stored.ref.contentType).header('cache-control', 'private, max-age=3600').header('etag', `"${fileId}"`).header('content-security-policy', "default-src 'none'").send(stored.stream);
  });

  http.get('/peta', async (request, reply) => {
    const ctx = pageContext(request);
    const filters = mapFilters(request.query, config);
    const data = await cachedMap(ctx.locale, filters);
    return reply.headers({ ...BASE_HEADERS, 'content-security-policy': MAP_CSP, 'cache-control': 'public, max-age=60', vary: 'accept-language' }).type('text/html; charset=utf-8').send(mapPage(data, filters, { ...ctx, config }));
  });

  http.get('/peta/data.json', async (request, reply) => {
    const locale = pageLocale(request);
    const data = await cachedMap(locale, mapFilters(request.query, config));
    return reply.headers({ ...BASE_HEADERS, 'cache-control': 'public, max-age=60', vary: 'accept-language', 'access-control-allow-origin': '*' }).send(data);
  });

  http.get('/peta/assets/:name', (request, reply: FastifyReply) => {
    const asset = assets[(request.params as { name: string }).name];
    if (!asset) return reply.code(404).send({ error: 'not_found' });
    return reply.headers({ 'x-content-type-options': 'nosniff', 'cache-control': 'public, max-age=3600' }).type(asset.type).send(asset.body);
  });
}
