// The public map (/peta): which tickets it shows and the page around it. The
// page is server-rendered and complete without script (filters as a GET form,
// the tickets as a table); assets/peta.js adds the Leaflet map of the same
// tickets on top, from /peta/data.json.
import { z } from 'zod';
import type { Config } from '../config/schema.js';
import type { Locale, Texts } from '../conversation/texts.js';
import type { MapTicket, PublicStore } from '../storage/public-store.js';
import type { TicketStatus } from '../tickets/model.js';
import { escapeHtml, page } from './html.js';
import { roundCoordinate } from './view.js';

/** The statuses the map knows; forwarded and rejected tickets are not the city's work on the ground. */
export const MAP_STATUSES = ['open', 'in_progress', 'resolved', 'closed'] as const satisfies readonly TicketStatus[];

export type MapConfig = Pick<Config, 'categories' | 'public'>;

const DAY_MS = 86_400_000;

/** The filters of the page and of data.json; anything unexpected is dropped rather than refused (a link typed by hand). */
export function mapFilters(query: unknown, config: MapConfig): { category?: string; status?: (typeof MAP_STATUSES)[number]; days: number } {
  const maxDays = Math.max(1, Math.round(config.public.map.resolvedWithin / DAY_MS));
  const raw = z.object({ category: z.string().max(60).optional(), status: z.string().max(20).optional(), days: z.coerce.number().int().min(1).max(maxDays).optional() }).catch({}).parse(query ?? {});
  const category = config.categories.some((c) => c.code === raw.category) ? raw.category : undefined;
  const status = MAP_STATUSES.find((s) => s === raw.status);
  return { ...(category ? { category } : {}), ...(status ? { status } : {}), days: raw.days ?? maxDays };
}

export interface MapPoint {
  readonly number: string;
  readonly category: { readonly code: string; readonly name: string };
  readonly status: { readonly code: TicketStatus; readonly label: string };
  /** Rounded to 3 decimals (about 100 m). */
  readonly latitude: number;
  readonly longitude: number;
  readonly reportedAt: string;
}

export interface MapData {
  readonly tickets: readonly MapPoint[];
  readonly days: number;
  /** More tickets matched than `public.map.maxTickets`: the newest are shown. */
  readonly capped: boolean;
}

export async function mapData(store: PublicStore, config: MapConfig, texts: Texts, locale: Locale, filters: ReturnType<typeof mapFilters>, now: Date): Promise<MapData> {
  const limit = config.public.map.maxTickets;
  const rows = await store.mapTickets({
    since: new Date(now.getTime() - filters.days * DAY_MS),
    statuses: filters.status ? [filters.status] : MAP_STATUSES,
    ...(filters.category ? { category: filters.category } : {}),
    limit: limit + 1,
  });
  return { tickets: rows.slice(0, limit).map((row) => mapPoint(row, config, texts, locale)), days: filters.days, capped: rows.length > limit };
}

/** Only what the map shows: never the reporter, the description or the exact spot. */
export function mapPoint(row: MapTicket, config: Pick<Config, 'categories'>, texts: Texts, locale: Locale): MapPoint {
  const category = config.categories.find((c) => c.code === row.category);
  return {
    number: row.number,
    category: { code: row.category, name: category ? (category.name[locale] ?? category.name.id) : row.category },
    status: { code: row.status, label: texts.t(locale, `status.labels.${row.status}`) },
    latitude: roundCoordinate(row.latitude),
    longitude: roundCoordinate(row.longitude),
    reportedAt: row.createdAt.toISOString(),
  };
}

export interface MapPageContext {
  readonly locale: Locale;
  readonly texts: Texts;
  readonly city: string;
  readonly timeZone: string;
  readonly config: MapConfig;
  readonly otherLanguageHref: string;
}

export function mapPage(data: MapData, filters: ReturnType<typeof mapFilters>, ctx: MapPageContext): string {
  const t = (key: string, vars?: Record<string, string | number>) => escapeHtml(ctx.texts.t(ctx.locale, key, vars));
  const day = new Intl.DateTimeFormat(ctx.locale === 'id' ? 'id-ID' : 'en-GB', { dateStyle: 'medium', timeZone: ctx.timeZone });
  const option = (value: string, label: string, selected: boolean) => `<option value="${escapeHtml(value)}"${selected ? ' selected' : ''}>${escapeHtml(label)}</option>`;
  const categories = ctx.config.categories.map((c) => option(c.code, c.name[ctx.locale] ?? c.name.id, c.code === filters.category)).join('');
  const statuses = MAP_STATUSES.map((s) => option(s, ctx.texts.t(ctx.locale, `status.labels.${s}`), s === filters.status)).join('');
  const rows = data.tickets
    .map((p) => `<tr data-lat="${String(p.latitude)}" data-lon="${String(p.longitude)}" data-status="${p.status.code}">
<td data-label="${t('public.map.number')}">${escapeHtml(p.number)}</td>
<td data-label="${t('public.map.category')}">${escapeHtml(p.category.name)}</td>
<td data-label="${t('public.map.status')}"><span class="status status-${p.status.code}">${escapeHtml(p.status.label)}</span></td>
<td data-label="${t('public.map.date')}"><time datetime="${p.reportedAt}">${escapeHtml(day.format(new Date(p.reportedAt)))}</time></td>
<td data-label="${t('public.map.location')}">${p.latitude.toFixed(3)}, ${p.longitude.toFixed(3)}</td>
</tr>`)
    .join('\n');
  const body = `
<h1>${t('public.map.title')}</h1>
<p>${t('public.map.intro', { days: data.days })}</p>
<form class="filters card" method="get" action="/peta" aria-label="${t('public.map.filters')}">
<input type="hidden" name="lang" value="${ctx.locale}">
<label>${t('public.map.category')}<select name="category">${option('', ctx.texts.t(ctx.locale, 'public.map.all'), !filters.category)}${categories}</select></label>
<label>${t('public.map.status')}<select name="status">${option('', ctx.texts.t(ctx.locale, 'public.map.all'), !filters.status)}${statuses}</select></label>
<button type="submit">${t('public.map.apply')}</button>
</form>
<div id="map" role="region" aria-label="${t('public.map.map_label')}" data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"><noscript><p>${t('public.map.no_script')}</p></noscript></div>
<ul class="legend" aria-label="${t('public.map.legend')}">${MAP_STATUSES.map((s) => `<li><span class="dot dot-${s}" aria-hidden="true"></span>${escapeHtml(ctx.texts.t(ctx.locale, `status.labels.${s}`))}</li>`).join('')}</ul>
<p role="status">${t('public.map.count', { count: data.tickets.length })}${data.capped ? ` ${t('public.map.capped', { count: data.tickets.length })}` : ''}</p>
${data.tickets.length === 0
  ? `<p class="card">${t('public.map.none')}</p>`
  : `<table class="list" id="tickets">
<caption>${t('public.map.list')}</caption>
<thead><tr><th scope="col">${t('public.map.number')}</th><th scope="col">${t('public.map.category')}</th><th scope="col">${t('public.map.status')}</th><th scope="col">${t('public.map.date')}</th><th scope="col">${t('public.map.location')}</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`}`;
  const head = '<link rel="stylesheet" href="/peta/assets/leaflet.css">\n<script type="module" src="/peta/assets/peta.js"></script>\n';
  return page({ ...ctx, title: ctx.texts.t(ctx.locale, 'public.map.title'), body, head });
}
