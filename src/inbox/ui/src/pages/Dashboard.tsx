// The dashboard over a date range (presets or chosen dates, in the city's time
// zone): counts and breakdowns, first-response compliance per agency (overall
// and over time, drawn as SVG with the values written on it), time to resolve,
// open tickets per day, the SLA breach list, and the stored reports (central
// operators may generate one now).
import { useEffect, useState } from 'preact/hooks';
import { api, type Me, type Meta } from '../api.js';
import { label, lang, localized, say, t, when } from '../i18n.js';
import { useActionKeys } from '../keys.js';
import type { LiveEvent } from '../main.js';
import { agencyName } from '../words.js';
import { DASH } from './dashboard-texts.js';
import { type SatisfactionData, SatisfactionCard } from './Satisfaction.js';
import './dashboard.css';

interface Compliance { met: number; missed: number; percent: number | null }
interface DashboardData {
  total: number;
  range: { preset: string; from: string; to: string; timeZone: string };
  truncated: boolean;
  byStatus: Record<string, number>;
  byCategory: Record<string, number>;
  byChannel: Record<string, number>;
  byAgency: Record<string, number>;
  firstResponseCompliance: Compliance;
  complianceByAgency: Record<string, Compliance>;
  complianceOverTime: { buckets: { from: string; to: string }[]; agencies: Record<string, (number | null)[]> };
  timeToResolve: { count: number; medianHours: number | null; p90Hours: number | null };
  backlog: { date: string; open: number }[];
  overdue: { number: string; agency?: string; status: string; breaches: string[] }[];
  satisfaction: SatisfactionData;
}
interface Report { id: string; kind: string; label: string; agency?: string; createdAt: string }

const PRESETS = [['7d', DASH.r7d], ['30d', DASH.r30d], ['this_month', DASH.rThisMonth], ['last_month', DASH.rLastMonth], ['custom', DASH.rCustom]] as const;
type Preset = (typeof PRESETS)[number][0];

