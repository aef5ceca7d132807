// The frame of the public pages: server-rendered HTML that needs no script,
// mobile-first, one small stylesheet inline, every value escaped.
import type { Locale, Texts } from '../conversation/texts.js';

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or attribute value made safe for HTML. */
export const escapeHtml = (value: string | number): string => String(value).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

export interface PageFrame {
  readonly locale: Locale;
  readonly texts: Texts;
  readonly city: string;
  readonly title: string;
  /** The same page in the other language. */
  readonly otherLanguageHref: string;
  readonly body: string;
  /** Extra tags in the head (the map's stylesheet and script). */
  readonly head?: string;
}

export function page({ locale, texts, city, title, otherLanguageHref, body, head = '' }: PageFrame): string {
  const t = (key: string, vars?: Record<string, string>) => escapeHtml(texts.t(locale, key, vars));
  const other: Locale = locale === 'id' ? 'en' : 'id';
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · ${t('public.site', { city })}</title>
<link rel="icon" href="/webchat/favicon.png">
<style>${STYLE}</style>
${head}</head>
<body>
<header class="top">
<a class="site" href="/peta?lang=${locale}">${t('public.site', { city })}</a>
<a class="lang" href="${escapeHtml(otherLanguageHref)}" hreflang="${other}" lang="${other}" title="${escapeHtml(texts.t(locale, 'public.lang_switch_label'))}">${t('public.lang_switch')}</a>
</header>
<main id="main">
${body}
</main>
<footer><p>${t('public.privacy')}</p></footer>
</body>
</html>
`;
}

// Mobile first: one column, large enough type and targets; colours with at least 4.5:1 contrast.
const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f5f6f8}
a{color:#0b57a4}
a:focus-visible,button:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid #f0a500;outline-offset:2px}
.top{display:flex;justify-content:space-between;align-items:center;gap:1rem;padding:.75rem 1rem;background:#0b3d6e;color:#fff}
.top a{color:#fff;text-decoration:none;font-weight:600}
.top a.lang{border:1px solid #fff;border-radius:4px;padding:.35rem .7rem;min-height:44px;display:inline-flex;align-items:center;font-weight:400}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.25rem 0 1rem;overflow-wrap:anywhere}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.card{background:#fff;border:1px solid #d5d9df;border-radius:8px;padding:1rem;margin-bottom:1rem}
dl.facts{display:grid;grid-template-columns:1fr;gap:.15rem .75rem;margin:0}
dl.facts dt{font-weight:600;color:#3d4651}
dl.facts dd{margin:0 0 .6rem}
@media (min-width:40rem){dl.facts{grid-template-columns:max-content 1fr}dl.facts dd{margin:0 0 .3rem}}
.status{display:inline-block;padding:.1rem .6rem;border-radius:999px;font-weight:600;background:#e3ecf7;color:#0b3d6e}
.status-resolved,.status-closed{background:#dcefe1;color:#155724}
.status-open{background:#fff0cc;color:#6b4a00}
.status-forwarded,.status-rejected{background:#ececec;color:#333}
ol.steps{list-style:none;margin:0;padding:0;border-left:3px solid #0b57a4}
ol.steps li{position:relative;margin:0 0 .8rem;padding-left:1rem}
ol.steps time{display:block;font-size:.875rem;color:#4a5562}
.photos{display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));gap:.5rem;margin:0;padding:0;list-style:none}
.photos img{width:100%;height:auto;border-radius:6px;border:1px solid #d5d9df;display:block}
.result{white-space:pre-wrap;overflow-wrap:anywhere}
footer{max-width:60rem;margin:0 auto;padding:0 1rem 2rem;color:#4a5562;font-size:.875rem}
form.filters{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-end}
form.filters label{display:flex;flex-direction:column;font-weight:600;gap:.25rem}
select,button{font:inherit;min-height:44px;padding:.35rem .6rem;border:1px solid #7a8591;border-radius:4px;background:#fff;color:#1b1f24}
button{background:#0b57a4;color:#fff;border-color:#0b57a4;cursor:pointer}
.legend{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;margin:.5rem 0 0;padding:0;font-size:.875rem}
.legend li{display:flex;align-items:center;gap:.35rem}
.dot{display:inline-block;width:.9rem;height:.9rem;border-radius:50%;border:2px solid #fff;box-shadow:0 0 0 1px #7a8591}
.dot-open{background:#b35c00}.dot-in_progress{background:#0b57a4}.dot-resolved{background:#1e7b34}.dot-closed{background:#4a5562}
#map{height:55vh;min-height:16rem;border:1px solid #d5d9df;border-radius:8px;background:#dfe6ee}
table{border-collapse:collapse;width:100%;background:#fff}
caption{text-align:left;font-weight:600;padding:.5rem 0}
th,td{text-align:left;padding:.5rem;border-bottom:1px solid #d5d9df;vertical-align:top}
td button{min-height:36px;padding:.2rem .5rem;background:#fff;color:#0b57a4}
@media (max-width:40rem){
 table.list thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
 table.list tr{display:block;border-bottom:1px solid #d5d9df;padding:.4rem 0}
 table.list td{display:block;border:0;padding:.1rem .5rem}
 table.list td::before{content:attr(data-label) ": ";font-weight:600;color:#3d4651}
}
`;
