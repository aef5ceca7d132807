// A ticket's public status page (/t/<number>?k=<token>) and the page every
// wrong link gets: the same for an unknown number, a wrong or a missing token.
import type { Locale, Texts } from '../conversation/texts.js';
import { escapeHtml, page } from './html.js';
import type { PublicPhoto, PublicTicket } from './view.js';

export interface PageContext {
  readonly locale: Locale;
  readonly texts: Texts;
  readonly city: string;
  readonly timeZone: string;
  /** This page in the other language. */
  readonly otherLanguageHref: string;
}

export function statusPage(view: PublicTicket, ctx: PageContext): string {
  const t = (key: string, vars?: Record<string, string | number>) => escapeHtml(ctx.texts.t(ctx.locale, key, vars));
  const when = dateFormatter(ctx, true);
  const day = dateFormatter(ctx, false);
  const time = (iso: string, format: Intl.DateTimeFormat) => `<time datetime="${escapeHtml(iso)}">${escapeHtml(format.format(new Date(iso)))}</time>`;
  const facts: [string, string][] = [
    [t('public.ticket.category'), escapeHtml(view.category.name)],
    [t('public.ticket.status'), `<span class="status status-${view.status.code}">${escapeHtml(view.status.label)}</span>`],
    ...(view.agency ? [[t('public.ticket.agency'), escapeHtml(view.agency)] as [string, string]] : []),
    ...(view.forwardedTo ? [[t('public.ticket.forwarded_to'), view.forwardedTo.url ? `<a href="${escapeHtml(view.forwardedTo.url)}" rel="noopener noreferrer">${escapeHtml(view.forwardedTo.name)}</a>` : escapeHtml(view.forwardedTo.name)] as [string, string]] : []),
    [t('public.ticket.reported'), time(view.reportedAt, day)],
    [t('public.ticket.updated'), time(view.updatedAt, when)],
    ...(view.location
      ? [[t('public.ticket.location'), `${t('public.ticket.location_value', { latitude: view.location.latitude.toFixed(3), longitude: view.location.longitude.toFixed(3) })} · <a href="/peta?lang=${ctx.locale}&amp;at=${String(view.location.latitude)},${String(view.location.longitude)}">${t('public.ticket.map_link')}</a>`] as [string, string]]
      : []),
  ];
  const body = `
<h1>${t('public.ticket.title', { number: view.number })}</h1>
<section class="card">
<dl class="facts">
${facts.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('\n')}
</dl>
${view.mergedInto ? `<p>${t('public.ticket.merged', { number: view.mergedInto })}</p>` : ''}
${view.followers > 0 ? `<p>${t(view.followers === 1 ? 'public.ticket.followers_one' : 'public.ticket.followers', { count: view.followers })}</p>` : ''}
</section>
${view.result ? `<section class="card" aria-labelledby="result-title">
<h2 id="result-title">${t('public.ticket.result')}</h2>
<p>${time(view.result.at, when)}</p>
<p class="result">${escapeHtml(view.result.text)}</p>
${photoList(view.result.photos)}
</section>` : ''}
<section class="card" aria-labelledby="steps-title">
<h2 id="steps-title">${t('public.ticket.milestones')}</h2>
<ol class="steps">
${view.milestones.map((m) => `<li>${time(m.at, when)}${escapeHtml(m.label)}</li>`).join('\n')}
</ol>
</section>
${view.photos.length > 0 ? `<section class="card" aria-labelledby="photos-title">
<h2 id="photos-title">${t('public.ticket.photos')}</h2>
${photoList(view.photos)}
</section>` : ''}`;
  return page({ ...ctx, title: ctx.texts.t(ctx.locale, 'public.ticket.title', { number: view.number }), body });
}

/** One page for every link that does not lead to a ticket, so a wrong token says nothing about the number. */
export function notFoundPage(ctx: PageContext): string {
  const t = (key: string) => escapeHtml(ctx.texts.t(ctx.locale, key));
  const body = `<h1>${t('public.not_found.title')}</h1>\n<p class="card">${t('public.not_found.text')}</p>`;
  // The language link does not echo the address: the page must read the same whatever number or token was tried.
  return page({ ...ctx, otherLanguageHref: `?lang=${ctx.locale === 'id' ? 'en' : 'id'}`, title: ctx.texts.t(ctx.locale, 'public.not_found.title'), body });
}

function photoList(photos: readonly PublicPhoto[]): string {
  if (photos.length === 0) return '';
  return `<ul class="photos">${photos.map((p) => `<li><a href="${escapeHtml(p.url)}"><img src="${escapeHtml(p.url)}" alt="${escapeHtml(p.alt)}" loading="lazy"></a></li>`).join('')}</ul>`;
}

function dateFormatter(ctx: PageContext, withTime: boolean): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(ctx.locale === 'id' ? 'id-ID' : 'en-GB', { dateStyle: 'long', ...(withTime ? { timeStyle: 'short' } : {}), timeZone: ctx.timeZone });
}