const day = (iso: string, options: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric' }) =>
  new Date(`${iso}T12:00:00Z`).toLocaleDateString(lang === 'id' ? 'id-ID' : 'en-GB', { ...options, timeZone: 'UTC' });
const colour = (percent: number | null) => (percent === null ? '#e0e0e0' : percent >= 80 ? '#2e7d32' : percent >= 50 ? '#f9a825' : '#c62828');
const ink = (percent: number | null) => (percent !== null && percent >= 50 && percent < 80 ? '#000' : percent === null ? '#333' : '#fff');

/** Hours in words: "18 jam", "2 hari 4 jam". */
export function duration(hours: number): string {
  const whole = Math.round(hours);
  if (whole < 24) return say(DASH.hours, { h: Math.max(whole, hours > 0 ? 1 : 0) });
  return say(DASH.daysHours, { d: Math.floor(whole / 24), h: whole % 24 });
}

export function Dashboard({ meta, live }: { meta: Meta; live: LiveEvent }) {
  const [preset, setPreset] = useState<Preset>('30d');
  const [custom, setCustom] = useState({ from: '', to: '' });
  const [applied, setApplied] = useState({ from: '', to: '' });
  const [data, setData] = useState<DashboardData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reports, setReports] = useState<Report[]>([]);
  const [me, setMe] = useState<Me['operator'] | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const keys = useActionKeys();

  const query = preset === 'custom' ? `range=custom&from=${applied.from}&to=${applied.to}` : `range=${preset}`;
  useEffect(() => {
    if (preset === 'custom' && (!applied.from || !applied.to)) return;
    api<DashboardData>('GET', `/api/reports/dashboard?${query}`).then((d) => { setData(d); setError(null); }, () => { setError(say(DASH.badRange)); });
  }, [query, live.seq]);
  const loadReports = () => { void api<{ reports: Report[] }>('GET', '/api/reports').then((r) => { setReports(r.reports); }); };
  useEffect(loadReports, []);
  useEffect(() => { void api<Me>('GET', '/api/auth/me').then((m) => { setMe(m.operator); }); }, []);

  const generate = async (kind: 'daily' | 'monthly') => {
    setBusy(true);
    setNotice(null);
    try {
      const answer = await keys.run(`generate:${kind}`, (key) => api<{ ran: boolean; reports: Report[] }>('POST', '/api/reports/generate', { kind }, { idempotencyKey: key }));
      setReports(answer.reports);
      setNotice(say(answer.ran ? DASH.generated : DASH.busy));
    } finally {
      setBusy(false);
    }
  };

  const agency = (code: string) => (code === '-' ? '—' : agencyName(meta, code));
  const category = (code: string) => { const c = meta.categories.find((x) => x.code === code); return c ? localized(c.name) : code; };
  return (
    <section class="dashboard">
      <h1>{t('dashboard')}</h1>
      <fieldset class="range">
        <legend>{say(DASH.range)}</legend>
        <div class="presets" role="group">
          {PRESETS.map(([value, text]) => (
            <button type="button" class={preset === value ? 'chosen' : ''} aria-pressed={preset === value} onClick={() => { setPreset(value); }}>{say(text)}</button>
          ))}
        </div>
        {preset === 'custom' ? (
          <form class="custom" onSubmit={(e) => { e.preventDefault(); if (custom.from && custom.to && custom.from <= custom.to) { setApplied(custom); setError(null); } else setError(say(DASH.badRange)); }}>
            <label>{say(DASH.from)} <input type="date" value={custom.from} onInput={(e) => { setCustom({ ...custom, from: e.currentTarget.value }); }} /></label>
            <label>{say(DASH.to)} <input type="date" value={custom.to} onInput={(e) => { setCustom({ ...custom, to: e.currentTarget.value }); }} /></label>
            <button type="submit">{say(DASH.apply)}</button>
          </form>
        ) : null}
        {data ? <p class="range-label">{say(DASH.rangeLabel, { from: day(data.range.from), to: day(data.range.to), zone: data.range.timeZone })}</p> : null}
      </fieldset>
      {error ? <p class="error" role="alert">{error}</p> : null}
      {data?.truncated ? <p class="warning" role="status">{say(DASH.truncated)}</p> : null}
      {data ? <Figures data={data} agency={agency} category={category} /> : null}

      <h2>{say(DASH.reports)}</h2>
      {me?.role === 'admin' ? (
        <div class="generate">
          <span>{say(DASH.generate)}:</span>
          <button type="button" disabled={busy} onClick={() => void generate('daily')}>{say(DASH.generateDaily)}</button>
          <button type="button" disabled={busy} onClick={() => void generate('monthly')}>{say(DASH.generateMonthly)}</button>
          {busy ? <span role="status">{say(DASH.working)}</span> : null}
        </div>
      ) : null}
      {notice ? <p class="notice" role="status">{notice}</p> : null}
      {reports.length === 0 ? (
        <p class="empty">{say(DASH.noReports)} {say(me?.role === 'admin' ? DASH.noReportsAdmin : me?.role === 'agency' ? DASH.noReportsAgency : ['', ''])}</p>
      ) : (
        <table class="reports">
          <tbody>
            {reports.map((r) => (
              <tr key={r.id}>
                <td>{r.kind === 'daily' || r.kind === 'monthly' || r.kind === 'monev' ? say(DASH[`kind_${r.kind}`]) : r.kind} {r.label}{r.agency ? ` · ${agency(r.agency)}` : ''}</td>
                <td>{when(r.createdAt)}</td>
                <td><a href={`/api/reports/${r.id}/csv`} download>{say(DASH.download)}<span class="sr-only"> {r.id}</span></a></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Breakdown({ title, counts, name }: { title: string; counts: Record<string, number>; name: (code: string) => string }) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return (
    <div class="breakdown">
      <h3>{title}</h3>
      <table>
        <tbody>
          {entries.map(([code, n]) => (
            <tr key={code}>
              <th scope="row">{name(code)}</th>
              <td class="bar-cell"><span class="bar" style={{ width: `${String(Math.round((n / max) * 100))}%` }} /></td>
              <td class="num">{n}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Figures({ data, agency, category }: { data: DashboardData; agency: (code: string) => string; category: (code: string) => string }) {
  const complianceRows = Object.entries(data.complianceByAgency).sort((a, b) => a[0].localeCompare(b[0]));
  const over = data.complianceOverTime;
  const overRows = Object.entries(over.agencies);
  const cell = 56;
  const labelWidth = 70;
  const backlogMax = Math.max(1, ...data.backlog.map((b) => b.open));
  const peak = data.backlog.reduce<{ date: string; open: number } | null>((best, b) => (best === null || b.open > best.open ? b : best), null);
  const barWidth = Math.max(6, Math.min(28, Math.floor(640 / Math.max(1, data.backlog.length))));
  const ttr = data.timeToResolve;
  return (
    <>
      <div class="counts">
        <div class="count"><b>{data.total}</b>{say(DASH.created)}</div>
        <div class="count overdue"><b>{data.overdue.length}</b>{say(DASH.breaches)}</div>
        <div class="count"><b>{data.firstResponseCompliance.percent === null ? '—' : `${String(data.firstResponseCompliance.percent)}%`}</b>{say(DASH.compliance).split(',')[0]}</div>
        <div class="count"><b>{ttr.medianHours === null ? '—' : duration(ttr.medianHours)}</b>{say(DASH.median)} · {say(DASH.resolveTime).split(' (')[0]}</div>
      </div>
      {data.total === 0 ? <p class="empty">{say(DASH.noData)}</p> : (
        <div class="breakdowns">
          <Breakdown title={say(DASH.byCategory)} counts={data.byCategory} name={category} />
          <Breakdown title={say(DASH.byChannel)} counts={data.byChannel} name={label} />
          <Breakdown title={say(DASH.byAgency)} counts={data.byAgency} name={agency} />
          <Breakdown title={say(DASH.byStatus)} counts={data.byStatus} name={label} />
        </div>
      )}

      <h2 id="compliance-title">{say(DASH.compliance)}</h2>
      <p class="hint">{say(DASH.complianceHint)}</p>
      {complianceRows.length === 0 ? <p class="empty">{say(DASH.noCompliance)}</p> : (
        <svg class="chart" role="img" aria-labelledby="compliance-title" viewBox={`0 0 440 ${String(complianceRows.length * 28 + 6)}`}>
          {complianceRows.map(([code, c], i) => {
            const y = i * 28 + 3;
            return (
              <g key={code}>
                <title>{`${agency(code)}: ${c.percent === null ? '—' : `${String(c.percent)}%`} (${say(DASH.met, { met: c.met, missed: c.missed })})`}</title>
                <text x="0" y={y + 15} font-size="12">{code}</text>
                <rect x="60" y={y} width="160" height="20" fill="#eee" />
                <rect x="60" y={y} width={1.6 * (c.percent ?? 0)} height="20" fill={colour(c.percent)} />
                <text x="226" y={y + 15} font-size="12">{c.percent === null ? '—' : `${String(c.percent)}%`} · {say(DASH.met, { met: c.met, missed: c.missed })}</text>
              </g>
            );
          })}
        </svg>
      )}
      {overRows.length > 0 ? (
        <>
          <h3 id="over-time-title">{say(DASH.complianceOverTime, { size: say(over.buckets.length > 0 && over.buckets[0]?.from === over.buckets[0]?.to ? DASH.perDay : DASH.perWeek) })}</h3>
          <div class="scroll">
            <svg class="heat" role="img" aria-labelledby="over-time-title" width={labelWidth + over.buckets.length * cell} height={28 + overRows.length * 26} viewBox={`0 0 ${String(labelWidth + over.buckets.length * cell)} ${String(28 + overRows.length * 26)}`}>
              {over.buckets.map((b, j) => <text key={b.from} x={labelWidth + j * cell + cell / 2} y="16" font-size="11" text-anchor="middle">{day(b.from, { day: 'numeric', month: 'short' })}</text>)}
              {overRows.map(([code, values], i) => (
                <g key={code}>
                  <text x="0" y={28 + i * 26 + 16} font-size="12">{code}</text>
                  {values.map((v, j) => (
                    <g key={String(j)}>
                      <title>{`${agency(code)}, ${day(over.buckets[j]?.from ?? '')}${over.buckets[j]?.to === over.buckets[j]?.from ? '' : ` – ${day(over.buckets[j]?.to ?? '')}`}: ${v === null ? '—' : `${String(v)}%`}`}</title>
                      <rect x={labelWidth + j * cell + 1} y={28 + i * 26} width={cell - 2} height="22" fill={colour(v)} rx="3" />
                      <text x={labelWidth + j * cell + cell / 2} y={28 + i * 26 + 15} font-size="11" text-anchor="middle" fill={ink(v)}>{v === null ? '—' : `${String(Math.round(v))}%`}</text>
                    </g>
                  ))}
                </g>
              ))}
            </svg>
          </div>
        </>
      ) : null}

      <h2>{say(DASH.resolveTime)}</h2>
      {ttr.count === 0 ? <p class="empty">{say(DASH.noneResolved)}</p> : (
        <p class="resolve">
          <span><b>{say(DASH.median)}: {duration(ttr.medianHours ?? 0)}</b></span>
          <span><b>{say(DASH.p90)}: {duration(ttr.p90Hours ?? 0)}</b></span>
          <span>{say(DASH.resolvedOf, { n: ttr.count })}</span>
        </p>
      )}

      <SatisfactionCard data={data.satisfaction} agency={agency} />

      <h2 id="backlog-title">{say(DASH.backlog)}</h2>
      {peak ? <p class="hint">{say(DASH.backlogSummary, { first: data.backlog[0]?.open ?? 0, last: data.backlog[data.backlog.length - 1]?.open ?? 0, max: peak.open, date: day(peak.date, { day: 'numeric', month: 'short' }) })}</p> : null}
      <div class="scroll">
        <svg class="backlog" role="img" aria-labelledby="backlog-title" viewBox={`0 0 ${String(30 + data.backlog.length * barWidth)} 150`}>
          <text x="0" y="24" font-size="11">{backlogMax}</text>
          <text x="0" y="128" font-size="11">0</text>
          <line x1="28" y1="124" x2={30 + data.backlog.length * barWidth} y2="124" stroke="#999" />
          {data.backlog.map((b, i) => {
            const h = Math.round((b.open / backlogMax) * 100);
            const x = 30 + i * barWidth;
            const last = data.backlog.length - 1;
            // Every day of a short range; else every 7th day, and the last one when it does not crowd the one before.
            const labelled = data.backlog.length <= 10 || i % 7 === 0 || (i === last && i % 7 >= 3);
            return (
              <g key={b.date}>
                <title>{`${day(b.date)}: ${String(b.open)}`}</title>
                <rect x={x + 1} y={124 - h} width={barWidth - 2} height={h} fill="#1565c0" />
                {barWidth >= 18 ? <text class="val" x={x + barWidth / 2} y={120 - h} font-size="10" text-anchor="middle">{b.open}</text> : null}
                {labelled ? <text x={x + barWidth / 2} y="142" font-size="10" text-anchor="middle">{day(b.date, { day: 'numeric', month: 'short' })}</text> : null}
              </g>
            );
          })}
        </svg>
      </div>

      <h2>{say(DASH.breachList)}</h2>
      {data.overdue.length === 0 ? <p class="empty">{say(DASH.noBreaches)}</p> : (
        <table class="breach-list">
          <tbody>
            {data.overdue.map((o) => (
              <tr key={o.number}>
                <td><a href={`#/t/${o.number}`}>{o.number}</a></td>
                <td>{o.agency ? agency(o.agency) : '—'}</td>
                <td>{label(o.status)}</td>
                <td>{[...new Set(o.breaches)].map((b) => say(b === 'firstResponse' ? DASH.firstResponse : b === 'followUp' ? DASH.followUp : [b, b])).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
